namespace AuthOpenIdc.Caching;

/// <summary>Where the library's cache keeps its entries (mod_auth_openidc <c>OIDCCacheType</c>).</summary>
public enum AuthOpenIdcCacheBackend
{
    /// <summary>In this process (the default): needs nothing, survives nothing, shared with no other instance.</summary>
    Memory = 0,

    /// <summary>Files in <see cref="AuthOpenIdcCacheOptions.FileDirectory"/>: survives restarts, shared by the processes of one host.</summary>
    File,

    /// <summary>
    /// The app's registered <c>IDistributedCache</c>: Redis through Microsoft.Extensions.Caching.StackExchangeRedis
    /// (<c>AddStackExchangeRedisCache</c>), SQL Server, PostgreSQL, ... Shared by every instance of a farm.
    /// </summary>
    DistributedCache,
}
