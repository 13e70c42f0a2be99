using System.Collections.Concurrent;
using System.Text;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Tests.Authorization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthOpenIdc.Tests.Caching;

public sealed class FileDistributedCacheTests : IDisposable
{
    private const string Key = "authopenidc:s:Qm9iJ3MtaGFzaGVkLXNlc3Npb24ta2V5LTAxMjM0NTY3";
    private static readonly DateTimeOffset Start = new(2040, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _root;
    private readonly string _directory;
    private readonly FakeClock _clock = new(Start);
    private readonly List<FileDistributedCache> _caches = [];

    public FileDistributedCacheTests()
    {
        _root = Path.Combine(Path.GetTempPath(), "authopenidc-filecache-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_root);
        }
        else
        {
            Directory.CreateDirectory(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _directory = Path.Combine(_root, "cache");
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static DistributedCacheEntryOptions ForMinutes(double minutes) =>
        new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(minutes) };

    private string EntryPath(string key) => Path.Combine(_directory, FileDistributedCache.FileNameFor(key));

    private string[] EntryFiles() => Directory.GetFiles(_directory, "*" + FileDistributedCache.EntryExtension);

    private FileDistributedCache Cache(
        string? directory = null,
        int maxMegabytes = 1024,
        TimeSpan? cleanupInterval = null,
        ILogger<FileDistributedCache>? logger = null)
    {
        var options = new AuthOpenIdcCacheOptions
        {
            Backend = AuthOpenIdcCacheBackend.File,
            FileDirectory = directory ?? _directory,
            FileMaxMegabytes = maxMegabytes,
            FileCleanupInterval = cleanupInterval ?? Timeout.InfiniteTimeSpan,
        };
        var cache = new FileDistributedCache(options, _clock, logger ?? NullLogger<FileDistributedCache>.Instance);
        _caches.Add(cache);
        return cache;
    }

    [Fact]
    public async Task Value_round_trips_and_is_removed()
    {
        var cache = Cache();

        await cache.SetAsync(Key, Bytes("value-1"), ForMinutes(10));
        Assert.Equal(Bytes("value-1"), await cache.GetAsync(Key));
        Assert.Equal(Bytes("value-1"), cache.Get(Key));

        cache.Set(Key, Bytes("value-2"), ForMinutes(10));
        Assert.Equal(Bytes("value-2"), await cache.GetAsync(Key));

        await cache.RemoveAsync(Key);
        Assert.Null(await cache.GetAsync(Key));
        Assert.Empty(EntryFiles());
        cache.Remove(Key);
    }

    [Fact]
    public async Task Empty_value_round_trips_as_empty()
    {
        var cache = Cache();

        await cache.SetAsync(Key, [], ForMinutes(10));

        var read = await cache.GetAsync(Key);
        Assert.NotNull(read);
        Assert.Empty(read);
    }

    [Fact]
    public async Task Missing_key_is_a_miss_not_an_error()
    {
        var cache = Cache();

        Assert.Null(await cache.GetAsync("never-written"));
        Assert.Null(cache.Get("never-written"));
        await cache.RefreshAsync("never-written");
        cache.Refresh("never-written");
        await cache.RemoveAsync("never-written");
    }

    [Fact]
    public async Task Entries_survive_a_new_instance_on_the_same_directory()
    {
        var first = Cache();
        await first.SetAsync(Key, Bytes("kept across restarts"), ForMinutes(10));
        first.Dispose();

        var second = Cache();

        Assert.Equal(Bytes("kept across restarts"), await second.GetAsync(Key));
        Assert.Equal(new FileInfo(EntryPath(Key)).Length, second.ApproximateBytes);
    }

    [Fact]
    public async Task Relative_absolute_expiry_is_a_miss_after_it_and_deletes_the_file()
    {
        var cache = Cache();
        await cache.SetAsync(Key, Bytes("v"), ForMinutes(10));

        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(await cache.GetAsync(Key));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await cache.GetAsync(Key));
        Assert.False(File.Exists(EntryPath(Key)));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Absolute_expiration_date_is_honoured()
    {
        var cache = Cache();
        cache.Set(Key, Bytes("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = Start.AddSeconds(30) });

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(cache.Get(Key));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.Get(Key));
    }

    [Fact]
    public async Task An_absolute_expiration_in_the_past_is_refused()
    {
        var cache = Cache();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cache.SetAsync(Key, Bytes("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = Start.AddSeconds(-1) }));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Entry_without_expiry_never_expires()
    {
        var cache = Cache();
        await cache.SetAsync(Key, Bytes("v"), new DistributedCacheEntryOptions());

        _clock.Advance(TimeSpan.FromDays(3650));

        Assert.NotNull(await cache.GetAsync(Key));
        Assert.Equal(0, cache.CleanupNow());
    }

    [Fact]
    public async Task Sliding_expiry_is_renewed_by_get_and_refresh()
    {
        var cache = Cache();
        await cache.SetAsync(Key, Bytes("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });

        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.NotNull(await cache.GetAsync(Key));
        _clock.Advance(TimeSpan.FromMinutes(8));
        await cache.RefreshAsync(Key);
        _clock.Advance(TimeSpan.FromMinutes(8));
        cache.Refresh(Key);
        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(Bytes("v"), cache.Get(Key));

        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await cache.GetAsync(Key));
    }

    [Fact]
    public async Task Sliding_expiry_is_seen_by_another_instance()
    {
        var writer = Cache();
        var reader = Cache();
        await writer.SetAsync(Key, Bytes("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });

        _clock.Advance(TimeSpan.FromMinutes(8));
        await writer.RefreshAsync(Key);
        _clock.Advance(TimeSpan.FromMinutes(8));

        Assert.Equal(Bytes("v"), await reader.GetAsync(Key));
    }

    [Fact]
    public async Task Sliding_expiry_never_passes_the_absolute_expiry()
    {
        var cache = Cache();
        await cache.SetAsync(Key, Bytes("v"), new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(10),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(15),
        });

        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.NotNull(await cache.GetAsync(Key));
        _clock.Advance(TimeSpan.FromMinutes(7));

        Assert.Null(await cache.GetAsync(Key));
    }

    [Fact]
    public async Task Cleanup_deletes_expired_entries_and_keeps_live_ones()
    {
        var cache = Cache();
        await cache.SetAsync("short-1", Bytes("v"), ForMinutes(1));
        await cache.SetAsync("short-2", Bytes("v"), ForMinutes(2));
        await cache.SetAsync("long", Bytes("v"), ForMinutes(60));

        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(2, cache.CleanupNow());
        var remaining = Assert.Single(EntryFiles());
        Assert.Equal(EntryPath("long"), remaining);
        Assert.Equal(new FileInfo(remaining).Length, cache.ApproximateBytes);
    }

    [Fact]
    public async Task Periodic_cleanup_runs_on_the_time_provider_timer()
    {
        var cache = Cache(cleanupInterval: TimeSpan.FromMinutes(5));
        await cache.SetAsync("short", Bytes("v"), ForMinutes(1));
        await cache.SetAsync("long", Bytes("v"), ForMinutes(60));

        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(2, EntryFiles().Length);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([EntryPath("long")], EntryFiles());

        cache.Dispose();
        Assert.Equal(0, _clock.ActiveTimers);
    }

    [Fact]
    public async Task A_cache_nobody_disposed_is_collected_and_its_timer_stops()
    {
        // Created on another thread and checked with IsAlive only, so no local of this method can keep it alive.
        var cache = await Task.Run(() => new WeakReference(new FileDistributedCache(
            new AuthOpenIdcCacheOptions { FileDirectory = _directory, FileCleanupInterval = TimeSpan.FromMinutes(5) },
            _clock,
            NullLogger<FileDistributedCache>.Instance)));
        for (var i = 0; i < 10 && cache.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(cache.IsAlive);
        Assert.Equal(1, _clock.ActiveTimers);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, _clock.ActiveTimers);
    }

    [Fact]
    public void Cleanup_deletes_files_left_over_from_a_crash_but_not_writes_in_flight()
    {
        var cache = Cache();
        var old = Path.Combine(_directory, "0123456789abcdef" + FileDistributedCache.TemporaryExtension);
        var fresh = Path.Combine(_directory, "fedcba9876543210" + FileDistributedCache.TemporaryExtension);
        var foreign = Path.Combine(_directory, "README.txt");
        File.WriteAllText(old, "half");
        File.WriteAllText(fresh, "half");
        File.WriteAllText(foreign, "not ours");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));

        Assert.Equal(1, cache.CleanupNow());

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public async Task Created_directory_is_0700_and_entries_are_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var nested = Path.Combine(_root, "a", "b");
        var cache = Cache(nested);
        await cache.SetAsync(Key, Bytes("v"), ForMinutes(10));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(nested));
        var entry = Assert.Single(Directory.GetFiles(nested));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry));
    }

    [Fact]
    public void Symlinked_directory_is_refused()
    {
        var real = Path.Combine(_root, "real");
        Cache(real).Dispose();
        var link = Path.Combine(_root, "link");
        Directory.CreateSymbolicLink(link, real);

        var error = Assert.Throws<InvalidOperationException>(() => Cache(link));

        Assert.Contains("AuthOpenIdc:Cache:FileDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void Directory_writable_by_group_or_others_is_refused(UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | extra);

        var error = Assert.Throws<InvalidOperationException>(() => Cache());

        Assert.Contains("AuthOpenIdc:Cache:FileDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("writable by group or others", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_listable_by_others_starts_with_a_warning()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var logger = new CapturingLogger<FileDistributedCache>();

        Cache(logger: logger);

        Assert.Contains(logger.Entries, e => e.EventId.Id == 4104 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public void Missing_directory_setting_is_refused_naming_the_setting()
    {
        var options = new AuthOpenIdcCacheOptions { Backend = AuthOpenIdcCacheBackend.File };

        var error = Assert.Throws<InvalidOperationException>(() => new FileDistributedCache(options, _clock, NullLogger<FileDistributedCache>.Instance));

        Assert.Contains("AuthOpenIdc:Cache:FileDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_where_the_directory_should_be_is_refused()
    {
        File.WriteAllText(_directory, "not a directory");

        var error = Assert.Throws<InvalidOperationException>(() => Cache());

        Assert.Contains("AuthOpenIdc:Cache:FileDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Symlinked_entry_is_a_miss_and_its_target_is_untouched()
    {
        // A valid entry for Key, written in another directory, linked into the cache directory under Key's name.
        var elsewhere = Path.Combine(_root, "elsewhere");
        await Cache(elsewhere).SetAsync(Key, Bytes("planted"), ForMinutes(10));
        var target = Path.Combine(elsewhere, FileDistributedCache.FileNameFor(Key));
        var logger = new CapturingLogger<FileDistributedCache>();
        var cache = Cache(logger: logger);
        File.CreateSymbolicLink(EntryPath(Key), target);

        Assert.Null(await cache.GetAsync(Key));
        Assert.Null(cache.Get(Key));

        Assert.False(File.Exists(EntryPath(Key)));
        Assert.Null(new FileInfo(EntryPath(Key)).LinkTarget);
        Assert.True(File.Exists(target));
        Assert.Contains(logger.Entries, e => e.EventId.Id == 4100 && e.Message.Contains("symbolic link", StringComparison.Ordinal));
        Assert.All(logger.Entries, e => Assert.DoesNotContain(Key, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Symlink_to_a_directory_or_nowhere_is_a_miss()
    {
        var cache = Cache();
        Directory.CreateSymbolicLink(EntryPath("dir"), _root);
        File.CreateSymbolicLink(EntryPath("dangling"), Path.Combine(_root, "does-not-exist"));

        Assert.Null(await cache.GetAsync("dir"));
        Assert.Null(await cache.GetAsync("dangling"));
        Assert.True(Directory.Exists(_root));
    }

    [Fact]
    public async Task Cleanup_deletes_symlinked_entries()
    {
        var cache = Cache();
        var outside = Path.Combine(_root, "outside.txt");
        File.WriteAllText(outside, "not an entry");
        File.CreateSymbolicLink(EntryPath(Key), outside);

        Assert.Equal(1, cache.CleanupNow());

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
        Assert.True(File.Exists(outside));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Garbled_entry_is_a_miss_and_is_deleted()
    {
        var logger = new CapturingLogger<FileDistributedCache>();
        var cache = Cache(logger: logger);
        await cache.SetAsync(Key, Bytes("a value of some length"), ForMinutes(10));
        var path = EntryPath(Key);
        var content = File.ReadAllBytes(path);
        content[^3] ^= 0x40;
        File.WriteAllBytes(path, content);

        Assert.Null(await cache.GetAsync(Key));

        Assert.False(File.Exists(path));
        Assert.Contains(logger.Entries, e => e.EventId.Id == 4100 && e.Message.Contains("garbled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(FileDistributedCache.HeaderSize)]
    [InlineData(FileDistributedCache.HeaderSize + 5)]
    public async Task Truncated_entry_is_a_miss_and_is_deleted(int keep)
    {
        var cache = Cache();
        await cache.SetAsync(Key, Bytes("a value of some length"), ForMinutes(10));
        var path = EntryPath(Key);
        var content = File.ReadAllBytes(path);
        File.WriteAllBytes(path, content[..keep]);

        Assert.Null(cache.Get(Key));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Junk_in_an_entry_file_is_a_miss_and_cleanup_deletes_it()
    {
        var cache = Cache();
        File.WriteAllBytes(EntryPath(Key), [.. Enumerable.Range(0, 500).Select(i => (byte)(i * 7))]);
        File.WriteAllBytes(EntryPath("other"), [.. Enumerable.Range(0, 500).Select(i => (byte)(i * 3))]);

        Assert.Null(await cache.GetAsync(Key));
        Assert.Equal(1, cache.CleanupNow());
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task Entry_renamed_to_another_key_is_a_miss()
    {
        var cache = Cache();
        await cache.SetAsync("key-a", Bytes("value of a"), ForMinutes(10));
        File.Copy(EntryPath("key-a"), EntryPath("key-b"));

        Assert.Null(await cache.GetAsync("key-b"));
        Assert.Equal(Bytes("value of a"), await cache.GetAsync("key-a"));
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("../../../../../../tmp/escaped")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\escaped")]
    [InlineData("C:\\escaped")]
    [InlineData("nul")]
    [InlineData("")]
    [InlineData("key\twith\u0001controls")]
    [InlineData("ключ-ü-🔑")]
    public async Task No_key_can_escape_the_directory(string key)
    {
        var cache = Cache();

        await cache.SetAsync(key, Bytes("v:" + key), ForMinutes(10));

        var name = FileDistributedCache.FileNameFor(key);
        Assert.Matches("^[a-z0-9_~-]*\\.entry$", name);
        Assert.DoesNotContain("..", name, StringComparison.Ordinal);
        Assert.Equal(_directory, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(_directory, name))));
        Assert.Equal([EntryPath(key)], Directory.GetFileSystemEntries(_directory));
        Assert.Equal(["cache"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
        Assert.Equal(Bytes("v:" + key), await cache.GetAsync(key));
    }

    [Fact]
    public void File_names_are_one_to_one_and_case_safe()
    {
        string[] keys = ["ab", "Ab", "aB", "AB", "_ab", "__ab", "a_b", "a~b", "a~7eb", "a.b", "a-b", "a b", "~~", "~7e~7e", "authopenidc:s:X-_y"];

        var names = keys.Select(FileDistributedCache.FileNameFor).ToList();

        Assert.Equal(keys.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, n => Assert.Matches("^[a-z0-9_~-]+\\.entry$", n));
    }

    [Fact]
    public async Task Long_keys_get_a_hashed_name_that_fits_the_file_system()
    {
        var cache = Cache();
        var longKey = new string('K', 300);
        var otherLongKey = new string('K', 299) + "L";

        await cache.SetAsync(longKey, Bytes("first"), ForMinutes(10));
        await cache.SetAsync(otherLongKey, Bytes("second"), ForMinutes(10));

        Assert.True(FileDistributedCache.FileNameFor(longKey).Length < 255);
        Assert.StartsWith("~~", FileDistributedCache.FileNameFor(longKey), StringComparison.Ordinal);
        Assert.Equal(Bytes("first"), await cache.GetAsync(longKey));
        Assert.Equal(Bytes("second"), await cache.GetAsync(otherLongKey));
    }

    [Fact]
    public async Task Parallel_writers_in_several_instances_never_produce_a_torn_entry()
    {
        const int Writers = 50;
        const int Rounds = 8;
        var caches = Enumerable.Range(0, 4).Select(_ => Cache()).ToArray();
        var written = new ConcurrentDictionary<string, byte>();
        var lastOwn = new string[Writers];
        var failures = new ConcurrentQueue<string>();

        // Each value names its writer and round and is filled so that a mix of two writes or a short read shows.
        static byte[] Value(int writer, int round)
        {
            var head = Bytes($"w{writer:D2}r{round:D2}|");
            var value = new byte[head.Length + 20_000 + (writer * 997 % 30_000)];
            head.CopyTo(value, 0);
            for (var i = head.Length; i < value.Length; i++)
            {
                value[i] = (byte)((writer * 31) + (round * 7) + i);
            }

            return value;
        }

        // Once "shared" has been written it always exists: a torn or half-written file must not show as a miss either.
        void Check(byte[]? read, string what, bool mustExist)
        {
            if (read is null)
            {
                if (mustExist)
                {
                    failures.Enqueue($"{what}: a miss although the key exists");
                }

                return;
            }

            var head = Encoding.UTF8.GetString(read, 0, Math.Min(read.Length, 6));
            if (read.Length < 7 || read[6] != (byte)'|' || !written.ContainsKey(head))
            {
                failures.Enqueue($"{what}: unknown value '{head}' ({read.Length} bytes)");
                return;
            }

            var expected = Value(int.Parse(head[1..3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(head[4..6], System.Globalization.CultureInfo.InvariantCulture));
            if (!expected.AsSpan().SequenceEqual(read))
            {
                failures.Enqueue($"{what}: torn value of {head} ({read.Length} bytes, expected {expected.Length})");
            }
        }

        using var start = new Barrier(Writers);
        var tasks = Enumerable.Range(0, Writers).Select(writer => Task.Factory.StartNew(async () =>
        {
            var cache = caches[writer % caches.Length];
            start.SignalAndWait();
            for (var round = 0; round < Rounds; round++)
            {
                var value = Value(writer, round);
                written[$"w{writer:D2}r{round:D2}"] = 0;
                if ((writer + round) % 2 == 0)
                {
                    await cache.SetAsync("shared", value, ForMinutes(10));
                    await cache.SetAsync($"own-{writer}", value, ForMinutes(10));
                }
                else
                {
                    cache.Set("shared", value, ForMinutes(10));
                    cache.Set($"own-{writer}", value, ForMinutes(10));
                }

                lastOwn[writer] = $"w{writer:D2}r{round:D2}";
                Check(await caches[(writer + 1) % caches.Length].GetAsync("shared"), "async read of shared", mustExist: true);
                Check(caches[(writer + 2) % caches.Length].Get("shared"), "sync read of shared", mustExist: true);
                Check(await caches[(writer + 3) % caches.Length].GetAsync($"own-{(writer + 1) % Writers}"), "read of a neighbour", mustExist: false);
                Check(await caches[(writer + 1) % caches.Length].GetAsync($"own-{writer}"), "read of its own key", mustExist: true);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(failures);
        var shared = await caches[0].GetAsync("shared");
        Assert.NotNull(shared);
        Check(shared, "final shared", mustExist: true);
        for (var writer = 0; writer < Writers; writer++)
        {
            var own = await caches[writer % caches.Length].GetAsync($"own-{writer}");
            Assert.NotNull(own);
            Assert.Equal(lastOwn[writer], Encoding.UTF8.GetString(own, 0, 6));
            Check(own, "final own", mustExist: true);
        }

        Assert.Empty(failures);
        Assert.Equal(Writers + 1, Directory.GetFiles(_directory).Length);
    }

    [Fact]
    public async Task Discarding_an_expired_entry_never_deletes_a_fresh_one_written_meanwhile()
    {
        var reader = Cache();
        var writer = Cache();
        var lost = 0;
        for (var i = 0; i < 300; i++)
        {
            await writer.SetAsync(Key, Bytes("old"), ForMinutes(1));
            _clock.Advance(TimeSpan.FromMinutes(2));
            var fresh = Bytes($"fresh-{i}");
            using var start = new Barrier(2);
            var read = Task.Run(() =>
            {
                start.SignalAndWait();
                return reader.Get(Key);
            });
            var write = Task.Run(() =>
            {
                start.SignalAndWait();
                writer.Set(Key, fresh, ForMinutes(10));
            });
            await Task.WhenAll(read, write);

            var after = await reader.GetAsync(Key);
            if (after is null || !after.AsSpan().SequenceEqual(fresh))
            {
                lost++;
            }

            var during = await read;
            Assert.True(during is null || during.AsSpan().SequenceEqual(fresh));
        }

        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task Size_cap_evicts_expired_entries_first_then_those_closest_to_expiry()
    {
        var logger = new CapturingLogger<FileDistributedCache>();
        var cache = Cache(maxMegabytes: 1, logger: logger);
        var value = new byte[100 * 1024];

        await cache.SetAsync("expired", value, ForMinutes(1));
        await cache.SetAsync("long-lived", value, ForMinutes(500));
        _clock.Advance(TimeSpan.FromMinutes(2));

        // Expiries 60, 59, ... minutes: the later written ones go first when room runs out.
        for (var i = 0; i < 12; i++)
        {
            await cache.SetAsync($"entry-{i}", value, ForMinutes(60 - i));
        }

        var onDisk = Directory.GetFiles(_directory).Sum(f => new FileInfo(f).Length);
        Assert.True(onDisk <= 1024 * 1024, $"{onDisk} bytes on disk");
        Assert.Null(await cache.GetAsync("expired"));
        Assert.NotNull(await cache.GetAsync("long-lived"));
        Assert.NotNull(await cache.GetAsync("entry-0"));
        Assert.NotNull(await cache.GetAsync("entry-11"));
        var kept = Enumerable.Range(0, 12).Where(i => File.Exists(EntryPath($"entry-{i}"))).ToList();
        Assert.InRange(kept.Count, 5, 10);
        var evicted = Enumerable.Range(0, 12).Except(kept).ToList();

        // Each eviction removed the entries closest to expiry at that moment, which never includes the oldest ones.
        Assert.All(evicted, i => Assert.True(i > 0, $"entry-{i} was evicted"));
        Assert.Contains(logger.Entries, e => e.EventId.Id == 4102);
        Assert.Equal(onDisk, cache.ApproximateBytes);
    }

    [Fact]
    public async Task Size_cap_of_zero_means_no_cap()
    {
        var cache = Cache(maxMegabytes: 0);
        var value = new byte[600 * 1024];

        await cache.SetAsync("a", value, ForMinutes(10));
        await cache.SetAsync("b", value, ForMinutes(10));

        Assert.Equal(2, EntryFiles().Length);
    }

    [Fact]
    public async Task Disposed_cache_refuses_calls()
    {
        var cache = Cache();
        cache.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetAsync(Key));
    }

    [Fact]
    public async Task Cancelled_write_leaves_no_file()
    {
        var cache = Cache();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.SetAsync(Key, Bytes("v"), ForMinutes(10), cancelled.Token));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task A_directory_removed_under_the_cache_fails_writes_with_an_io_error()
    {
        var cache = Cache();
        Directory.Delete(_directory);

        await Assert.ThrowsAnyAsync<IOException>(() => cache.SetAsync(Key, Bytes("v"), ForMinutes(10)));
        Assert.Null(await cache.GetAsync(Key));
    }

    /// <summary>A clock and timers that move only when the test says so; due timers fire inside <see cref="Advance"/>.</summary>
    private sealed class FakeClock : TimeProvider
    {
        private readonly Lock _lock = new();
        private readonly List<FakeTimer> _timers = [];
        private DateTimeOffset _now;

        public FakeClock(DateTimeOffset start)
        {
            _now = start;
        }

        public int ActiveTimers
        {
            get
            {
                lock (_lock)
                {
                    return _timers.Count;
                }
            }
        }

        public override DateTimeOffset GetUtcNow()
        {
            lock (_lock)
            {
                return _now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new FakeTimer(this, callback, state);
            timer.Change(dueTime, period);
            lock (_lock)
            {
                _timers.Add(timer);
            }

            return timer;
        }

        public void Advance(TimeSpan by)
        {
            DateTimeOffset target;
            lock (_lock)
            {
                target = _now + by;
            }

            while (true)
            {
                FakeTimer? next;
                lock (_lock)
                {
                    next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
                    if (next is null)
                    {
                        _now = target;
                        return;
                    }

                    _now = next.Due!.Value;
                    next.Due = next.Period is { } period ? _now + period : null;
                }

                next.Callback(next.State);
            }
        }

        private void Remove(FakeTimer timer)
        {
            lock (_lock)
            {
                _timers.Remove(timer);
            }
        }

        private sealed class FakeTimer(FakeClock clock, TimerCallback callback, object? state) : ITimer
        {
            public TimerCallback Callback { get; } = callback;

            public object? State { get; } = state;

            public DateTimeOffset? Due { get; set; }

            public TimeSpan? Period { get; set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (clock._lock)
                {
                    Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                    Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
                }

                return true;
            }

            public void Dispose() => clock.Remove(this);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
