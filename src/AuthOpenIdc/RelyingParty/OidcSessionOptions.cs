using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Settings of the session and its cookie. The cookie carries only a random 256-bit session id,
/// protected by ASP.NET Core Data Protection; the session itself lives in the library's cache.
/// </summary>
public sealed class OidcSessionOptions
{
    /// <summary>Cookie name (<c>OIDCCookie</c>). A name starting with <c>__Host-</c> forces Secure, path / and no domain.</summary>
    public string CookieName { get; set; } = OidcRelyingPartyDefaults.SessionCookieName;

    /// <summary>Cookie path (<c>OIDCCookiePath</c>); default <c>/</c>. State cookies use it too.</summary>
    public string CookiePath { get; set; } = "/";

    /// <summary>Cookie domain (<c>OIDCCookieDomain</c>); default none (host-only).</summary>
    public string? CookieDomain { get; set; }

    /// <summary>
    /// When cookies get <c>Secure</c>: by default when the request is https, as seen after ASP.NET Core's
    /// forwarded-headers middleware, which trusts only the proxies you configure.
    /// </summary>
    public CookieSecurePolicy CookieSecurePolicy { get; set; } = CookieSecurePolicy.SameAsRequest;

    /// <summary>HttpOnly on the session cookie (<c>OIDCCookieHTTPOnly</c>); default true.</summary>
    public bool CookieHttpOnly { get; set; } = true;

    /// <summary>SameSite of the session cookie (<c>OIDCCookieSameSite</c>); default Lax.</summary>
    public SameSiteMode CookieSameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>
    /// Sliding inactivity timeout (<c>OIDCSessionInactivityTimeout</c>); default 300 seconds. The stored
    /// expiry is rewritten at most once per tenth of it (and at least every 60 seconds) to spare the cache.
    /// </summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Absolute maximum session duration (<c>OIDCSessionMaxDuration</c>); default 8 hours.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Where sessions live (<c>OIDCSessionType</c>); default <see cref="OidcSessionType.ServerCache"/>.</summary>
    public OidcSessionType Type { get; set; } = OidcSessionType.ServerCache;

    /// <summary>
    /// A persistent cookie that expires with the inactivity timeout and so survives a browser restart
    /// (the <c>:persistent</c> suffix of <c>OIDCSessionType</c>); default false, a browser-session cookie.
    /// </summary>
    public bool PersistentCookie { get; set; }

    /// <summary>
    /// Keep the raw ID token in a client-cookie session (<c>client-cookie:store_id_token</c>); default false, to keep
    /// the cookie small. Without it, logout cannot send <c>id_token_hint</c>. Server-side sessions always keep it.
    /// </summary>
    public bool StoreIdTokenInCookie { get; set; }

    /// <summary>
    /// The longest value one cookie may carry before a client-cookie session is split over several
    /// (<c>OIDCSessionCookieChunkSize</c>); default 4000, 0 = never split.
    /// </summary>
    public int CookieChunkSize { get; set; } = 4000;

    /// <summary>
    /// When the cache fails, keep new sessions in the browser instead of answering 503
    /// (<c>OIDCSessionCacheFallbackToCookie</c>); default false. Logins made meanwhile stay client-cookie sessions
    /// until they end; new logins use the cache again as soon as it works.
    /// </summary>
    public bool FallbackToCookie { get; set; }
}
