using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Json;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.Claims;
using AuthOpenIdc.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// One resource-server scheme's long-lived state: the authorization server client, the JWT handler and the
/// single-flight table. A token is validated at most once at a time in this process, its result cached in the
/// protected cache (section <see cref="Section"/>) under the scheme and the token (the cache hashes the key).
/// </summary>
internal sealed class ResourceServerRuntime
{
    /// <summary>The protected-cache section of validation results (to become a named <see cref="CacheSection"/> value).</summary>
    internal const CacheSection Section = CacheSection.ResourceServerResult;

    private static readonly string[] DefaultAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Accepted besides <see cref="DefaultAlgorithms"/> when a symmetric key is configured and no algorithm list is.</summary>
    private static readonly string[] SymmetricAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];

    private static readonly string[] AccessTokenTypes = ["at+jwt", "application/at+jwt"];

    /// <summary>The longest an entry stays in the in-process copy before the shared cache is asked again.</summary>
    internal static readonly TimeSpan LocalLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Entries of the in-process copy (each a few hundred bytes).</summary>
    internal const int LocalCapacity = 10_000;

    private readonly string _scheme;
    private readonly OAuthResourceServerOptions _options;
    private readonly ProtectedCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AuthOpenIdcMetrics _metrics;
    private KeyedParameters? _parameters;
    private readonly RemoteUserMapper _remoteUser;
    private readonly JsonWebTokenHandler _jwtHandler = new() { MapInboundClaims = false };
    private readonly string[] _algorithms;
    private readonly ConcurrentDictionary<string, Task<ValidatedToken>> _inFlight = new(StringComparer.Ordinal);

    private int _validations;

    // The hot path: decoded results for a short while, so a repeated token costs one dictionary lookup instead of a
    // key hash, a backend read, a decryption and a decoding. Never longer than the shared entry it mirrors.
    // Keyed by the raw token on purpose: this is the process's own memory, which already holds the token for as long
    // as the request does (headers, the in-flight table, the protected cache's key memo), so a hash would hide
    // nothing from anyone who can read it, and a SHA-256 per request is a measurable cost on the path it exists to
    // make cheap. What leaves the process (the shared cache) is keyed by an HMAC and encrypted.
    // Found by the characters of the Authorization header too (FindLocal), so a known token is neither copied out of
    // the header nor hashed twice.
    private readonly ConcurrentDictionary<string, LocalResult> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalResult>.AlternateLookup<ReadOnlySpan<char>> _localByValue;
    private readonly Lock _trimLock = new();
    private int _localAdds;

    public ResourceServerRuntime(string scheme, OAuthResourceServerOptions options, OpBackchannel backchannel, ProtectedCache cache, TimeProvider time, ILogger logger, AuthOpenIdcMetrics metrics)
    {
        _scheme = scheme;
        _metrics = metrics;
        _localByValue = _local.GetAlternateLookup<ReadOnlySpan<char>>();
        _options = options;
        _cache = cache;
        _time = time;
        _logger = logger;
        _remoteUser = new RemoteUserMapper(options.RemoteUser);
        _algorithms = Algorithms(options);
        AuthorizationServer = new AuthorizationServerClient(scheme, options, backchannel, time, logger);
    }

    public AuthorizationServerClient AuthorizationServer { get; }

    /// <summary>Validations that actually ran (cache and single flight missed); for tests and diagnostics.</summary>
    public int Validations => Volatile.Read(ref _validations);

    /// <summary>Entries in the in-process table (tests and diagnostics).</summary>
    internal int LocalCount => _local.Count;

    private bool CacheEnabled => _options.CacheInterval >= TimeSpan.Zero;

    /// <summary>
    /// The JWS algorithms accepted for access tokens and signed introspection responses: <see cref="OAuthResourceServerOptions.ValidAlgorithms"/>,
    /// else the asymmetric ones, plus HS256/384/512 when a symmetric key is configured (it can verify nothing else,
    /// and an RSA or EC key can never be used as an HMAC secret, so this opens no key confusion).
    /// </summary>
    internal static string[] Algorithms(OAuthResourceServerOptions options)
    {
        if (options.ValidAlgorithms.Count > 0)
        {
            return [.. options.ValidAlgorithms];
        }
        return options.SigningKeys.Any(k => k is SymmetricSecurityKey) ? [.. DefaultAlgorithms, .. SymmetricAlgorithms] : DefaultAlgorithms;
    }

    /// <summary>
    /// Evicts <paramref name="token"/>'s result from the in-process copy and the protected cache (<c>?remove_at_cache=</c>),
    /// so its next request validates again. Other instances of a farm drop their in-process copies within
    /// <see cref="LocalLifetime"/>. True when there was something to evict.
    /// </summary>
    /// <exception cref="CacheUnavailableException">The cache backend failed.</exception>
    public async Task<bool> RemoveAsync(string token, CancellationToken cancellationToken)
    {
        var found = _local.TryRemove(token, out _);
        var key = CacheKey(token);
        found |= await _cache.GetAsync(Section, key, cancellationToken).ConfigureAwait(false) is not null;
        await _cache.RemoveAsync(Section, key, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>The result for <paramref name="token"/>: from the cache, from a validation already running, or validated now.</summary>
    /// <exception cref="OidcProtocolException">The authorization server could not be used (the caller answers 503).</exception>
    /// <param name="token">The token.</param>
    /// <param name="local">Its in-process result, when the caller found it already (<see cref="FindLocal"/>).</param>
    /// <param name="cancellationToken">The request's abort signal.</param>
    public async ValueTask<ValidatedToken> ValidateAsync(string token, LocalResult? local, CancellationToken cancellationToken)
    {
        if ((local ?? FindLocal(token)) is { } hit)
        {
            _metrics.TokenLookup("local");
            return Recheck(hit.Result);
        }
        // The shared cache's key (scheme + token) only when there is a cache: it copies the whole token.
        var key = CacheEnabled ? CacheKey(token) : null;
        if (key is not null && await ReadCacheAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            _metrics.TokenLookup("shared");
            Remember(token, cached, cached.CachedUntil);
            return Recheck(cached);
        }
        _metrics.TokenLookup("miss");

        var flight = new TaskCompletionSource<ValidatedToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Keyed by the token alone: the table is this scheme's.
        var running = _inFlight.GetOrAdd(token, flight.Task);
        if (!ReferenceEquals(running, flight.Task))
        {
            return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            // Not bound to this request: the requests waiting on it must not fail because this one was aborted.
            flight.SetResult(await ValidateAndCacheAsync(key, token).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            flight.SetException(ex);
        }
        finally
        {
            // Only now, with the result already in the cache, may the next request start a validation of its own.
            _inFlight.TryRemove(new KeyValuePair<string, Task<ValidatedToken>>(token, flight.Task));
        }
        return await flight.Task.ConfigureAwait(false);
    }

    /// <inheritdoc cref="ValidateAsync(string, LocalResult?, CancellationToken)"/>
    public ValueTask<ValidatedToken> ValidateAsync(string token, CancellationToken cancellationToken) => ValidateAsync(token, null, cancellationToken);

    /// <summary>
    /// The in-process result of the token with these characters while it is fresh, else null. Its
    /// <see cref="LocalResult.Token"/> is the token's string, for the caller to use instead of a copy of its input.
    /// </summary>
    public LocalResult? FindLocal(ReadOnlySpan<char> token)
    {
        if (!CacheEnabled || !_localByValue.TryGetValue(token, out var entry))
        {
            return null;
        }
        if (_time.GetUtcNow() < entry.Until)
        {
            return entry;
        }
        _local.TryRemove(new KeyValuePair<string, LocalResult>(entry.Token, entry));
        return null;
    }

    private string CacheKey(string token) => string.Concat(_scheme, "\n", token);

    private async Task<ValidatedToken> ValidateAndCacheAsync(string? key, string token)
    {
        // A request that missed the cache just before another finished must not validate a second time.
        if (key is not null && await ReadCacheAsync(key, CancellationToken.None).ConfigureAwait(false) is { } cached)
        {
            Remember(token, cached, cached.CachedUntil);
            return Recheck(cached);
        }
        Interlocked.Increment(ref _validations);
        var introspection = _options.Validation == AccessTokenValidation.Introspection;
        var result = introspection
            ? await IntrospectAsync(token).ConfigureAwait(false)
            : await ValidateJwtAsync(token).ConfigureAwait(false);
        _metrics.TokenValidation(introspection ? "introspection" : "jwt", result.IsValid);
        var now = _time.GetUtcNow();
        var until = result.IsValid
            ? ResultCachePolicy.ValidUntil(now, result.ExpiresAt, _options.CacheInterval)
            : ResultCachePolicy.InvalidUntil(now, _options.CacheInterval, _options.NegativeCacheInterval);
        if (until is { } expiresAt && key is not null)
        {
            try
            {
                await _cache.SetAsync(Section, key, result.Serialize(expiresAt.ToUnixTimeSeconds()), expiresAt, CancellationToken.None).ConfigureAwait(false);
            }
            catch (CacheUnavailableException)
            {
                AuthOpenIdcLog.ResourceServerCacheFailed(_logger, _scheme, "write");
            }
        }
        if (until is { } localUntil)
        {
            Remember(token, result, localUntil.ToUnixTimeSeconds());
        }
        return result;
    }

    private void Remember(string token, ValidatedToken result, long cachedUntil)
    {
        var now = _time.GetUtcNow();
        var until = now + LocalLifetime;
        if (cachedUntil != 0)
        {
            var shared = DateTimeOffset.FromUnixTimeSeconds(cachedUntil);
            if (shared <= now)
            {
                return;
            }
            until = shared < until ? shared : until;
        }
        var entry = new LocalResult(token, result, until);
        if (_local.TryAdd(token, entry))
        {
            if (Interlocked.Increment(ref _localAdds) > LocalCapacity)
            {
                Trim(now);
            }
        }
        else
        {
            _local[token] = entry;
        }
    }

    /// <summary>
    /// Keeps the table at most <see cref="LocalCapacity"/> entries: the lapsed ones go first; if that is not enough
    /// (a flood of distinct tokens), all of them. The table is only a copy, so forgetting costs one shared-cache read.
    /// </summary>
    private void Trim(DateTimeOffset now)
    {
        lock (_trimLock)
        {
            if (Volatile.Read(ref _localAdds) <= LocalCapacity)
            {
                return;
            }
            foreach (var (token, entry) in _local)
            {
                if (entry.Until <= now)
                {
                    _local.TryRemove(new KeyValuePair<string, LocalResult>(token, entry));
                }
            }
            if (_local.Count > LocalCapacity * 3 / 4)
            {
                _local.Clear();
            }
            Volatile.Write(ref _localAdds, _local.Count);
        }
    }

    private async ValueTask<ValidatedToken?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await _cache.GetAsync(Section, key, cancellationToken).ConfigureAwait(false);
            return bytes is null ? null : ValidatedToken.Deserialize(bytes);
        }
        catch (CacheUnavailableException)
        {
            AuthOpenIdcLog.ResourceServerCacheFailed(_logger, _scheme, "read");
            return null;
        }
    }

    /// <summary>
    /// A cached result is checked again against the current configuration and clock: the cache may be shared
    /// with instances configured differently, and an entry may outlive its token by the clock skew.
    /// </summary>
    internal ValidatedToken Recheck(ValidatedToken cached)
    {
        if (!cached.IsValid)
        {
            return cached;
        }
        if (cached.ExpiresAt != 0 && _time.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(cached.ExpiresAt) + _options.ClockSkew)
        {
            return ValidatedToken.Invalid("the token expired");
        }
        if (!string.IsNullOrEmpty(_options.Issuer) && cached.Issuer is not null && !string.Equals(cached.Issuer, _options.Issuer, StringComparison.Ordinal))
        {
            return ValidatedToken.Invalid("the token's issuer is not accepted");
        }
        var audienceRequired = _options.Validation == AccessTokenValidation.Jwt || cached.Audiences.Length > 0;
        if (_options.Audiences.Count > 0 && audienceRequired && !AudienceAccepted(cached.Audiences))
        {
            return ValidatedToken.Invalid("the token's audience is not accepted");
        }
        return cached;
    }

    private bool AudienceAccepted(string[] audiences)
    {
        foreach (var audience in audiences)
        {
            if (_options.Audiences.Contains(audience))
            {
                return true;
            }
        }
        return false;
    }

    // ---- Local JWT validation --------------------------------------------------------------------

    private async Task<ValidatedToken> ValidateJwtAsync(string token)
    {
        // Only the shape (three or five dot-separated parts), so garbage is refused without an exception;
        // the parsing is IdentityModel's (CanReadToken would match a regular expression on every token).
        var dots = token.AsSpan().Count('.');
        if (dots is not (2 or 4))
        {
            return ValidatedToken.Invalid("the token is not a JWT");
        }
        JsonWebToken jwt;
        try
        {
            jwt = _jwtHandler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return ValidatedToken.Invalid("the token is malformed");
        }
        if (jwt.IsEncrypted)
        {
            return ValidatedToken.Invalid("encrypted tokens are not accepted");
        }
        var kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
        var keys = await AuthorizationServer.GetSigningKeysAsync(kid, CancellationToken.None).ConfigureAwait(false);
        var result = await _jwtHandler.ValidateTokenAsync(jwt, ParametersFor(keys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return ValidatedToken.Invalid(Describe(result.Exception));
        }
        // The claims keep their JSON structure (as the RP's), so the payload is read once more as JSON, from a
        // pooled buffer: a validated payload decodes, so a failure here is not expected.
        var encoded = jwt.EncodedPayload;
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var length))
            {
                return ValidatedToken.Invalid("the token is malformed");
            }
            using var payload = JsonDocument.Parse(buffer.AsMemory(0, length));
            var expiresAt = jwt.ValidTo == DateTime.MinValue ? 0 : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero).ToUnixTimeSeconds();
            return ValidatedToken.FromClaims(payload.RootElement, jwt.Issuer, expiresAt, _remoteUser);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The validation parameters, built once per key set rather than per token (a TokenValidationParameters is a large
    /// object); IdentityModel only reads them. A key refresh yields a new set, hence new parameters.
    /// </summary>
    private TokenValidationParameters ParametersFor(IReadOnlyList<SecurityKey> keys)
    {
        var current = Volatile.Read(ref _parameters);
        if (current is null || !ReferenceEquals(current.Keys, keys))
        {
            current = new KeyedParameters(keys, Parameters(keys));
            Volatile.Write(ref _parameters, current);
        }
        return current.Parameters;
    }

    private sealed record KeyedParameters(IReadOnlyList<SecurityKey> Keys, TokenValidationParameters Parameters);

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        ValidIssuer = _options.Issuer,
        ValidateIssuer = true,
        ValidAudiences = _options.Audiences,
        ValidateAudience = _options.Audiences.Count > 0,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = _options.ClockSkew,
        RequireSignedTokens = true,
        RequireAudience = _options.Audiences.Count > 0,
        ValidAlgorithms = _algorithms,
        IssuerSigningKeys = keys,
        ValidTypes = _options.RequireAccessTokenType ? AccessTokenTypes : null,
        TryAllIssuerSigningKeys = true,
    };

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "the token expired",
        SecurityTokenNotYetValidException => "the token is not yet valid",
        SecurityTokenNoExpirationException => "the token has no expiry",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience is not accepted",
        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not accepted",
        SecurityTokenInvalidTypeException => "the token is not an access token (typ)",
        SecurityTokenSignatureKeyNotFoundException => "the token's signing key is unknown",
        SecurityTokenInvalidSignatureException => "the token's signature is invalid",
        SecurityTokenMalformedException => "the token is malformed",
        _ => "the token is invalid",
    };

    // ---- Introspection ---------------------------------------------------------------------------

    /// <summary>Whole seconds (fractions are allowed, as mod_auth_openidc); -1 when not a usable date.</summary>
    private static long NumericDate(double value) =>
        double.IsFinite(value) && value >= 1 && value <= 253_402_300_799 ? (long)Math.Floor(value) : -1;

    private async Task<ValidatedToken> IntrospectAsync(string token)
    {
        if (await AuthorizationServer.IntrospectAsync(token, CancellationToken.None).ConfigureAwait(false) is not { } response)
        {
            return ValidatedToken.Invalid("the authorization server does not introspect this kind of token");
        }
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var hasActive = response.TryGetProperty("active", out var active);
        if (hasActive && active.ValueKind != JsonValueKind.True)
        {
            return ValidatedToken.Invalid("the token is not active");
        }
        var expiresAt = 0L;
        if (response.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number)
        {
            expiresAt = NumericDate(exp.GetDouble());
        }
        else if (response.TryGetProperty(_options.IntrospectionExpiryClaim, out var expiry) && expiry.ValueKind == JsonValueKind.Number)
        {
            expiresAt = NumericDate(_options.IntrospectionExpiryClaimAbsolute ? expiry.GetDouble() : now + expiry.GetDouble());
        }
        if (expiresAt < 0)
        {
            return ValidatedToken.Invalid("the introspection response has an invalid expiry");
        }
        if (!hasActive && expiresAt == 0)
        {
            // Legacy servers without "active" are accepted only with an expiry (mod_auth_openidc OIDCOAuthTokenExpiryClaim).
            return ValidatedToken.Invalid("the introspection response has neither active nor an expiry");
        }
        if (expiresAt == 0 && _options.IntrospectionExpiryRequired)
        {
            return ValidatedToken.Invalid("the introspection response has no expiry");
        }
        if (expiresAt != 0 && now >= expiresAt + (long)_options.ClockSkew.TotalSeconds)
        {
            return ValidatedToken.Invalid("the token expired");
        }
        string? issuer = null;
        if (response.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String)
        {
            issuer = iss.GetString();
            if (!string.IsNullOrEmpty(_options.Issuer) && !string.Equals(issuer, _options.Issuer, StringComparison.Ordinal))
            {
                return ValidatedToken.Invalid("the token's issuer is not accepted");
            }
        }
        var result = ValidatedToken.FromClaims(response, issuer ?? _options.Issuer, expiresAt, _remoteUser);
        if (_options.Audiences.Count > 0 && result.Audiences.Length > 0 && !result.Audiences.Any(_options.Audiences.Contains))
        {
            return ValidatedToken.Invalid("the token's audience is not accepted");
        }
        return result;
    }
}

/// <summary>A result in a scheme's in-process table: the token's string, its validation result, and until when it may be used.</summary>
internal sealed record LocalResult(string Token, ValidatedToken Result, DateTimeOffset Until);
