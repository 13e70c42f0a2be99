namespace AuthOpenIdc.Caching;

/// <summary>The cache backend failed (Redis down, a timeout); the request gets a 503 page, never a 500.</summary>
internal sealed class CacheUnavailableException : Exception
{
    public CacheUnavailableException(Exception inner)
        : base("The AuthOpenIdc cache backend failed.", inner)
    {
    }
}
