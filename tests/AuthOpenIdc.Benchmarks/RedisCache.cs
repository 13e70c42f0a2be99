using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// A minimal <see cref="IDistributedCache"/> over StackExchange.Redis 1.2.6 (the official
/// Microsoft.Extensions.Caching.StackExchangeRedis cannot be restored here): one GET, one PSETEX (SET with a TTL), one
/// DEL per call, so what Redis counts is what the library asked for. No sliding expiry (the library never
/// uses it). The old client takes no cancellation token; the wait for it honours one.
/// </summary>
internal sealed class RedisCache : IDistributedCache, IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;

    public RedisCache(string endpoint)
    {
        _connection = ConnectionMultiplexer.Connect(endpoint + ",abortConnect=false,connectTimeout=5000,syncTimeout=5000");
        _db = _connection.GetDatabase();
    }

    public byte[]? Get(string key) => _db.StringGet(key);

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        await _db.StringGetAsync(key).WaitAsync(token).ConfigureAwait(false);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        _db.StringSet(key, value, Expiry(options));

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        _db.StringSetAsync(key, value, Expiry(options)).WaitAsync(token);

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => _db.KeyDelete(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => _db.KeyDeleteAsync(key).WaitAsync(token);

    public void Dispose() => _connection.Dispose();

    /// <summary>Time to live from the entry options (absolute wins over relative); never less than a millisecond.</summary>
    private static TimeSpan? Expiry(DistributedCacheEntryOptions options)
    {
        TimeSpan? ttl = options.AbsoluteExpiration is { } absolute ? absolute - DateTimeOffset.UtcNow
            : options.AbsoluteExpirationRelativeToNow ?? options.SlidingExpiration;
        return ttl is { } t && t < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : ttl;
    }
}
