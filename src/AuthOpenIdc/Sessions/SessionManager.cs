using AuthOpenIdc.Caching;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Sessions;

/// <summary>A session as loaded for one request: the session, and its server-side id when it has one.</summary>
internal sealed record SessionHandle(OidcSession Session, string? Id);

/// <summary>
/// The one place that knows where a session lives: server-side in the cache (the cookie holds a protected
/// id) or client-side in chunked cookies, and the fallback from one to the other when the cache fails
/// (mod_auth_openidc <c>OIDCSessionCacheFallbackToCookie</c>). The handler, the login and the logout only
/// load, touch, create and end sessions.
/// </summary>
internal sealed class SessionManager
{
    private readonly OidcSessionOptions _options;
    private readonly SessionCookie _idCookie;
    private readonly SessionStore _server;
    private readonly SessionIndex _index;
    private readonly CookieSessionStore _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>
    /// When this process last wrote each session's activity time: the requests of one session in flight when its
    /// slide falls due all loaded the old copy, and only the first of them needs to write.
    /// </summary>
    private readonly Caching.BoundedMemo<long> _slidAt = new(capacity: 50_000);

    public SessionManager(OidcSessionOptions options, SessionCookie idCookie, SessionStore server, SessionIndex index, CookieSessionStore client, TimeProvider time, ILogger logger)
    {
        _options = options;
        _idCookie = idCookie;
        _server = server;
        _index = index;
        _client = client;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The browser's live session, or null. Throws <see cref="CacheUnavailableException"/> when the session is
    /// server-side and the cache is down (without fallback), so the request gets 503 rather than a new login.
    /// </summary>
    public async Task<SessionHandle?> LoadAsync(HttpContext context)
    {
        SessionHandle? handle = null;
        if (_idCookie.ReadId(context.Request) is { } id)
        {
            OidcSession? session;
            try
            {
                session = await _server.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
            }
            catch (CacheUnavailableException) when (_options.FallbackToCookie)
            {
                AuthOpenIdcLog.CacheFailedSessionUnreadable(_logger);
                return null;
            }
            handle = session is null ? null : new SessionHandle(session, id);
        }
        else if (_options.Type == OidcSessionType.ClientCookie || _options.FallbackToCookie)
        {
            handle = _client.Read(context.Request) is { } session ? new SessionHandle(session, null) : null;
        }

        if (handle is null)
        {
            if (context.Request.Cookies.ContainsKey(_options.CookieName))
            {
                await EndAsync(context).ConfigureAwait(false); // stale, foreign or tampered: forget it
            }
            return null;
        }
        if (SessionLifetime.IsExpired(handle.Session, _options, _time))
        {
            AuthOpenIdcLog.SessionExpired(_logger, "inactivity or maximum duration");
            await EndAsync(context).ConfigureAwait(false);
            return null;
        }
        return handle;
    }

    /// <summary>Slides the inactivity timeout, writing at most once per interval (see <see cref="SessionLifetime"/>).</summary>
    public async Task TouchAsync(HttpContext context, SessionHandle handle)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (!SessionLifetime.ShouldSlide(handle.Session, _options, now))
        {
            return;
        }
        handle.Session.LastActivityAt = now;
        if (handle.Id is null)
        {
            _client.Write(context, handle.Session);
            return;
        }
        if (_slidAt.TryGet(handle.Id, out var slid) && !SessionLifetime.ShouldSlide(slid, _options, now))
        {
            return;
        }
        _slidAt.Add(handle.Id, now);
        await _server.SaveAsync(handle.Id, handle.Session, SessionLifetime.ExpiresAt(handle.Session, _options), context.RequestAborted).ConfigureAwait(false);
        if (_options.PersistentCookie)
        {
            _idCookie.Write(context, handle.Id, handle.Session);
        }
    }

    /// <summary>Writes a changed session back where it lives (after a refresh).</summary>
    public async Task SaveAsync(HttpContext context, SessionHandle handle)
    {
        if (handle.Id is null)
        {
            _client.Write(context, handle.Session);
            return;
        }
        await _server.SaveAsync(handle.Id, handle.Session, SessionLifetime.ExpiresAt(handle.Session, _options), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stores a new session under a new id (session fixation: whatever the browser had ends first).</summary>
    public async Task CreateAsync(HttpContext context, OidcSession session)
    {
        await EndAsync(context).ConfigureAwait(false);
        if (_options.Type == OidcSessionType.ClientCookie)
        {
            _client.Write(context, session);
            return;
        }
        var id = SessionStore.NewId();
        try
        {
            await _server.SaveAsync(id, session, SessionLifetime.ExpiresAt(session, _options), context.RequestAborted).ConfigureAwait(false);
            await _index.AddAsync(session, id, DateTimeOffset.FromUnixTimeSeconds(session.ExpiresAt), context.RequestAborted).ConfigureAwait(false);
        }
        catch (CacheUnavailableException) when (_options.FallbackToCookie)
        {
            AuthOpenIdcLog.FellBackToCookie(_logger);
            _client.Write(context, session);
            return;
        }
        _idCookie.Write(context, id, session);
    }

    /// <summary>
    /// Ends every server-side session of an OP session (<paramref name="sid"/>) or of a subject, on whichever
    /// instance it is used (back-channel and front-channel logout). Returns how many were ended.
    /// </summary>
    public async Task<int> EndAllAsync(string issuer, string? sid, string? subject, CancellationToken cancellationToken)
    {
        var ids = await _index.TakeAsync(issuer, sid, subject, cancellationToken).ConfigureAwait(false);
        var ended = 0;
        foreach (var id in ids)
        {
            var session = await _server.GetAsync(id, cancellationToken).ConfigureAwait(false);
            // A sid names one OP session; when the token also names a subject, it must be the session's.
            if (session is null || (sid is not null && subject is not null && !string.Equals(session.Subject, subject, StringComparison.Ordinal)))
            {
                continue;
            }
            await _server.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            ended++;
        }
        return ended;
    }

    /// <summary>Ends one server-side session by id (the admin function <c>?revoke_session=</c>); false when there was none.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (await _server.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }
        await _server.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Ends the browser's session wherever it lives; returns it (for <c>id_token_hint</c>) when it could be read.</summary>
    public async Task<OidcSession?> EndAsync(HttpContext context)
    {
        OidcSession? ended = null;
        if (_idCookie.ReadId(context.Request) is { } id)
        {
            try
            {
                ended = await _server.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
                await _server.RemoveAsync(id, context.RequestAborted).ConfigureAwait(false);
            }
            catch (CacheUnavailableException)
            {
                // The browser forgets the session either way; the stored copy then lives until it times out.
                AuthOpenIdcLog.SessionStoreFailed(_logger);
            }
        }
        else
        {
            ended = _client.Read(context.Request);
        }
        // One name for both kinds, so deleting through the chunk-aware path removes either.
        _client.Delete(context);
        return ended;
    }
}
