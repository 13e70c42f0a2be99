using System.Text;
using AuthOpenIdc.Caching;
using AuthOpenIdc.RelyingParty;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// OIDC Core §3.1.3.7 ID-token validation, as strict as mod_auth_openidc (§3 of the feature inventory):
/// signature by the OP's JWKS (or the client secret for HS*), an algorithm allow-list that never holds
/// <c>none</c>, exact <c>iss</c>, <c>aud</c> containing the client, <c>azp</c>, <c>exp</c>, <c>iat</c> within the
/// slack, the state's <c>nonce</c> seen only once, <c>sub</c>. Signature and claims parsing are IdentityModel's;
/// time checks use <see cref="TimeProvider"/> so tests can move the clock.
/// </summary>
internal sealed class IdTokenValidator
{
    /// <summary>An ID token is a few KB; anything far larger is an attack on the parser.</summary>
    private const int MaxTokenLength = 64 * 1024;

    private static readonly string[] DefaultAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
    ];

    private readonly OidcRelyingPartyOptions _options;
    private readonly ProviderMetadataCache _metadata;
    private readonly ProtectedCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly string[] _algorithms;

    public IdTokenValidator(OidcRelyingPartyOptions options, ProviderMetadataCache metadata, ProtectedCache cache, TimeProvider time, ILogger logger)
    {
        _options = options;
        _metadata = metadata;
        _cache = cache;
        _time = time;
        _logger = logger;
        var configured = options.IdTokenSigningAlgorithms.Count > 0 ? options.IdTokenSigningAlgorithms : DefaultAlgorithms;
        _algorithms = configured.Where(a => !string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)).ToArray();
    }

    public async Task<JsonWebToken> ValidateAsync(string idToken, ProviderMetadata provider, string expectedNonce, bool maxAgeRequested, CancellationToken cancellationToken)
    {
        var unverified = ReadJws(idToken, "the ID token", "encrypted ID tokens are not supported", OidcProtocolException.InvalidIdToken);

        var result = await ValidateSignatureIssuerAudienceAsync(idToken, unverified, provider, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw OidcProtocolException.InvalidIdToken($"signature, issuer or audience check failed: {result.Exception?.GetType().Name}", result.Exception);
        }

        var token = (JsonWebToken)result.SecurityToken;
        CheckClaims(token, expectedNonce, maxAgeRequested);
        await CheckNonceReplayAsync(expectedNonce, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>
    /// An ID token from a refresh (OIDC Core §12.2): the same checks except the nonce (there was no authorization
    /// request), and its <c>sub</c> must be the session's.
    /// </summary>
    public async Task<JsonWebToken> ValidateRefreshedAsync(string idToken, ProviderMetadata provider, string expectedSubject, CancellationToken cancellationToken)
    {
        var unverified = ReadJws(idToken, "the refreshed ID token", "encrypted ID tokens are not supported", OidcProtocolException.InvalidIdToken);
        var result = await ValidateSignatureIssuerAudienceAsync(idToken, unverified, provider, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw OidcProtocolException.InvalidIdToken($"the refreshed ID token failed validation: {result.Exception?.GetType().Name}", result.Exception);
        }
        var token = (JsonWebToken)result.SecurityToken;
        CheckClaims(token, expectedNonce: null, maxAgeRequested: false);
        if (!string.Equals(token.Subject, expectedSubject, StringComparison.Ordinal))
        {
            throw OidcProtocolException.InvalidIdToken("the refreshed ID token names another subject");
        }
        return token;
    }

    /// <summary>
    /// A signed userinfo response (OIDC Core §5.3.2): the same keys and algorithm rules as the ID token, and
    /// <c>iss</c>/<c>aud</c> when present. Returns its claims.
    /// </summary>
    public async Task<JsonWebToken> ValidateSignedUserInfoAsync(string jwt, ProviderMetadata provider, CancellationToken cancellationToken)
    {
        var unverified = ReadJws(jwt, "the signed userinfo response", "encrypted userinfo responses are not supported", OidcProtocolException.InvalidUserInfo);
        var result = await ValidateSignatureIssuerAudienceAsync(jwt, unverified, provider, cancellationToken, requireIssuerAndAudience: false).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw OidcProtocolException.InvalidUserInfo($"the signed userinfo response failed validation: {result.Exception?.GetType().Name}", result.Exception);
        }
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>
    /// Parses a compact JWS with IdentityModel, refusing what is far too large to be a real token (an attack on the
    /// parser) and JWEs (not supported), each with the failure kind of the caller.
    /// </summary>
    private JsonWebToken ReadJws(string jwt, string what, string encryptedDetail, Func<string, Exception?, OidcProtocolException> invalid)
    {
        if (jwt.Length > MaxTokenLength)
        {
            throw invalid(what + " is larger than 64 KiB", null);
        }
        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(jwt);
        }
        catch (ArgumentException ex)
        {
            throw invalid(what + " is not a well-formed JWS", ex);
        }
        if (token.IsEncrypted)
        {
            throw invalid(encryptedDetail, null);
        }
        return token;
    }

    /// <summary>Signature (refreshing the JWKS once for an unknown key), algorithm, issuer and audience by IdentityModel.</summary>
    internal async Task<TokenValidationResult> ValidateSignatureIssuerAudienceAsync(string jwt, JsonWebToken unverified, ProviderMetadata provider, CancellationToken cancellationToken, bool requireIssuerAndAudience = true)
    {
        var parameters = Parameters(provider, unverified, requireIssuerAndAudience);
        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid && IsUnknownKey(result.Exception, unverified, provider))
        {
            var refreshed = await _metadata.RefreshForUnknownKeyAsync(provider, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(refreshed, provider))
            {
                result = await _handler.ValidateTokenAsync(jwt, Parameters(refreshed, unverified, requireIssuerAndAudience)).ConfigureAwait(false);
            }
        }
        return result;
    }

    private TokenValidationParameters Parameters(ProviderMetadata provider, JsonWebToken unverified, bool requireIssuerAndAudience)
    {
        var parameters = Parameters(provider);
        if (!requireIssuerAndAudience)
        {
            // Signed userinfo SHOULD carry iss and aud; check them when it does.
            parameters.ValidateIssuer &= unverified.TryGetPayloadValue<string>("iss", out _);
            parameters.ValidateAudience = unverified.Audiences.Any();
            parameters.RequireAudience = false;
        }
        return parameters;
    }

    private TokenValidationParameters Parameters(ProviderMetadata provider)
    {
        var keys = new List<SecurityKey>(provider.SigningKeys);
        if (!string.IsNullOrEmpty(_options.ClientSecret) && _algorithms.Any(a => a.StartsWith("HS", StringComparison.Ordinal)))
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.ClientSecret)));
        }
        return new TokenValidationParameters
        {
            ValidateIssuer = _options.ValidateIssuer,
            ValidIssuer = provider.Issuer,
            ValidateAudience = true,
            ValidAudience = _options.ClientId,
            ValidateLifetime = false, // checked below against TimeProvider
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = _algorithms,
            RequireAudience = true,
        };
    }

    private static bool IsUnknownKey(Exception? failure, JsonWebToken token, ProviderMetadata provider) =>
        failure is SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
        && (string.IsNullOrEmpty(token.Kid) || !provider.HasKey(token.Kid));

    private void CheckClaims(JsonWebToken token, string? expectedNonce, bool maxAgeRequested)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)_options.ClockSkew.TotalSeconds;

        if (!TryGetNumericDate(token, "exp", out var exp))
        {
            throw OidcProtocolException.InvalidIdToken("the ID token has no exp");
        }
        if (now > SaturatingAdd(exp, skew))
        {
            throw OidcProtocolException.InvalidIdToken("the ID token has expired");
        }
        if (TryGetNumericDate(token, "nbf", out var nbf) && now < nbf - skew)
        {
            throw OidcProtocolException.InvalidIdToken("the ID token is not valid yet (nbf)");
        }
        if (!TryGetNumericDate(token, "iat", out var iat))
        {
            throw OidcProtocolException.InvalidIdToken("the ID token has no iat");
        }
        var slack = (long)_options.IdTokenIatSlack.TotalSeconds;
        if (iat > SaturatingAdd(now, slack) || iat < now - slack)
        {
            throw OidcProtocolException.InvalidIdToken("the ID token's iat is outside the allowed slack");
        }
        if (!token.TryGetPayloadValue<string>("sub", out var sub) || string.IsNullOrEmpty(sub))
        {
            throw OidcProtocolException.InvalidIdToken("the ID token has no sub");
        }
        if (expectedNonce is not null && (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !ConstantTime.Equal(nonce, expectedNonce)))
        {
            throw OidcProtocolException.InvalidIdToken("the ID token's nonce differs from the one sent");
        }
        var audiences = token.Audiences.ToList();
        if (token.TryGetPayloadValue<string>("azp", out var azp))
        {
            if (!string.Equals(azp, _options.ClientId, StringComparison.Ordinal))
            {
                throw OidcProtocolException.InvalidIdToken("the ID token's azp is another client");
            }
        }
        else if (audiences.Count > 1)
        {
            AuthOpenIdcLog.IdTokenMultipleAudiencesWithoutAzp(_logger);
        }
        if (maxAgeRequested && !TryGetNumericDate(token, "auth_time", out _))
        {
            throw OidcProtocolException.InvalidIdToken("max_age was requested but the ID token has no auth_time");
        }
    }

    private async Task CheckNonceReplayAsync(string nonce, CancellationToken cancellationToken)
    {
        // The nonce is remembered for longer than any ID token carrying it can be accepted (iat slack on both sides).
        var lifetime = TimeSpan.FromTicks(_options.IdTokenIatSlack.Ticks * 2) + _options.State.Timeout + TimeSpan.FromSeconds(10);
        bool fresh;
        try
        {
            fresh = await _cache.TryAddAsync(CacheSection.Nonce, nonce, _time.GetUtcNow() + lifetime, cancellationToken).ConfigureAwait(false);
        }
        catch (CacheUnavailableException) when (_options.Session.FallbackToCookie)
        {
            // The operator chose availability over the cache: the one-time state cookie still stands in front.
            AuthOpenIdcLog.NonceReplayCheckSkipped(_logger);
            return;
        }
        if (!fresh)
        {
            throw OidcProtocolException.InvalidIdToken("the ID token's nonce was seen before (replay)");
        }
    }

    /// <summary>Reads a NumericDate that may be an integer or a fraction; a non-number counts as absent.</summary>
    internal static bool TryGetNumericDate(JsonWebToken token, string claim, out long value)
    {
        value = 0;
        if (token.TryGetPayloadValue<long>(claim, out var integer))
        {
            value = integer;
            return true;
        }
        if (token.TryGetPayloadValue<double>(claim, out var real) && !double.IsNaN(real))
        {
            value = real >= long.MaxValue ? long.MaxValue : real <= long.MinValue ? long.MinValue : (long)real;
            return true;
        }
        return false;
    }

    internal static long SaturatingAdd(long a, long b) => b > 0 && a > long.MaxValue - b ? long.MaxValue : a + b;
}
