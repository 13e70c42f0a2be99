using System.Diagnostics;
using System.Text;
using AuthOpenIdc.Caching;
using AuthOpenIdc.IntegrationTests.Infrastructure.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AuthOpenIdc.IntegrationTests.Redis;

/// <summary>The real-Redis test infrastructure itself: the server process, the test adapter and the raw client.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisInfrastructureTests : IAsyncLifetime
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(15);

    private readonly RedisServerFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly RedisRawClient _raw;

    public RedisInfrastructureTests(RedisServerFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _raw = new RedisRawClient(fixture.Server);
    }

    public Task InitializeAsync() => _raw.FlushAsync();

    public Task DisposeAsync()
    {
        _raw.Dispose();
        return Task.CompletedTask;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static DistributedCacheEntryOptions ForMinutes(double minutes) =>
        new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(minutes) };

    [Fact]
    public async Task Server_answers_ping_on_its_loopback_port()
    {
        Assert.True(_fixture.Server.IsRunning);
        Assert.Equal("+PONG", await RedisServer.SendCommandAsync(_fixture.Server.Port, "PING", TimeSpan.FromSeconds(2), default));
        Assert.Equal($"127.0.0.1:{_fixture.Server.Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000", _fixture.ConnectionString);
    }

    [Fact]
    public async Task Adapter_sets_gets_refreshes_and_removes()
    {
        using var cache = new RedisDistributedCache(_fixture.ConnectionString);

        await cache.SetAsync("k-async", Bytes("v1"), ForMinutes(5));
        cache.Set("k-sync", Bytes("v2"), ForMinutes(5));

        Assert.Equal(Bytes("v1"), await cache.GetAsync("k-async"));
        Assert.Equal(Bytes("v2"), cache.Get("k-sync"));
        await cache.RefreshAsync("k-async");
        cache.Refresh("k-sync");
        await cache.RemoveAsync("k-async");
        cache.Remove("k-sync");
        Assert.Null(await cache.GetAsync("k-async"));
        Assert.Null(cache.Get("k-sync"));
        Assert.Null(await cache.GetAsync("never-written"));
        Assert.Empty(await _raw.KeysAsync());
    }

    [Fact]
    public async Task Adapter_round_trips_binary_and_empty_values()
    {
        using var cache = new RedisDistributedCache(_fixture.ConnectionString);
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await cache.SetAsync("binary", binary, ForMinutes(5));
        await cache.SetAsync("empty", [], ForMinutes(5));

        Assert.Equal(binary, await cache.GetAsync("binary"));
        Assert.Equal(Array.Empty<byte>(), await cache.GetAsync("empty"));
    }

    [Fact]
    public async Task Entries_expire_with_their_absolute_expiration()
    {
        using var cache = new RedisDistributedCache(_fixture.ConnectionString);

        await cache.SetAsync("short", Bytes("v"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(400) });
        await cache.SetAsync("dated", Bytes("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(10) });
        await cache.SetAsync("forever", Bytes("v"), new DistributedCacheEntryOptions());

        Assert.NotNull(await cache.GetAsync("short"));
        var dated = await _raw.TimeToLiveAsync("dated");
        Assert.NotNull(dated);
        Assert.InRange(dated.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Null(await _raw.TimeToLiveAsync("forever"));

        var stopwatch = Stopwatch.StartNew();
        while (await cache.GetAsync("short") is not null)
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), "the entry did not expire");
            await Task.Delay(50);
        }

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(200), $"expired after only {stopwatch.ElapsedMilliseconds} ms");
        Assert.NotNull(await cache.GetAsync("dated"));
    }

    [Fact]
    public async Task The_earlier_of_both_absolute_expirations_wins()
    {
        using var cache = new RedisDistributedCache(_fixture.ConnectionString);

        await cache.SetAsync("both", Bytes("v"), new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(1),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10),
        });

        Assert.InRange((await _raw.TimeToLiveAsync("both"))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Sliding_expiration_and_past_expirations_are_refused()
    {
        using var cache = new RedisDistributedCache(_fixture.ConnectionString);

        await Assert.ThrowsAsync<NotSupportedException>(() =>
            cache.SetAsync("k", Bytes("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cache.SetAsync("k", Bytes("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(-1) }));
        Assert.Empty(await _raw.KeysAsync());
    }

    [Fact]
    public async Task Raw_client_lists_every_key_with_its_value()
    {
        using var cache = new RedisDistributedCache(_fixture.ConnectionString);
        await cache.SetAsync("b-key", Bytes("value-b"), ForMinutes(5));
        await cache.SetAsync("a-key", Bytes("value-a"), ForMinutes(5));
        await _raw.SetAsync("planted", Bytes("raw"));

        Assert.Equal(["a-key", "b-key", "planted"], await _raw.KeysAsync());
        var all = await _raw.ReadAllAsync();
        Assert.Equal(["a-key", "b-key", "planted"], all.Select(e => e.Key));
        Assert.All(all, e => Assert.Equal("string", e.Type));
        Assert.Equal(Bytes("value-a"), all[0].Value);
        Assert.NotNull(all[0].TimeToLive);
        Assert.Null(all[2].TimeToLive);
        Assert.Equal(Bytes("raw"), await cache.GetAsync("planted"));
        Assert.Equal(["a-key"], await _raw.KeysAsync("a-*"));
    }

    [Fact]
    public async Task Protected_cache_over_real_redis_stores_nothing_readable()
    {
        using var backend = new RedisDistributedCache(_fixture.ConnectionString);
        var cache = new ProtectedCache(backend, CacheKeyRing.Create(["redis-test-passphrase"]), "authopenidc:", TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<ProtectedCache>.Instance);
        const string SessionId = "session-id-of-alice-0123456789";
        const string Secret = "refresh-token-of-alice";

        await cache.SetAsync(CacheSection.Session, SessionId, Bytes(Secret), DateTimeOffset.UtcNow.AddMinutes(5), default);

        Assert.Equal(Bytes(Secret), await cache.GetAsync(CacheSection.Session, SessionId, default));
        var entry = Assert.Single(await _raw.ReadAllAsync());
        Assert.StartsWith("authopenidc:s:", entry.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(SessionId, entry.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, Encoding.Latin1.GetString(entry.Value!), StringComparison.Ordinal);
        Assert.InRange(entry.TimeToLive!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Adapter_fails_fast_while_redis_is_down_and_recovers_by_itself(bool crash)
    {
        await using var server = await RedisServer.StartAsync();
        using var cache = new RedisDistributedCache(server.ConnectionString);
        await cache.SetAsync("k", Bytes("before"), ForMinutes(5));
        Assert.Equal(Bytes("before"), await cache.GetAsync("k"));

        if (crash)
        {
            server.Kill();
        }
        else
        {
            await server.StopAsync();
        }

        Assert.False(server.IsRunning);
        await AssertFailsFast(() => cache.GetAsync("k"));
        await AssertFailsFast(() => cache.SetAsync("k", Bytes("during"), ForMinutes(5)));
        await AssertFailsFast(() => cache.RemoveAsync("k"));
        await AssertFailsFast(() => Task.Run(() => cache.Get("k")));

        await server.StartAgainAsync();
        Assert.True(server.IsRunning);

        // The same adapter, no new connection: the multiplexer reconnects on its own (the data did not persist).
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Assert.Null(await cache.GetAsync("k"));
                _output.WriteLine($"reconnected after {stopwatch.ElapsedMilliseconds} ms");
                break;
            }
            catch (Exception ex) when (IsUnavailable(ex) && stopwatch.Elapsed < Reconnect)
            {
                await Task.Delay(100);
            }
        }

        await cache.SetAsync("k", Bytes("after"), ForMinutes(5));
        Assert.Equal(Bytes("after"), await cache.GetAsync("k"));
        Assert.Equal(Bytes("after"), cache.Get("k"));
    }

    [Fact]
    public async Task Adapter_times_out_while_redis_hangs_and_works_again_when_it_resumes()
    {
        await using var server = await RedisServer.StartAsync();
        using var cache = new RedisDistributedCache(server.ConnectionString, operationTimeout: TimeSpan.FromMilliseconds(500));
        await cache.SetAsync("k", Bytes("v"), ForMinutes(5));

        await server.PauseAsync();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<TimeoutException>(() => cache.GetAsync("k"));
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(400), FailFast);
            await AssertFailsFast(() => cache.SetAsync("k", Bytes("w"), ForMinutes(5)));
        }
        finally
        {
            await server.ResumeAsync();
        }

        var again = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Assert.NotNull(await cache.GetAsync("k"));
                break;
            }
            catch (Exception ex) when (IsUnavailable(ex) && again.Elapsed < Reconnect)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Adapter_created_while_redis_is_down_works_once_it_is_up()
    {
        await using var server = await RedisServer.StartAsync();
        await server.StopAsync();
        using var cache = new RedisDistributedCache(server.ConnectionString);

        await AssertFailsFast(() => cache.GetAsync("k"));

        await server.StartAgainAsync();
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await cache.SetAsync("k", Bytes("v"), ForMinutes(5));
                break;
            }
            catch (Exception ex) when (IsUnavailable(ex) && stopwatch.Elapsed < Reconnect)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(Bytes("v"), await cache.GetAsync("k"));
    }

    [Fact]
    public async Task Stopped_server_frees_its_port_and_start_again_reuses_it()
    {
        await using var server = await RedisServer.StartAsync();
        var port = server.Port;
        var firstPid = server.ProcessId;

        await server.StopAsync();
        Assert.Null(server.ProcessId);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() =>
            RedisServer.SendCommandAsync(port, "PING", TimeSpan.FromSeconds(1), default));

        await server.StartAgainAsync();
        Assert.Equal(port, server.Port);
        Assert.NotEqual(firstPid, server.ProcessId);
        Assert.Equal("+PONG", await RedisServer.SendCommandAsync(port, "PING", TimeSpan.FromSeconds(1), default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAgainAsync());
    }

    [Fact]
    public async Task Disposing_the_server_kills_its_process()
    {
        var server = await RedisServer.StartAsync();
        var pid = server.ProcessId!.Value;

        await server.DisposeAsync();

        Assert.False(ProcessIsAlive(pid));
    }

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsUnavailable(Exception ex) => ex is RedisConnectionException or TimeoutException;

    private async Task AssertFailsFast(Func<Task> call)
    {
        var stopwatch = Stopwatch.StartNew();
        var error = await Record.ExceptionAsync(call);
        stopwatch.Stop();

        Assert.NotNull(error);
        _output.WriteLine($"failed after {stopwatch.ElapsedMilliseconds} ms with {error.GetType().Name}: {error.Message}");
        Assert.True(IsUnavailable(error), $"unexpected {error.GetType().Name}: {error.Message}");
        Assert.True(stopwatch.Elapsed < FailFast, $"took {stopwatch.ElapsedMilliseconds} ms to fail");
    }
}
