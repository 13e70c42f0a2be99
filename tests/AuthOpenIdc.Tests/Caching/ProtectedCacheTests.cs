using System.Text;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Tests.Authorization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Tests.Caching;

public class ProtectedCacheTests
{
    private const string Prefix = "authopenidc:";
    private const string SessionId = "session-id-0123456789";
    private const string Secret = "eyJhbGciOiJSUzI1NiJ9.the-refresh-token-of-alice";

    private static readonly Lazy<CacheKeyRing> RingA = new(() => CacheKeyRing.Create(["passphrase-A"]));
    private static readonly Lazy<CacheKeyRing> RingB = new(() => CacheKeyRing.Create(["passphrase-B"]));
    private static readonly Lazy<CacheKeyRing> RingBA = new(() => CacheKeyRing.Create(["passphrase-B", "passphrase-A"]));

    private readonly ManualTimeProvider _time = new();
    private readonly RecordingCache _backend = new();
    private readonly CapturingLogger<ProtectedCache> _logger = new();

    private static byte[] Payload => Encoding.UTF8.GetBytes(Secret);

    [Fact]
    public async Task Value_round_trips()
    {
        var cache = Cache(RingA.Value);

        await cache.SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Equal(Payload, await cache.GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task Empty_payload_round_trips_as_empty()
    {
        var cache = Cache(RingA.Value);

        await cache.SetAsync(CacheSection.Session, SessionId, [], InOneHour(), default);

        var read = await cache.GetAsync(CacheSection.Session, SessionId, default);
        Assert.NotNull(read);
        Assert.Empty(read);
    }

    [Fact]
    public async Task Missing_key_reads_as_null()
    {
        Assert.Null(await Cache(RingA.Value).GetAsync(CacheSection.Session, "never-written", default));
    }

    [Fact]
    public async Task Storage_key_and_value_reveal_neither_the_key_nor_the_value()
    {
        await Cache(RingA.Value).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        var (key, value) = Assert.Single(_backend.Writes);
        Assert.DoesNotContain(SessionId, key, StringComparison.Ordinal);
        var raw = Encoding.Latin1.GetString(value);
        Assert.DoesNotContain(Secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(SessionId, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-token", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_value_encrypts_differently_each_time()
    {
        var cache = Cache(RingA.Value);

        await cache.SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);
        await cache.SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Equal(2, _backend.Writes.Count);
        Assert.Equal(_backend.Writes[0].Key, _backend.Writes[1].Key);
        Assert.NotEqual(_backend.Writes[0].Value, _backend.Writes[1].Value);
    }

    [Fact]
    public async Task Storage_key_is_prefix_section_and_hash()
    {
        await Cache(RingA.Value, prefix: "tenant-7:").SetAsync(CacheSection.Nonce, "n-1", Payload, InOneHour(), default);

        var key = Assert.Single(_backend.Writes).Key;
        Assert.StartsWith("tenant-7:n:", key, StringComparison.Ordinal);
        Assert.Equal("tenant-7:n:".Length + 43, key.Length); // base64url of a 32-byte HMAC
    }

    [Fact]
    public async Task Key_prefixes_keep_two_apps_apart_on_one_backend()
    {
        await Cache(RingA.Value, prefix: "app-one:").SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Null(await Cache(RingA.Value, prefix: "app-two:").GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task Sections_are_separate_namespaces()
    {
        var cache = Cache(RingA.Value);
        await cache.SetAsync(CacheSection.Session, "same-key", Payload, InOneHour(), default);

        Assert.Null(await cache.GetAsync(CacheSection.Nonce, "same-key", default));
    }

    [Fact]
    public async Task Value_copied_to_another_key_does_not_decrypt()
    {
        var cache = Cache(RingA.Value);
        await cache.SetAsync(CacheSection.Session, "victim", Payload, InOneHour(), default);
        var stolen = Assert.Single(_backend.Writes).Value;

        await _backend.SetAsync(cache.StorageKey(RingA.Value.Current, CacheSection.Session, "attacker"), stolen, new DistributedCacheEntryOptions());

        Assert.Null(await cache.GetAsync(CacheSection.Session, "attacker", default));
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 4000);
    }

    [Fact]
    public async Task Value_copied_to_another_section_does_not_decrypt()
    {
        var cache = Cache(RingA.Value);
        await cache.SetAsync(CacheSection.Nonce, "k", Payload, InOneHour(), default);
        var stolen = Assert.Single(_backend.Writes).Value;

        await _backend.SetAsync(cache.StorageKey(RingA.Value.Current, CacheSection.Session, "k"), stolen, new DistributedCacheEntryOptions());

        Assert.Null(await cache.GetAsync(CacheSection.Session, "k", default));
    }

    [Fact]
    public async Task One_flipped_byte_anywhere_reads_as_null()
    {
        var cache = Cache(RingA.Value);
        await cache.SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);
        var (key, original) = Assert.Single(_backend.Writes);

        // Header (format version, key id), nonce, tag and ciphertext: every byte must be covered by the tag.
        var accepted = new List<int>();
        for (var i = 0; i < original.Length; i++)
        {
            var tampered = (byte[])original.Clone();
            tampered[i] ^= 0x01;
            await _backend.SetAsync(key, tampered, new DistributedCacheEntryOptions());
            if (await cache.GetAsync(CacheSection.Session, SessionId, default) is not null)
            {
                accepted.Add(i);
            }
        }

        Assert.True(accepted.Count == 0, $"flipping byte(s) {string.Join(", ", accepted)} of {original.Length} still decrypted");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(29)]
    [InlineData(37)]
    public async Task Truncated_value_reads_as_null(int length)
    {
        var cache = Cache(RingA.Value);
        await cache.SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);
        var (key, original) = Assert.Single(_backend.Writes);

        await _backend.SetAsync(key, original[..length], new DistributedCacheEntryOptions());

        Assert.Null(await cache.GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task Expiry_is_carried_in_the_value_so_a_backend_that_keeps_it_longer_cannot_extend_it()
    {
        var backend = new NeverExpiringCache();
        var cache = new ProtectedCache(backend, RingA.Value, Prefix, Timeout.InfiniteTimeSpan, _time, _logger);
        await cache.SetAsync(CacheSection.Session, SessionId, Payload, _time.GetUtcNow().AddMinutes(5), default);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await cache.GetAsync(CacheSection.Session, SessionId, default));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetAsync(CacheSection.Session, SessionId, default));
        Assert.NotNull(backend.Inner.Get(cache.StorageKey(RingA.Value.Current, CacheSection.Session, SessionId)));
    }

    [Fact]
    public async Task Expired_value_is_not_reported_as_rejected()
    {
        var cache = new ProtectedCache(new NeverExpiringCache(), RingA.Value, Prefix, Timeout.InfiniteTimeSpan, _time, _logger);
        await cache.SetAsync(CacheSection.Session, SessionId, Payload, _time.GetUtcNow().AddMinutes(5), default);

        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Null(await cache.GetAsync(CacheSection.Session, SessionId, default));
        Assert.DoesNotContain(_logger.Entries, e => e.EventId.Id == 4000);
    }

    [Fact]
    public async Task Backend_entry_gets_the_same_absolute_expiry()
    {
        var expiresAt = InOneHour();

        await Cache(RingA.Value).SetAsync(CacheSection.Session, SessionId, Payload, expiresAt, default);

        Assert.Equal(expiresAt, Assert.Single(_backend.Options).AbsoluteExpiration);
    }

    [Fact]
    public async Task Data_written_with_the_old_passphrase_is_read_after_a_new_one_is_put_first()
    {
        await Cache(RingA.Value).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Equal(Payload, await Cache(RingBA.Value).GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task Data_written_after_rotation_is_read_by_the_rotated_ring_and_the_new_passphrase_alone()
    {
        await Cache(RingBA.Value).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Equal(Payload, await Cache(RingBA.Value).GetAsync(CacheSection.Session, SessionId, default));
        Assert.Equal(Payload, await Cache(RingB.Value).GetAsync(CacheSection.Session, SessionId, default));
        Assert.Null(await Cache(RingA.Value).GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task The_new_passphrase_alone_cannot_read_data_of_the_old_one()
    {
        await Cache(RingA.Value).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Null(await Cache(RingB.Value).GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task Remove_deletes_the_entry_under_every_passphrase()
    {
        await Cache(RingA.Value).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);
        await Cache(RingB.Value).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        await Cache(RingBA.Value).RemoveAsync(CacheSection.Session, SessionId, default);

        Assert.Null(await Cache(RingA.Value).GetAsync(CacheSection.Session, SessionId, default));
        Assert.Null(await Cache(RingB.Value).GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task Ephemeral_key_rings_differ_per_instance()
    {
        await Cache(CacheKeyRing.Create([])).SetAsync(CacheSection.Session, SessionId, Payload, InOneHour(), default);

        Assert.Null(await Cache(CacheKeyRing.Create([])).GetAsync(CacheSection.Session, SessionId, default));
    }

    [Fact]
    public async Task TryAdd_adds_once_then_refuses_until_the_marker_expires()
    {
        var cache = Cache(CacheKeyRing.Create([]));
        var expiresAt = _time.GetUtcNow().AddMinutes(10);

        Assert.True(await cache.TryAddAsync(CacheSection.Nonce, "nonce-1", expiresAt, default));
        Assert.False(await cache.TryAddAsync(CacheSection.Nonce, "nonce-1", expiresAt, default));
        Assert.True(await cache.TryAddAsync(CacheSection.Nonce, "nonce-2", expiresAt, default));
        Assert.True(await cache.TryAddAsync(CacheSection.Session, "nonce-1", expiresAt, default));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await cache.TryAddAsync(CacheSection.Nonce, "nonce-1", _time.GetUtcNow().AddMinutes(10), default));
    }

    [Fact]
    public async Task TryAdd_succeeds_again_after_remove()
    {
        var cache = Cache(CacheKeyRing.Create([]));
        await cache.TryAddAsync(CacheSection.Nonce, "nonce-1", InOneHour(), default);

        await cache.RemoveAsync(CacheSection.Nonce, "nonce-1", default);

        Assert.True(await cache.TryAddAsync(CacheSection.Nonce, "nonce-1", InOneHour(), default));
    }

    public static TheoryData<string> BackendOperations() => ["get", "set", "remove", "tryadd"];

    [Theory]
    [MemberData(nameof(BackendOperations))]
    public async Task Backend_exceptions_become_CacheUnavailableException(string operation)
    {
        var cache = new ProtectedCache(new FailingCache(), CacheKeyRing.Create([]), Prefix, Timeout.InfiniteTimeSpan, _time, _logger);

        var ex = await Assert.ThrowsAsync<CacheUnavailableException>(() => Run(cache, operation));

        Assert.IsType<TimeoutException>(ex.InnerException);
        var entry = Assert.Single(_logger.Entries, e => e.EventId.Id == 4001);
        Assert.Contains(nameof(TimeoutException), entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_an_unavailable_backend()
    {
        var cache = new ProtectedCache(new FailingCache(new OperationCanceledException()), CacheKeyRing.Create([]), Prefix, Timeout.InfiniteTimeSpan, _time, _logger);

        await Assert.ThrowsAsync<OperationCanceledException>(() => cache.GetAsync(CacheSection.Session, SessionId, default));
    }

    private static Task Run(ProtectedCache cache, string operation) => operation switch
    {
        "get" => cache.GetAsync(CacheSection.Session, SessionId, default),
        "set" => cache.SetAsync(CacheSection.Session, SessionId, Payload, DateTimeOffset.UtcNow.AddHours(1), default),
        "remove" => cache.RemoveAsync(CacheSection.Session, SessionId, default),
        _ => cache.TryAddAsync(CacheSection.Nonce, "nonce", DateTimeOffset.UtcNow.AddHours(1), default),
    };

    private ProtectedCache Cache(CacheKeyRing ring, string prefix = Prefix) => new(_backend, ring, prefix, Timeout.InfiniteTimeSpan, _time, _logger);

    private DateTimeOffset InOneHour() => _time.GetUtcNow().AddHours(1);

    private static MemoryDistributedCache NewMemoryCache() => new(Options.Create(new MemoryDistributedCacheOptions()));

    /// <summary>The real memory backend, recording every write so tests can inspect the raw bytes.</summary>
    private sealed class RecordingCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = NewMemoryCache();

        public List<(string Key, byte[] Value)> Writes { get; } = [];
        public List<DistributedCacheEntryOptions> Options { get; } = [];

        public byte[]? Get(string key) => _inner.Get(key);
        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);
        public void Refresh(string key) => _inner.Refresh(key);
        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);
        public void Remove(string key) => _inner.Remove(key);
        public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Writes.Add((key, value));
            Options.Add(options);
            return _inner.SetAsync(key, value, new DistributedCacheEntryOptions(), token);
        }
    }

    /// <summary>A backend that ignores every expiry it is given, like a misconfigured Redis.</summary>
    private sealed class NeverExpiringCache : IDistributedCache
    {
        public MemoryDistributedCache Inner { get; } = NewMemoryCache();

        public byte[]? Get(string key) => Inner.Get(key);
        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Inner.GetAsync(key, token);
        public void Refresh(string key) => Inner.Refresh(key);
        public Task RefreshAsync(string key, CancellationToken token = default) => Inner.RefreshAsync(key, token);
        public void Remove(string key) => Inner.Remove(key);
        public Task RemoveAsync(string key, CancellationToken token = default) => Inner.RemoveAsync(key, token);
        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Inner.Set(key, value, new DistributedCacheEntryOptions());
        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
            Inner.SetAsync(key, value, new DistributedCacheEntryOptions(), token);
    }

    /// <summary>A backend that is down.</summary>
    private sealed class FailingCache(Exception? failure = null) : IDistributedCache
    {
        private Exception Failure => failure ?? new TimeoutException("redis timed out");

        public byte[]? Get(string key) => throw Failure;
        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromException<byte[]?>(Failure);
        public void Refresh(string key) => throw Failure;
        public Task RefreshAsync(string key, CancellationToken token = default) => Task.FromException(Failure);
        public void Remove(string key) => throw Failure;
        public Task RemoveAsync(string key, CancellationToken token = default) => Task.FromException(Failure);
        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw Failure;
        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => Task.FromException(Failure);
    }
}
