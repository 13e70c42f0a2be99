using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Caching;

/// <summary>
/// The file backend (mod_auth_openidc <c>OIDCCacheType file</c>): one file per key in
/// <see cref="AuthOpenIdcCacheOptions.FileDirectory"/>, shared safely by every process of one host.
/// </summary>
/// <remarks>
/// <para>
/// The directory must be owner-only: it is created with mode 0700 when missing, and the backend refuses to start on a
/// symbolic link or on a directory that group or others can write (they could plant or swap entries). Entries are
/// created 0600.
/// </para>
/// <para>
/// A file is a fixed header (magic, version, expiry, absolute cap, sliding window, value length, SHA-256 of the key,
/// SHA-256 checksum) followed by the value. Writes go to a unique temporary file in the same directory that is then
/// renamed over the entry, which is atomic on POSIX: concurrent writers never produce a torn entry, the last rename
/// wins. Files are not fsynced; an entry garbled by a crash fails its checksum and reads as a miss. A sliding refresh
/// rewrites only the 8-byte expiry in place, so it never clobbers a value written meanwhile.
/// </para>
/// <para>
/// Reads treat a symbolic link, a non-regular, truncated or garbled file and an expired entry as a miss and discard the
/// file. A file is discarded by first renaming it aside and checking it again, so an entry written by another process
/// in between is put back instead of deleted. The total size is tracked approximately (other processes write too);
/// when a write would pass <see cref="AuthOpenIdcCacheOptions.FileMaxMegabytes"/>, a scan deletes expired entries and
/// then the entries closest to expiry until the directory is at 90 % of the cap.
/// </para>
/// <para>
/// The cache has no secrets of its own: <see cref="ProtectedCache"/> in front of it hashes keys and encrypts values.
/// A missing key is never an error; real I/O failures surface as <see cref="IOException"/>.
/// </para>
/// </remarks>
internal sealed class FileDistributedCache : IDistributedCache, IDisposable
{
    /// <summary>The extension of entry files.</summary>
    internal const string EntryExtension = ".entry";

    /// <summary>The extension of files being written (renamed to an entry when complete).</summary>
    internal const string TemporaryExtension = ".partial";

    /// <summary>The extension of files set aside to be checked once more before they are deleted.</summary>
    internal const string DiscardExtension = ".discard";

    internal const int HeaderSize = 100;

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode ListableByOthers = UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const byte FormatVersion = 1;
    private const int ExpiresAtOffset = 8;
    private const int AbsoluteCapOffset = 16;
    private const int SlidingOffset = 24;
    private const int LengthOffset = 32;
    private const int KeyHashOffset = 36;
    private const int ChecksumOffset = 68;
    private const int HashSize = 32;
    private const long NoExpiry = long.MaxValue;

    /// <summary>Longer encoded names are replaced by a hash of the key (most file systems allow 255 bytes).</summary>
    private const int MaxEncodedNameLength = 200;

    /// <summary>Temporary and set-aside files older than this (by the file system's clock) are left over from a crash.</summary>
    private static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(10);

    private static readonly byte[] Magic = "AOFC"u8.ToArray();

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _capBytes;
    private readonly int _capMegabytes;
    private readonly SemaphoreSlim _scanLock = new(1, 1);
    private readonly ITimer? _timer;
    private long _approximateBytes;
    private volatile bool _disposed;

    public FileDistributedCache(AuthOpenIdcCacheOptions options, TimeProvider time, ILogger<FileDistributedCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(options.FileDirectory))
        {
            throw new InvalidOperationException(
                $"{DirectorySetting} must be set to use the file cache backend ({AuthOpenIdcCacheOptions.ConfigurationSection}:Backend = File).");
        }

        _directory = Path.GetFullPath(options.FileDirectory);
        PrepareDirectory(_directory, logger);
        _capMegabytes = options.FileMaxMegabytes;
        _capBytes = options.FileMaxMegabytes <= 0 ? 0 : options.FileMaxMegabytes * 1024L * 1024L;
        _approximateBytes = MeasureEntries();
        var interval = options.FileCleanupInterval;
        if (interval > TimeSpan.Zero && interval != Timeout.InfiniteTimeSpan)
        {
            // The timer holds the cache weakly: a cache nobody disposed (a host torn down without disposing its
            // services) is still collected, and its timer then stops itself.
            var holder = new TimerHolder(this);
            _timer = time.CreateTimer(static state => ((TimerHolder)state!).Tick(), holder, interval, interval);
            holder.Timer = _timer;
        }
    }

    private static string DirectorySetting => AuthOpenIdcCacheOptions.ConfigurationSection + ":FileDirectory";

    /// <summary>The full path of the cache directory.</summary>
    internal string DirectoryPath => _directory;

    /// <summary>The size of all entries as this instance believes it to be (other processes change it too).</summary>
    internal long ApproximateBytes => Interlocked.Read(ref _approximateBytes);

    /// <inheritdoc />
    public byte[]? Get(string key) => GetCoreAsync(key, returnValue: true, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        GetCoreAsync(key, returnValue: true, useAsync: true, token).AsTask();

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        SetCoreAsync(key, value, options, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        SetCoreAsync(key, value, options, useAsync: true, token).AsTask();

    /// <inheritdoc />
    public void Refresh(string key) => GetCoreAsync(key, returnValue: false, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default) =>
        await GetCoreAsync(key, returnValue: false, useAsync: true, token).ConfigureAwait(false);

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var path = PathFor(key);
        Io(() =>
        {
            var previous = EntryLength(path);
            File.Delete(path);
            Interlocked.Add(ref _approximateBytes, -previous);
        });
    }

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Remove(key);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Deletes expired, truncated and garbled entries and files left over from crashes, and recounts the size (what the
    /// periodic cleanup does).
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    internal int CleanupNow()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _scanLock.Wait();
        try
        {
            return ScanAsync(evictTo: null, useAsync: false, CancellationToken.None).GetAwaiter().GetResult().Removed;
        }
        finally
        {
            _scanLock.Release();
        }
    }

    /// <summary>The file name of <paramref name="key"/>: only <c>[a-z0-9_~-]</c> and the extension, whatever the key holds.</summary>
    /// <remarks>
    /// Lower-case letters, digits and '-' stay; an upper-case letter becomes '_' and the letter (so keys that differ only in
    /// case stay apart on case-insensitive file systems), '_' becomes "__", and every other UTF-8 byte becomes '~' and two
    /// hex digits: no name can hold a path separator, "..", or a second dot. The mapping is one-to-one; a name longer than
    /// 200 characters is replaced by "~~" and the SHA-256 of the key (the encoding never produces "~~").
    /// </remarks>
    internal static string FileNameFor(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var name = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            {
                name.Append(c);
            }
            else if (c is >= 'A' and <= 'Z')
            {
                name.Append('_').Append((char)(c + ('a' - 'A')));
            }
            else if (c == '_')
            {
                name.Append("__");
            }
            else
            {
                name.Append('~').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        if (name.Length > MaxEncodedNameLength)
        {
            return "~~" + Convert.ToHexStringLower(SHA256.HashData(bytes)) + EntryExtension;
        }

        return name.Append(EntryExtension).ToString();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timer?.Dispose();
        _scanLock.Dispose();
    }

    private string PathFor(string key) => Path.Combine(_directory, FileNameFor(key));

    private string UniquePath(string extension) => Path.Combine(_directory, Guid.NewGuid().ToString("N") + extension);

    private async ValueTask<byte[]?> GetCoreAsync(string key, bool returnValue, bool useAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathFor(key);
        var outcome = await ReadAsync(path, key, refresh: true, useAsync, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case ReadStatus.Found:
                return returnValue ? outcome.Value : null;
            case ReadStatus.Expired:
                await DiscardAsync(path, reason: null, useAsync, cancellationToken).ConfigureAwait(false);
                return null;
            case ReadStatus.Unusable:
                await DiscardAsync(path, outcome.Reason, useAsync, cancellationToken).ConfigureAwait(false);
                return null;
            default:
                return null;
        }
    }

    private async ValueTask SetCoreAsync(string key, byte[] value, DistributedCacheEntryOptions options, bool useAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        var content = Serialize(key, value, ExpiryOf(options, _time.GetUtcNow()));
        await EnsureCapacityAsync(content.Length, useAsync, cancellationToken).ConfigureAwait(false);

        var target = PathFor(key);
        var temporary = UniquePath(TemporaryExtension);
        try
        {
            // Disposed synchronously: unbuffered, so there is nothing left to write.
            using (var stream = CreateOwnerOnly(temporary, useAsync))
            {
                if (useAsync)
                {
                    await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                    await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    stream.Write(content);
                    stream.Flush();
                }
            }

            var previous = EntryLength(target);
            File.Move(temporary, target, overwrite: true);
            Interlocked.Add(ref _approximateBytes, content.Length - previous);
        }
        catch (Exception ex)
        {
            TryDelete(temporary);
            if (ex is UnauthorizedAccessException)
            {
                throw new IOException("The file cache could not write an entry (access denied).", ex);
            }

            throw;
        }
    }

    /// <summary>Reads and checks one entry file; refreshes a sliding expiry in place.</summary>
    private async ValueTask<ReadOutcome> ReadAsync(string path, string? key, bool refresh, bool useAsync, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            // Missing, or a directory that someone put there: not ours to delete.
            return ReadOutcome.Missing;
        }

        if (info.LinkTarget is not null || info.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return ReadOutcome.Unusable("symbolic link");
        }

        // Also catches FIFOs, sockets and devices (their size is 0), before opening one could block.
        if (info.Length < HeaderSize || info.Length > Array.MaxLength)
        {
            return ReadOutcome.Unusable("truncated");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, refresh ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ReadOutcome.Missing;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException("The file cache could not open an entry (access denied).", ex);
        }

        using (stream)
        {
            if (!stream.CanSeek)
            {
                return ReadOutcome.Unusable("not a regular file");
            }

            var length = stream.Length;
            if (length < HeaderSize || length > Array.MaxLength)
            {
                return ReadOutcome.Unusable("truncated");
            }

            var content = new byte[length];
            try
            {
                if (useAsync)
                {
                    await stream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    stream.ReadExactly(content);
                }
            }
            catch (EndOfStreamException)
            {
                return ReadOutcome.Unusable("truncated");
            }

            if (!TryParseHeader(content, content.Length, out var header) || !ChecksumMatches(content))
            {
                return ReadOutcome.Unusable("garbled");
            }

            if (key is not null && !KeyMatches(content, key))
            {
                // Another key's entry under this name (a case-insensitive file system, a renamed file): not ours to delete.
                return ReadOutcome.Missing;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (now >= header.ExpiresAt)
            {
                return ReadOutcome.Expired;
            }

            if (refresh && header.SlidingMilliseconds > 0)
            {
                var renewed = Math.Min(header.AbsoluteCap, now + header.SlidingMilliseconds);
                if (renewed > header.ExpiresAt)
                {
                    var bytes = new byte[8];
                    BinaryPrimitives.WriteInt64BigEndian(bytes, renewed);
                    stream.Position = ExpiresAtOffset;
                    if (useAsync)
                    {
                        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        stream.Write(bytes);
                    }
                }
            }

            return ReadOutcome.Found(content.AsSpan(HeaderSize).ToArray());
        }
    }

    /// <summary>
    /// Deletes an unusable or expired entry: renames it aside first and checks it again, so that an entry another writer
    /// renamed into place meanwhile is put back rather than lost.
    /// </summary>
    private async ValueTask<bool> DiscardAsync(string path, string? reason, bool useAsync, CancellationToken cancellationToken)
    {
        var aside = UniquePath(DiscardExtension);
        long length;
        try
        {
            var info = new FileInfo(path);
            length = info.LinkTarget is null ? info.Length : 0;
            File.Move(path, aside, overwrite: false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Somebody else is dealing with it; a miss is a miss either way.
            return false;
        }

        var again = await ReadAsync(aside, key: null, refresh: false, useAsync, cancellationToken).ConfigureAwait(false);
        if (again.Status == ReadStatus.Found)
        {
            try
            {
                File.Move(aside, path, overwrite: false);
                return false;
            }
            catch (IOException)
            {
                // An even newer entry is in place: it wins, the one set aside goes.
            }
        }

        TryDelete(aside);
        Interlocked.Add(ref _approximateBytes, -length);
        if (reason is not null)
        {
            AuthOpenIdcLog.FileCacheEntryDiscarded(_logger, reason);
        }

        return true;
    }

    private async ValueTask EnsureCapacityAsync(long incoming, bool useAsync, CancellationToken cancellationToken)
    {
        if (_capBytes <= 0 || ApproximateBytes + incoming <= _capBytes)
        {
            return;
        }

        if (useAsync)
        {
            await _scanLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _scanLock.Wait(cancellationToken);
        }

        try
        {
            // Another writer may have made room while this one waited.
            if (ApproximateBytes + incoming <= _capBytes)
            {
                return;
            }

            var result = await ScanAsync(evictTo: Math.Max(0, (_capBytes / 10 * 9) - incoming), useAsync, cancellationToken).ConfigureAwait(false);
            if (result.Evicted > 0)
            {
                AuthOpenIdcLog.FileCacheEvicted(_logger, _capMegabytes, result.Evicted);
            }
        }
        finally
        {
            _scanLock.Release();
        }
    }

    /// <summary>
    /// One pass over the directory: deletes orphans, unusable and expired entries, then (with <paramref name="evictTo"/>)
    /// the live entries closest to expiry until at most that many bytes remain; recounts the size. Call under the scan lock.
    /// </summary>
    private async ValueTask<ScanResult> ScanAsync(long? evictTo, bool useAsync, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var removed = 0;
        var live = new List<(string Path, long Length, long ExpiresAt)>();
        var header = new byte[HeaderSize];
        var files = Io(() => new DirectoryInfo(_directory).GetFiles());
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = file.Name;
            if (name.EndsWith(TemporaryExtension, StringComparison.Ordinal) || name.EndsWith(DiscardExtension, StringComparison.Ordinal))
            {
                // The file system's clock on both sides: these are in-flight writes of any process unless they are old.
                if (DateTime.UtcNow - file.LastWriteTimeUtc > OrphanAge && TryDelete(file.FullName))
                {
                    removed++;
                }

                continue;
            }

            if (!name.EndsWith(EntryExtension, StringComparison.Ordinal))
            {
                continue;
            }

            var state = await ReadHeaderAsync(file, header, useAsync, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                continue;
            }

            if (state.Value.Reason is not null || now >= state.Value.ExpiresAt)
            {
                if (await DiscardAsync(file.FullName, state.Value.Reason, useAsync, cancellationToken).ConfigureAwait(false))
                {
                    removed++;
                }

                continue;
            }

            live.Add((file.FullName, file.Length, state.Value.ExpiresAt));
        }

        var total = live.Sum(e => e.Length);
        var evicted = 0;
        if (evictTo is { } target && total > target)
        {
            foreach (var entry in live.OrderBy(e => e.ExpiresAt))
            {
                if (total <= target)
                {
                    break;
                }

                if (TryDelete(entry.Path))
                {
                    evicted++;
                }

                total -= entry.Length;
            }
        }

        Interlocked.Exchange(ref _approximateBytes, total);
        AuthOpenIdcLog.FileCacheCleanedUp(_logger, removed + evicted, live.Count - evicted, total / 1024);
        return new ScanResult(removed, evicted);
    }

    /// <summary>The expiry of an entry file from its header, a reason to discard it, or null when it vanished.</summary>
    private static async ValueTask<(long ExpiresAt, string? Reason)?> ReadHeaderAsync(FileInfo file, byte[] header, bool useAsync, CancellationToken cancellationToken)
    {
        if (file.LinkTarget is not null || file.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return (0, "symbolic link");
        }

        if (file.Length < HeaderSize)
        {
            return (0, "truncated");
        }

        try
        {
            using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync))
            {
                if (!stream.CanSeek)
                {
                    return (0, "not a regular file");
                }

                if (useAsync)
                {
                    await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    stream.ReadExactly(header);
                }

                return TryParseHeader(header, stream.Length, out var parsed) ? (parsed.ExpiresAt, null) : (0, "garbled");
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (EndOfStreamException)
        {
            return (0, "truncated");
        }
    }

    private void OnCleanupTimer()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!_scanLock.Wait(0))
            {
                // A cleanup or an eviction is running already.
                return;
            }

            try
            {
                ScanAsync(evictTo: null, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();
            }
            finally
            {
                _scanLock.Release();
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            AuthOpenIdcLog.FileCacheCleanupFailed(_logger, ex.GetType().Name);
        }
    }

    private long MeasureEntries()
    {
        var files = Io(() => new DirectoryInfo(_directory).GetFiles("*" + EntryExtension));
        return files.Where(f => f.Name.EndsWith(EntryExtension, StringComparison.Ordinal)).Sum(f => f.Length);
    }

    private static FileStream CreateOwnerOnly(string path, bool useAsync)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            Options = useAsync ? FileOptions.Asynchronous : FileOptions.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                // The umask can only take bits away; this puts back what it took (a 0400 entry could not be refreshed).
                File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnlyFile);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        return stream;
    }

    private static void PrepareDirectory(string path, ILogger logger)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null)
        {
            throw Refuse(path, "is a symbolic link; point the setting at the real directory");
        }

        if (File.Exists(path))
        {
            throw Refuse(path, "is a file, not a directory");
        }

        if (!info.Exists)
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(path);
                }
                else
                {
                    Directory.CreateDirectory(path, OwnerOnlyDirectory);
                    File.SetUnixFileMode(path, OwnerOnlyDirectory);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{DirectorySetting} '{path}' does not exist and cannot be created ({ex.GetType().Name}).", ex);
            }

            info.Refresh();
            if (info.LinkTarget is not null)
            {
                throw Refuse(path, "is a symbolic link; point the setting at the real directory");
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & WritableByOthers) != 0)
            {
                throw Refuse(path, $"is writable by group or others (mode {Octal(mode)}); make it owner-only, e.g. chmod 700");
            }

            if ((mode & ListableByOthers) != 0)
            {
                AuthOpenIdcLog.FileCacheDirectoryListable(logger);
            }
        }

        // Fail at startup, not at the first login, when this process cannot write there.
        var probe = Path.Combine(path, Guid.NewGuid().ToString("N") + TemporaryExtension);
        try
        {
            CreateOwnerOnly(probe, useAsync: false).Dispose();
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Refuse(path, $"is not writable by this process ({ex.GetType().Name})");
        }
    }

    private static InvalidOperationException Refuse(string path, string problem) =>
        new($"The file cache refuses to start: {DirectorySetting} '{path}' {problem}.");

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static (long ExpiresAt, long AbsoluteCap, long Sliding) ExpiryOf(DistributedCacheEntryOptions options, DateTimeOffset now)
    {
        var absolute = options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : options.AbsoluteExpiration;
        if (absolute is { } at && at <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(options), absolute, "The absolute expiration value must be in the future.");
        }

        var cap = absolute?.ToUnixTimeMilliseconds() ?? NoExpiry;
        var sliding = options.SlidingExpiration is { } window ? Math.Max(1, (long)window.TotalMilliseconds) : 0;
        var expiresAt = sliding > 0 ? Math.Min(cap, now.ToUnixTimeMilliseconds() + sliding) : cap;
        return (expiresAt, cap, sliding);
    }

    private static byte[] Serialize(string key, byte[] value, (long ExpiresAt, long AbsoluteCap, long Sliding) expiry)
    {
        var content = new byte[HeaderSize + value.Length];
        Magic.CopyTo(content, 0);
        content[4] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(content.AsSpan(ExpiresAtOffset), expiry.ExpiresAt);
        BinaryPrimitives.WriteInt64BigEndian(content.AsSpan(AbsoluteCapOffset), expiry.AbsoluteCap);
        BinaryPrimitives.WriteInt64BigEndian(content.AsSpan(SlidingOffset), expiry.Sliding);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(LengthOffset), value.Length);
        SHA256.HashData(Encoding.UTF8.GetBytes(key), content.AsSpan(KeyHashOffset, HashSize));
        value.CopyTo(content, HeaderSize);
        Checksum(content, content.AsSpan(ChecksumOffset, HashSize));
        return content;
    }

    /// <summary>Checks the fixed header of a file of <paramref name="fileLength"/> bytes (not the checksum).</summary>
    private static bool TryParseHeader(ReadOnlySpan<byte> content, long fileLength, out Header header)
    {
        header = default;
        if (content.Length < HeaderSize || !content[..4].SequenceEqual(Magic) || content[4] != FormatVersion)
        {
            return false;
        }

        var expiresAt = BinaryPrimitives.ReadInt64BigEndian(content[ExpiresAtOffset..]);
        var cap = BinaryPrimitives.ReadInt64BigEndian(content[AbsoluteCapOffset..]);
        var sliding = BinaryPrimitives.ReadInt64BigEndian(content[SlidingOffset..]);
        var length = BinaryPrimitives.ReadInt32BigEndian(content[LengthOffset..]);
        if (length < 0 || HeaderSize + (long)length != fileLength || sliding < 0 || expiresAt > cap || (sliding == 0 && expiresAt != cap))
        {
            return false;
        }

        header = new Header(expiresAt, cap, sliding);
        return true;
    }

    private static bool ChecksumMatches(byte[] content)
    {
        Span<byte> expected = stackalloc byte[HashSize];
        Checksum(content, expected);
        return CryptographicOperations.FixedTimeEquals(expected, content.AsSpan(ChecksumOffset, HashSize));
    }

    private static bool KeyMatches(byte[] content, string key)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return hash.SequenceEqual(content.AsSpan(KeyHashOffset, HashSize));
    }

    /// <summary>SHA-256 over everything but the checksum itself and the expiry (which a sliding refresh rewrites in place).</summary>
    private static void Checksum(byte[] content, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(content, 0, ExpiresAtOffset);
        hash.AppendData(content, AbsoluteCapOffset, ChecksumOffset - AbsoluteCapOffset);
        hash.AppendData(content, HeaderSize, content.Length - HeaderSize);
        hash.GetHashAndReset(destination);
    }

    private static long EntryLength(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null ? info.Length : 0;
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Io(Action action) => Io(() =>
    {
        action();
        return true;
    });

    private static T Io<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException("The file cache was denied access to its directory.", ex);
        }
    }

    private sealed class TimerHolder(FileDistributedCache cache)
    {
        private readonly WeakReference<FileDistributedCache> _cache = new(cache);

        public ITimer? Timer { get; set; }

        public void Tick()
        {
            if (_cache.TryGetTarget(out var target))
            {
                target.OnCleanupTimer();
            }
            else
            {
                Timer?.Dispose();
            }
        }
    }

    private enum ReadStatus
    {
        Missing,
        Found,
        Expired,
        Unusable,
    }

    private readonly record struct Header(long ExpiresAt, long AbsoluteCap, long SlidingMilliseconds);

    private readonly record struct ScanResult(int Removed, int Evicted);

    private readonly record struct ReadOutcome(ReadStatus Status, byte[]? Value, string? Reason)
    {
        public static ReadOutcome Missing => new(ReadStatus.Missing, null, null);

        public static ReadOutcome Expired => new(ReadStatus.Expired, null, null);

        public static ReadOutcome Found(byte[] value) => new(ReadStatus.Found, value, null);

        public static ReadOutcome Unusable(string reason) => new(ReadStatus.Unusable, null, reason);
    }
}
