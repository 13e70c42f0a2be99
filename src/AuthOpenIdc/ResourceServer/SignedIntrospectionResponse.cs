using System.Text.Json;
using AuthOpenIdc.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// Reads an RFC 9701 signed introspection response: a JWS from the authorization server whose
/// <c>token_introspection</c> claim is the RFC 7662 response. Anything wrong with it (signature, <c>typ</c>,
/// <c>iss</c>, <c>aud</c>, <c>iat</c>, the claim) means the authorization server's answer cannot be trusted, so it is
/// logged (event 5007) and thrown as <see cref="OidcProtocolException"/>: the request answers 503, as when the server
/// is down, and nothing is cached. Refusing the token (401) instead would make clients throw away tokens that may well
/// be valid, for what is a server-side fault or an attack on the back channel.
/// </summary>
internal sealed class SignedIntrospectionResponse
{
    /// <summary>The media type of a signed response (RFC 9701 §5).</summary>
    internal const string MediaType = "application/token-introspection+jwt";

    private static readonly string[] Types = ["token-introspection+jwt", MediaType];

    private readonly string _scheme;
    private readonly OAuthResourceServerOptions _options;
    private readonly Func<string?, CancellationToken, Task<IReadOnlyList<SecurityKey>>> _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string[] _algorithms;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public SignedIntrospectionResponse(string scheme, OAuthResourceServerOptions options, Func<string?, CancellationToken, Task<IReadOnlyList<SecurityKey>>> keys, TimeProvider time, ILogger logger)
    {
        _scheme = scheme;
        _options = options;
        _keys = keys;
        _time = time;
        _logger = logger;
        _algorithms = ResourceServerRuntime.Algorithms(options);
    }

    /// <summary>The verified <c>token_introspection</c> object (a clone).</summary>
    /// <exception cref="OidcProtocolException">The response is not a valid signed introspection response.</exception>
    public async Task<JsonElement> ReadAsync(string body, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(body.Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            throw Reject("it is not a well-formed JWT");
        }
        if (jwt.IsEncrypted)
        {
            throw Reject("it is encrypted (JWE), which is not supported");
        }
        var keys = await _keys(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(jwt, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw Reject(Describe(result.Exception));
        }
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        if (!claims.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number || !iat.TryGetDouble(out var issuedAt))
        {
            throw Reject("it has no iat");
        }
        var now = _time.GetUtcNow();
        if (issuedAt > (now + _options.ClockSkew).ToUnixTimeSeconds())
        {
            throw Reject("its iat is in the future");
        }
        if (claims.TryGetProperty("exp", out var exp) && (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var expiresAt) || expiresAt <= (now - _options.ClockSkew).ToUnixTimeSeconds()))
        {
            throw Reject("it expired");
        }
        if (!claims.TryGetProperty("token_introspection", out var introspection) || introspection.ValueKind != JsonValueKind.Object)
        {
            throw Reject("its token_introspection claim is missing or not an object");
        }
        return introspection.Clone();
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        ValidIssuer = _options.Issuer,
        ValidateIssuer = true,
        ValidAudience = _options.ClientId,
        ValidateAudience = true,
        RequireAudience = true,
        // RFC 9701 responses carry iat, not necessarily exp, so the lifetime is checked in ReadAsync: with it on, a
        // response without exp signed by an unknown key is reported by IdentityModel as expired.
        RequireExpirationTime = false,
        ValidateLifetime = false,
        ClockSkew = _options.ClockSkew,
        RequireSignedTokens = true,
        ValidAlgorithms = _algorithms,
        IssuerSigningKeys = keys,
        ValidTypes = Types,
        TryAllIssuerSigningKeys = true,
    };

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidTypeException => "its typ header is not token-introspection+jwt",
        SecurityTokenInvalidIssuerException => "its iss is not the configured Issuer",
        SecurityTokenInvalidAudienceException => "its aud is not our ClientId",
        SecurityTokenInvalidAlgorithmException => "its signing algorithm is not accepted",
        SecurityTokenSignatureKeyNotFoundException => "its signing key is unknown",
        SecurityTokenInvalidSignatureException => "its signature is invalid",
        _ => "it failed verification",
    };

    /// <summary>Logs event 5007 and returns the exception that makes the request a 503.</summary>
    internal OidcProtocolException Reject(string reason)
    {
        AuthOpenIdcLog.ResourceServerSignedIntrospectionRejected(_logger, _scheme, reason);
        return OidcProtocolException.ProviderUnavailable("the introspection response was not trusted: " + reason);
    }
}
