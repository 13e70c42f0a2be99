namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// How long a validation result may be cached (mod_auth_openidc <c>OIDCOAuthTokenIntrospectionInterval</c>):
/// never past the token's expiry; at most the interval when it is positive; not at all when it is negative.
/// </summary>
internal static class ResultCachePolicy
{
    /// <summary>A valid result with no known expiry is kept this long when the interval is zero (as mod_auth_openidc).</summary>
    public static readonly TimeSpan UnknownExpiryLifetime = TimeSpan.FromSeconds(60);

    /// <summary>When a valid result leaves the cache, or null when it must not be cached.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="expiresAt">The token's expiry in Unix seconds, 0 when unknown.</param>
    /// <param name="interval">The configured interval.</param>
    public static DateTimeOffset? ValidUntil(DateTimeOffset now, long expiresAt, TimeSpan interval)
    {
        if (interval < TimeSpan.Zero)
        {
            return null;
        }
        var cap = now + (interval == TimeSpan.Zero ? UnknownExpiryLifetime : interval);
        if (expiresAt == 0)
        {
            return cap;
        }
        var expiry = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        if (expiry <= now)
        {
            return null;
        }
        return interval == TimeSpan.Zero || expiry < cap ? expiry : cap;
    }

    /// <summary>When a refused result leaves the cache, or null when negative caching is off.</summary>
    public static DateTimeOffset? InvalidUntil(DateTimeOffset now, TimeSpan cacheInterval, TimeSpan negativeInterval) =>
        cacheInterval < TimeSpan.Zero || negativeInterval <= TimeSpan.Zero ? null : now + negativeInterval;
}
