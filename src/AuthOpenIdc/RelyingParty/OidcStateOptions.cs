namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Settings of the state cookies: one encrypted cookie per pending login, so several tabs can log in at once.
/// </summary>
public sealed class OidcStateOptions
{
    /// <summary>Cookie name prefix (<c>OIDCStateCookiePrefix</c>); the state value completes the name.</summary>
    public string CookiePrefix { get; set; } = OidcRelyingPartyDefaults.StateCookiePrefix;

    /// <summary>How long a login may take at the OP (<c>OIDCStateTimeout</c>); default 300 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// The most state cookies a browser may hold (<c>OIDCStateMaxNumberOfCookies</c>, first argument);
    /// default 7, 0 = no limit. Expired ones are purged first.
    /// </summary>
    public int MaxCookies { get; set; } = 7;

    /// <summary>
    /// At the limit, drop the oldest state cookie (true) or answer 503 (false, the default)
    /// (<c>OIDCStateMaxNumberOfCookies</c>, second argument).
    /// </summary>
    public bool DeleteOldestCookie { get; set; }
}
