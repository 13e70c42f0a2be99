using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// The two clocks of a session: the sliding inactivity timeout and the absolute maximum
/// (mod_auth_openidc §7.5, §7.6). The stored activity time is rewritten only once per tenth of the
/// timeout (at most every 60 s), so an active user costs one cache write per interval, not per request.
/// </summary>
internal static class SessionLifetime
{
    public static bool IsExpired(OidcSession session, OidcSessionOptions options, TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return now >= session.ExpiresAt || now >= session.LastActivityAt + (long)options.InactivityTimeout.TotalSeconds;
    }

    public static DateTimeOffset ExpiresAt(OidcSession session, OidcSessionOptions options) =>
        DateTimeOffset.FromUnixTimeSeconds(Math.Min(session.ExpiresAt, session.LastActivityAt + (long)options.InactivityTimeout.TotalSeconds));

    /// <summary>True when the activity time is old enough to be worth a write.</summary>
    public static bool ShouldSlide(OidcSession session, OidcSessionOptions options, long now) =>
        ShouldSlide(session.LastActivityAt, options, now);

    /// <summary>True when an activity time written at <paramref name="lastActivityAt"/> is old enough to be worth a write.</summary>
    public static bool ShouldSlide(long lastActivityAt, OidcSessionOptions options, long now)
    {
        var interval = Math.Min((long)options.InactivityTimeout.TotalSeconds / 10, 60);
        return now - lastActivityAt >= Math.Max(interval, 1);
    }
}
