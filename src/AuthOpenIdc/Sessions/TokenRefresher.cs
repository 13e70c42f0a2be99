using System.Collections.Concurrent;
using System.Text.Json;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Claims;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// Keeps access tokens fresh (mod_auth_openidc §7.12, §7.13): one refresh-token grant per session at a time,
/// in this process (a shared task per refresh token) and across instances (a lock and a 30-second result in the
/// shared cache), so a rotating refresh token is never redeemed twice. Concurrent requests wait for, or reuse,
/// the one result; a failed refresh is remembered for as long, so a broken refresh token is not hammered.
/// </summary>
internal sealed class TokenRefresher
{
    private static readonly TimeSpan LockLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// After writing the lock, wait this long and read it back: with a store that has no atomic set-if-absent
    /// (IDistributedCache), the last writer wins and every other contender sees someone else's token.
    /// </summary>
    private static readonly TimeSpan LockSettle = TimeSpan.FromMilliseconds(40);

    private readonly OidcRelyingPartyOptions _options;
    private readonly ProviderMetadataCache _provider;
    private readonly TokenEndpointClient _tokenEndpoint;
    private readonly IdTokenValidator _idTokens;
    private readonly ProtectedCache _cache;
    private readonly SessionManager _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task<RefreshResult>> _inFlight = new(StringComparer.Ordinal);

    public TokenRefresher(OidcRelyingPartyOptions options, ProviderMetadataCache provider, TokenEndpointClient tokenEndpoint, IdTokenValidator idTokens,
        ProtectedCache cache, SessionManager sessions, TimeProvider time, ILogger logger)
    {
        _options = options;
        _provider = provider;
        _tokenEndpoint = tokenEndpoint;
        _idTokens = idTokens;
        _cache = cache;
        _sessions = sessions;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when <c>RefreshAccessTokenBeforeExpiry</c> says this session's access token is due.</summary>
    public bool IsDue(OidcSession session)
    {
        if (_options.RefreshAccessTokenBeforeExpiry is not { } before || session.RefreshToken is null || session.AccessTokenExpiresAt is not { } expiresAt)
        {
            return false;
        }
        return _time.GetUtcNow().ToUnixTimeSeconds() >= expiresAt - (long)before.TotalSeconds;
    }

    /// <summary>Refreshes the session's tokens (or adopts a concurrent refresh's result); false when it failed.</summary>
    public async Task<bool> RefreshAsync(HttpContext context, SessionHandle handle)
    {
        var refreshToken = handle.Session.RefreshToken;
        if (refreshToken is null)
        {
            return false;
        }
        var task = _inFlight.GetOrAdd(refreshToken, token => RefreshOnceAsync(token, handle.Session.Subject));
        RefreshResult result;
        try
        {
            result = await task.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<RefreshResult>>(refreshToken, task));
        }
        if (!result.Succeeded)
        {
            return false;
        }
        // Every request applies the result to its own copy; for a server session the write is idempotent.
        if (!string.Equals(handle.Session.AccessToken, result.AccessToken, StringComparison.Ordinal))
        {
            Apply(handle.Session, result);
            await _sessions.SaveAsync(context, handle).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>
    /// The info hook's <c>access_token_refresh_interval=&lt;s&gt;</c>: refresh when the token is older than s seconds
    /// (0: now). Returns false when a failed refresh's error action wrote the response.
    /// </summary>
    public async Task<bool?> RefreshForInfoHookAsync(RedirectUri.RedirectUriContext context, SessionHandle handle)
    {
        var interval = context.HttpContext.Request.Query["access_token_refresh_interval"].ToString();
        if (interval.Length == 0)
        {
            return null;
        }
        if (!long.TryParse(interval, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return false;
        }
        if (_time.GetUtcNow().ToUnixTimeSeconds() - handle.Session.AccessTokenIssuedAt < seconds)
        {
            return null;
        }
        if (await RefreshAsync(context.HttpContext, handle).ConfigureAwait(false))
        {
            return true;
        }
        switch (_options.RefreshErrorAction)
        {
            case RefreshErrorAction.Continue:
                return null;
            case RefreshErrorAction.BadGateway:
                context.HttpContext.Response.StatusCode = StatusCodes.Status502BadGateway;
                return false;
            default:
                await _sessions.EndAsync(context.HttpContext).ConfigureAwait(false);
                context.HttpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return false;
        }
    }

    /// <summary>True when <c>UserInfoRefreshInterval</c> says this session's userinfo claims are due.</summary>
    public bool IsUserInfoDue(OidcSession session) =>
        _options.UserInfoRefreshInterval is { } interval && session.AccessToken is not null
        && _time.GetUtcNow().ToUnixTimeSeconds() - session.UserInfoFetchedAt >= (long)interval.TotalSeconds;

    /// <summary>Fetches userinfo again and merges it under the ID token's claims (the ID token wins, as at login).</summary>
    public async Task<bool> RefreshUserInfoAsync(HttpContext context, SessionHandle handle, UserInfoClient userInfo)
    {
        var session = handle.Session;
        try
        {
            var provider = await _provider.GetAsync(context.RequestAborted).ConfigureAwait(false);
            if (provider.UserInfoEndpoint is null)
            {
                return true;
            }
            var claims = await userInfo.GetAsync(provider, session.AccessToken!, session.Subject, context.RequestAborted).ConfigureAwait(false);
            JsonElement idTokenClaims;
            if (session.IdToken is not null)
            {
                using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(session.IdToken.Split('.')[1]));
                idTokenClaims = payload.RootElement.Clone();
            }
            else
            {
                idTokenClaims = session.Claims;
            }
            session.UserInfo = claims;
            session.Claims = JsonClaimsMapper.Merge(claims, idTokenClaims);
            session.UserInfoFetchedAt = _time.GetUtcNow().ToUnixTimeSeconds();
            session.Derived = new OidcSession.DerivedValues();
            await _sessions.SaveAsync(context, handle).ConfigureAwait(false);
            return true;
        }
        catch (OidcProtocolException ex)
        {
            AuthOpenIdcLog.RefreshFailed(_logger, ex.Error.Code, "userinfo: " + ex.Message);
            return false;
        }
    }

    private async Task<RefreshResult> RefreshOnceAsync(string refreshToken, string subject)
    {
        var deadline = _time.GetUtcNow() + LockLifetime;
        if (await ReadResultAsync(refreshToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }
        if (!await TryLockAsync(refreshToken).ConfigureAwait(false))
        {
            // Another instance is refreshing: wait for its result, as long as its lock may live.
            while (_time.GetUtcNow() < deadline)
            {
                await Task.Delay(PollInterval, _time).ConfigureAwait(false);
                if (await ReadResultAsync(refreshToken).ConfigureAwait(false) is { } theirs)
                {
                    return theirs;
                }
            }
            AuthOpenIdcLog.RefreshWaitTimedOut(_logger);
            return RefreshResult.Failed(_time.GetUtcNow().ToUnixTimeSeconds());
        }

        RefreshResult result;
        try
        {
            var provider = await _provider.GetAsync(CancellationToken.None).ConfigureAwait(false);
            var tokens = await _tokenEndpoint.RefreshAsync(provider, refreshToken, CancellationToken.None).ConfigureAwait(false);
            if (tokens.AccessToken is null)
            {
                throw OidcProtocolException.TokenRequestFailed("the refresh response has no access_token");
            }
            if (tokens.IdToken is not null)
            {
                await _idTokens.ValidateRefreshedAsync(tokens.IdToken, provider, subject, CancellationToken.None).ConfigureAwait(false);
            }
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            result = new RefreshResult
            {
                Succeeded = true,
                AccessToken = tokens.AccessToken,
                AccessTokenType = tokens.TokenType,
                AccessTokenExpiresAt = tokens.ExpiresIn is { } expiresIn ? now + expiresIn : null,
                IssuedAt = now,
                RefreshToken = tokens.RefreshToken,
                IdToken = tokens.IdToken,
                Scope = tokens.Scope,
            };
            AuthOpenIdcLog.TokensRefreshed(_logger);
        }
        catch (OidcProtocolException ex)
        {
            AuthOpenIdcLog.RefreshFailed(_logger, ex.Error.Code, ex.Message);
            result = RefreshResult.Failed(_time.GetUtcNow().ToUnixTimeSeconds());
        }

        try
        {
            await _cache.SetAsync(CacheSection.RefreshResult, refreshToken, JsonSerializer.SerializeToUtf8Bytes(result, RefreshResultJsonContext.Default.RefreshResult),
                _time.GetUtcNow() + ResultLifetime, CancellationToken.None).ConfigureAwait(false);
            await _cache.RemoveAsync(CacheSection.RefreshLock, refreshToken, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CacheUnavailableException)
        {
            // The lock expires on its own; this request still has its result.
        }
        return result;
    }

    private async Task<RefreshResult?> ReadResultAsync(string refreshToken)
    {
        var bytes = await _cache.GetAsync(CacheSection.RefreshResult, refreshToken, CancellationToken.None).ConfigureAwait(false);
        return bytes is null ? null : JsonSerializer.Deserialize(bytes, RefreshResultJsonContext.Default.RefreshResult);
    }

    private async Task<bool> TryLockAsync(string refreshToken)
    {
        if (await _cache.GetAsync(CacheSection.RefreshLock, refreshToken, CancellationToken.None).ConfigureAwait(false) is not null)
        {
            return false;
        }
        var mine = System.Text.Encoding.ASCII.GetBytes(ProtocolRandom.NewValue(16));
        await _cache.SetAsync(CacheSection.RefreshLock, refreshToken, mine, _time.GetUtcNow() + LockLifetime, CancellationToken.None).ConfigureAwait(false);
        await Task.Delay(LockSettle, _time).ConfigureAwait(false);
        var holder = await _cache.GetAsync(CacheSection.RefreshLock, refreshToken, CancellationToken.None).ConfigureAwait(false);
        return holder is not null && holder.AsSpan().SequenceEqual(mine);
    }

    private static void Apply(OidcSession session, RefreshResult result)
    {
        session.Derived = new OidcSession.DerivedValues();
        session.AccessToken = result.AccessToken;
        session.AccessTokenType = result.AccessTokenType ?? session.AccessTokenType;
        session.AccessTokenExpiresAt = result.AccessTokenExpiresAt;
        session.AccessTokenIssuedAt = result.IssuedAt;
        session.RefreshToken = result.RefreshToken ?? session.RefreshToken;
        session.Scope = result.Scope ?? session.Scope;
        if (result.IdToken is not null)
        {
            session.IdToken = result.IdToken;
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(result.IdToken.Split('.')[1]));
            session.Claims = JsonClaimsMapper.Merge(session.UserInfo, payload.RootElement.Clone());
        }
    }
}
