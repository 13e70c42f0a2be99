using AuthOpenIdc.Caching;
using AuthOpenIdc.RelyingParty;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0 §2.6 logout-token validation (mod_auth_openidc §8.4): signature and
/// algorithm as for ID tokens (never <c>none</c>), <c>iss</c>, <c>aud</c>, <c>iat</c> within the slack, <c>exp</c>
/// when present, the back-channel logout <c>events</c> member, no <c>nonce</c>, a <c>jti</c> never seen before,
/// and <c>sid</c> or <c>sub</c>.
/// </summary>
internal sealed class LogoutTokenValidator
{
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private const int MaxTokenLength = 16 * 1024;

    private readonly OidcRelyingPartyOptions _options;
    private readonly IdTokenValidator _jwts;
    private readonly ProtectedCache _cache;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public LogoutTokenValidator(OidcRelyingPartyOptions options, IdTokenValidator jwts, ProtectedCache cache, TimeProvider time)
    {
        _options = options;
        _jwts = jwts;
        _cache = cache;
        _time = time;
    }

    public sealed record LogoutRequest(string Issuer, string? Sid, string? Subject, string Jti, DateTimeOffset RememberUntil);

    public async Task<LogoutRequest> ValidateAsync(string logoutToken, ProviderMetadata provider, CancellationToken cancellationToken)
    {
        if (logoutToken.Length > MaxTokenLength)
        {
            throw Invalid("the logout token is larger than 16 KiB");
        }
        JsonWebToken unverified;
        try
        {
            unverified = _handler.ReadJsonWebToken(logoutToken);
        }
        catch (ArgumentException ex)
        {
            throw Invalid("the logout token is not a well-formed JWS", ex);
        }
        if (unverified.IsEncrypted)
        {
            throw Invalid("encrypted logout tokens are not supported");
        }
        if (unverified.Typ is { Length: > 0 } typ && !typ.Equals("logout+jwt", StringComparison.OrdinalIgnoreCase) && !typ.Equals("JWT", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("the logout token's typ is neither logout+jwt nor JWT");
        }
        var result = await _jwts.ValidateSignatureIssuerAudienceAsync(logoutToken, unverified, provider, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw Invalid($"signature, issuer or audience check failed: {result.Exception?.GetType().Name}", result.Exception);
        }
        var token = (JsonWebToken)result.SecurityToken;

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var slack = (long)_options.IdTokenIatSlack.TotalSeconds;
        if (!IdTokenValidator.TryGetNumericDate(token, "iat", out var iat) || iat > IdTokenValidator.SaturatingAdd(now, slack) || iat < now - slack)
        {
            throw Invalid("the logout token's iat is missing or outside the allowed slack");
        }
        if (IdTokenValidator.TryGetNumericDate(token, "exp", out var exp) && now > IdTokenValidator.SaturatingAdd(exp, (long)_options.ClockSkew.TotalSeconds))
        {
            throw Invalid("the logout token has expired");
        }
        if (!token.TryGetPayloadValue<System.Text.Json.JsonElement>("events", out var events)
            || events.ValueKind != System.Text.Json.JsonValueKind.Object
            || !events.TryGetProperty(BackChannelLogoutEvent, out var logoutEvent)
            || logoutEvent.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw Invalid("the logout token has no back-channel logout event");
        }
        if (token.TryGetPayloadValue<object>("nonce", out _))
        {
            throw Invalid("the logout token carries a nonce");
        }
        var sid = token.TryGetPayloadValue<string>("sid", out var s) && s.Length > 0 ? s : null;
        var sub = token.TryGetPayloadValue<string>("sub", out var u) && u.Length > 0 ? u : null;
        if (sid is null && sub is null)
        {
            throw Invalid("the logout token has neither sid nor sub");
        }
        if (!token.TryGetPayloadValue<string>("jti", out var jti) || jti.Length == 0)
        {
            throw Invalid("the logout token has no jti");
        }
        // Only checked here; recorded by MarkUsedAsync once the sessions are ended, so an OP retrying after a
        // failed attempt (a 503 while the cache was down) is not refused as a replay.
        if (await _cache.GetAsync(CacheSection.LogoutTokenId, provider.Issuer + "|" + jti, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw Invalid("the logout token's jti was seen before (replay)");
        }
        // Remembered for as long as the token could be accepted at all.
        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(IdTokenValidator.SaturatingAdd(Math.Max(iat + slack, exp), 60));
        return new LogoutRequest(provider.Issuer, sid, sub, jti, rememberUntil);
    }

    /// <summary>Records the token's <c>jti</c> so it is never accepted again.</summary>
    public Task MarkUsedAsync(LogoutRequest request, CancellationToken cancellationToken) =>
        _cache.TryAddAsync(CacheSection.LogoutTokenId, request.Issuer + "|" + request.Jti, request.RememberUntil, cancellationToken);

    private static OidcProtocolException Invalid(string detail, Exception? inner = null) =>
        new(new OidcError(OidcErrorCodes.InvalidLogoutToken, "The logout token is not valid.", 400), detail, inner);
}
