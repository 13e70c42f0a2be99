using StackExchange.Redis;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Redis;

/// <summary>One key as Redis holds it: its type (<c>string</c>, <c>hash</c>, ...), its bytes when it is a string, and its TTL.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">What <c>TYPE key</c> answers.</param>
/// <param name="Value">What <c>GET key</c> answers for a string; null for other types.</param>
/// <param name="TimeToLive">What <c>PTTL key</c> answers; null when the key never expires.</param>
public sealed record RedisRawEntry(string Key, string Type, byte[]? Value, TimeSpan? TimeToLive);

/// <summary>
/// Reads Redis behind the application's back, so a test can assert what is (and is not) stored: every key
/// (<c>KEYS *</c>) and value (<c>GET</c>), TTLs; it can also write raw values (tampering tests) and empty the database.
/// Connects with <c>allowAdmin=true</c> (for <c>FLUSHDB</c>).
/// </summary>
public sealed class RedisRawClient : IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;

    /// <summary>Connects to the server of <paramref name="connectionString"/> (e.g. <see cref="RedisServer.ConnectionString"/>).</summary>
    public RedisRawClient(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connection = ConnectionMultiplexer.Connect(connectionString + ",allowAdmin=true");
        _database = _connection.GetDatabase();
    }

    /// <summary>Connects to <paramref name="server"/>.</summary>
    public RedisRawClient(RedisServer server)
        : this((server ?? throw new ArgumentNullException(nameof(server))).ConnectionString)
    {
    }

    /// <summary>Every key matching <paramref name="pattern"/> (<c>KEYS pattern</c>), sorted ordinally.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string pattern = "*")
    {
        var result = await _database.ExecuteAsync("KEYS", pattern);
        return [.. ((RedisResult[])result!).Select(r => (string)r!).Order(StringComparer.Ordinal)];
    }

    /// <summary>Every key with its type, value (strings) and TTL, sorted by key.</summary>
    public async Task<IReadOnlyList<RedisRawEntry>> ReadAllAsync()
    {
        var entries = new List<RedisRawEntry>();
        foreach (var key in await KeysAsync())
        {
            var type = (await _database.KeyTypeAsync(key)).ToString().ToLowerInvariant();
            byte[]? value = type == "string" ? (byte[]?)await _database.StringGetAsync(key) : null;
            entries.Add(new RedisRawEntry(key, type, value, await _database.KeyTimeToLiveAsync(key)));
        }

        return entries;
    }

    /// <summary><c>GET key</c>: the bytes, or null when there is no such string.</summary>
    public async Task<byte[]?> GetAsync(string key) => await _database.StringGetAsync(key);

    /// <summary>The TTL of <paramref name="key"/>; null when it does not exist or never expires.</summary>
    public Task<TimeSpan?> TimeToLiveAsync(string key) => _database.KeyTimeToLiveAsync(key);

    /// <summary><c>SET key value [PX ttl]</c>, bypassing the application (e.g. to plant a tampered value).</summary>
    public Task SetAsync(string key, byte[] value, TimeSpan? timeToLive = null) => _database.StringSetAsync(key, value, timeToLive);

    /// <summary><c>DEL key</c>.</summary>
    public Task DeleteAsync(string key) => _database.KeyDeleteAsync(key);

    /// <summary><c>FLUSHDB</c>: deletes every key of the database.</summary>
    public Task FlushAsync() => _database.ExecuteAsync("FLUSHDB");

    /// <summary>Closes the connection without waiting for calls in flight (a plain Dispose of 1.2.6 waits for the sync timeout).</summary>
    public void Dispose()
    {
        _connection.Close(allowCommandsToComplete: false);
        _connection.Dispose();
    }
}
