using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Caching;

/// <summary>Log messages of the cache layer; event ids 4000-4099. Never a key or value.</summary>
internal static partial class CachingLog
{
    [LoggerMessage(4000, LogLevel.Warning, "A cache value in section '{Section}' failed authentication or is malformed and was ignored.", EventName = "CacheValueRejected")]
    public static partial void ValueRejected(ILogger logger, char section);

    [LoggerMessage(4001, LogLevel.Error, "The cache backend failed ({ExceptionType}).", EventName = "CacheBackendFailed")]
    public static partial void BackendFailed(ILogger logger, string exceptionType);

    [LoggerMessage(4002, LogLevel.Warning, "No AuthOpenIdc:Cache:CryptoPassphrases are configured: cache keys are random for this process. Sessions end when it restarts, and instances of a farm cannot share the cache.", EventName = "EphemeralCacheKeys")]
    public static partial void EphemeralKeys(ILogger logger);
}
