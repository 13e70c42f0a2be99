using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Redis;

/// <summary>
/// A TEST-ONLY <see cref="IDistributedCache"/> over StackExchange.Redis 1.2.6, standing in for
/// Microsoft.Extensions.Caching.StackExchangeRedis (<c>AddStackExchangeRedisCache</c>), which real apps use but which
/// cannot be restored here (it needs StackExchange.Redis 2.x). It is deliberately plain: each entry is one Redis string,
/// written with <c>SET key value PX ttl</c>, read with <c>GET</c>, removed with <c>DEL</c>.
/// </summary>
/// <remarks>
/// <para>
/// Differences from the official package: <see cref="DistributedCacheEntryOptions.SlidingExpiration"/> is not supported
/// and throws <see cref="NotSupportedException"/> (the library's protected cache writes absolute expirations only); no
/// instance-name prefix; values are stored as they are, not in a hash with expiry fields. <see cref="Refresh"/> is one
/// round trip (<c>EXISTS</c>) that changes nothing, as the official one changes nothing for entries without a sliding
/// expiration.
/// </para>
/// <para>
/// One <see cref="ConnectionMultiplexer"/> per adapter, created with the connection string as given (use
/// <c>abortConnect=false</c>, as <see cref="RedisServer.ConnectionString"/> does). While Redis is down every call fails
/// fast: StackExchange.Redis throws <see cref="RedisConnectionException"/> when it has no connection, and each call is
/// also bounded by <see cref="OperationTimeout"/> (a <see cref="TimeoutException"/>), so nothing hangs. When Redis is
/// back the multiplexer reconnects by itself within a few seconds; the adapter needs no new instance.
/// </para>
/// </remarks>
public sealed class RedisDistributedCache : IDistributedCache, IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;

    /// <summary>Connects (without waiting for the server when it is down, given <c>abortConnect=false</c>).</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, e.g. <see cref="RedisServer.ConnectionString"/>.</param>
    /// <param name="operationTimeout">The longest one call may take; default 2 seconds.</param>
    /// <param name="time">The clock that turns absolute expirations into TTLs; default the system clock.</param>
    public RedisDistributedCache(string connectionString, TimeSpan? operationTimeout = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connection = ConnectionMultiplexer.Connect(connectionString);
        _database = _connection.GetDatabase();
        _time = time ?? TimeProvider.System;
        OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(2);
    }

    /// <summary>The longest one asynchronous call may take before it throws <see cref="TimeoutException"/>.</summary>
    public TimeSpan OperationTimeout { get; }

    /// <summary>Whether the multiplexer has a connection to Redis now.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _database.StringGet(key);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var value = await Bounded(_database.StringGetAsync(key), token);
        return value;
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _database.StringSet(key, value, TimeToLive(options));
    }

    /// <inheritdoc />
    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        await Bounded(_database.StringSetAsync(key, value, TimeToLive(options)), token);
    }

    /// <inheritdoc />
    public void Refresh(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _database.KeyExists(key);
    }

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Bounded(_database.KeyExistsAsync(key), token);
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _database.KeyDelete(key);
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Bounded(_database.KeyDeleteAsync(key), token);
    }

    /// <summary>Closes the connection without waiting for calls in flight (a plain Dispose of 1.2.6 waits for the sync timeout).</summary>
    public void Dispose()
    {
        _connection.Close(allowCommandsToComplete: false);
        _connection.Dispose();
    }

    private async Task<T> Bounded<T>(Task<T> call, CancellationToken token)
    {
        try
        {
            return await call.WaitAsync(OperationTimeout, token);
        }
        catch (TimeoutException)
        {
            // The call goes on in the multiplexer and fails later; observe that so it is not reported as unobserved.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new TimeoutException($"The Redis call did not complete within {OperationTimeout.TotalMilliseconds} ms.");
        }
    }

    /// <summary>The TTL of a new entry: the earlier of the absolute expirations, none when neither is set.</summary>
    private TimeSpan? TimeToLive(DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SlidingExpiration is not null)
        {
            throw new NotSupportedException("The test Redis adapter supports absolute expirations only, not SlidingExpiration.");
        }

        var now = _time.GetUtcNow();
        DateTimeOffset? expiresAt = options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : options.AbsoluteExpiration;
        if (options.AbsoluteExpiration is { } absolute && absolute < expiresAt)
        {
            expiresAt = absolute;
        }

        if (expiresAt is not { } at)
        {
            return null;
        }

        if (at <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(options), at, "The absolute expiration value must be in the future.");
        }

        // Whole milliseconds, at least one: SET ... PX 0 is an error.
        return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling((at - now).TotalMilliseconds)));
    }
}
