using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Caching;

/// <summary>
/// The one cache everything stateful in the library uses. It does the security work once, so backends
/// only get, set and remove bytes:
/// keys are <c>prefix + section + HMAC(key)</c>, so a listing reveals no session id, token or subject;
/// values are AES-256-GCM with a fresh nonce each, authenticated together with their storage key (a value
/// copied to another key does not decrypt) and carrying their own expiry (a backend that keeps entries too
/// long cannot extend them).
/// </summary>
internal sealed class ProtectedCache
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 2 + NonceSize + TagSize;

    private readonly IDistributedCache _backend;
    private readonly CacheKeyRing _keys;
    private readonly string _prefix;
    private readonly TimeSpan _operationTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Storage keys are HMACs: remembered per key ring entry, by section and key.</summary>
    private readonly Dictionary<CacheKeyRing.Keys, BoundedMemo<string>> _storageKeys = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// An in-process backend hands back the very array it stored; its decryption is remembered against that array
    /// (and its storage key), so a hot session is decrypted once per write, not once per request. Shared backends
    /// return new arrays every time and always decrypt.
    /// </summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], Decrypted> _decrypted = new();

    private sealed record Decrypted(string StorageKey, long ExpiresAt, byte[] Payload);

    public ProtectedCache(IDistributedCache backend, CacheKeyRing keys, string prefix, TimeSpan operationTimeout, TimeProvider time, ILogger<ProtectedCache> logger)
    {
        _backend = backend;
        _keys = keys;
        _prefix = prefix;
        _operationTimeout = operationTimeout;
        _time = time;
        _logger = logger;
        foreach (var entry in keys.All)
        {
            _storageKeys[entry] = new BoundedMemo<string>(capacity: 50_000);
        }
    }

    /// <summary>The backend in use (for diagnostics and tests).</summary>
    internal IDistributedCache BackendStore => _backend;

    public async Task<byte[]?> GetAsync(CacheSection section, string key, CancellationToken cancellationToken)
    {
        foreach (var keys in _keys.All)
        {
            var storageKey = StorageKey(keys, section, key);
            var stored = await Backend(token => _backend.GetAsync(storageKey, token), cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                continue;
            }
            if (_decrypted.TryGetValue(stored, out var known) && string.Equals(known.StorageKey, storageKey, StringComparison.Ordinal))
            {
                return _time.GetUtcNow().ToUnixTimeSeconds() < known.ExpiresAt ? known.Payload : null;
            }
            var payload = Decrypt(stored, storageKey, out var expired, out var expiresAt);
            if (payload is not null)
            {
                _decrypted.AddOrUpdate(stored, new Decrypted(storageKey, expiresAt, payload));
            }
            if (payload is null && !expired)
            {
                AuthOpenIdcLog.ValueRejected(_logger, (char)section);
            }
            return payload;
        }
        return null;
    }

    public Task SetAsync(CacheSection section, string key, ReadOnlySpan<byte> payload, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var storageKey = StorageKey(_keys.Current, section, key);
        var value = Encrypt(payload, storageKey, expiresAt);
        var entryOptions = new DistributedCacheEntryOptions { AbsoluteExpiration = expiresAt };
        return Backend(async token =>
        {
            await _backend.SetAsync(storageKey, value, entryOptions, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task RemoveAsync(CacheSection section, string key, CancellationToken cancellationToken)
    {
        foreach (var keys in _keys.All)
        {
            var storageKey = StorageKey(keys, section, key);
            await Backend(async token =>
            {
                await _backend.RemoveAsync(storageKey, token).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds a marker unless one exists (replay caches). Not atomic across instances: a replay raced within
    /// one round trip could pass, which the one-time state cookie in front of it already prevents.
    /// </summary>
    public async Task<bool> TryAddAsync(CacheSection section, string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (await GetAsync(section, key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }
        await SetAsync(section, key, [1], expiresAt, cancellationToken).ConfigureAwait(false);
        return true;
    }

    internal string StorageKey(CacheKeyRing.Keys keys, CacheSection section, string key)
    {
        if (!_storageKeys.TryGetValue(keys, out var memo))
        {
            return ComputeStorageKey(keys, section, key);
        }
        var memoKey = ((char)section).ToString() + key;
        if (memo.TryGet(memoKey, out var known))
        {
            return known;
        }
        var storageKey = ComputeStorageKey(keys, section, key);
        memo.Add(memoKey, storageKey);
        return storageKey;
    }

    private string ComputeStorageKey(CacheKeyRing.Keys keys, CacheSection section, string key)
    {
        var input = Encoding.UTF8.GetBytes((char)section + ":" + key);
        var hash = HMACSHA256.HashData(keys.HashKey, input);
        return string.Concat(_prefix, ((char)section).ToString(), ":", Base64UrlEncoder.Encode(hash));
    }

    private byte[] Encrypt(ReadOnlySpan<byte> payload, string storageKey, DateTimeOffset expiresAt)
    {
        var keys = _keys.Current;
        var plaintext = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, expiresAt.ToUnixTimeSeconds());
        payload.CopyTo(plaintext.AsSpan(8));

        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = FormatVersion;
        output[1] = keys.Id;
        var nonce = output.AsSpan(2, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize), output.AsSpan(2 + NonceSize, TagSize), AssociatedData(output, storageKey));
        CryptographicOperations.ZeroMemory(plaintext);
        return output;
    }

    private byte[]? Decrypt(byte[] stored, string storageKey, out bool expired, out long expiresAt)
    {
        expired = false;
        expiresAt = 0;
        if (stored.Length < HeaderSize + 8 || stored[0] != FormatVersion)
        {
            return null;
        }
        var preferred = _keys.Find(stored[1]);
        var candidates = preferred is null ? _keys.All : [preferred, .. _keys.All.Where(k => !ReferenceEquals(k, preferred))];
        var plaintext = new byte[stored.Length - HeaderSize];
        var aad = AssociatedData(stored, storageKey);
        foreach (var keys in candidates)
        {
            try
            {
                using var aes = new AesGcm(keys.EncryptionKey, TagSize);
                aes.Decrypt(stored.AsSpan(2, NonceSize), stored.AsSpan(HeaderSize), stored.AsSpan(2 + NonceSize, TagSize), plaintext, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                continue;
            }
            expiresAt = BinaryPrimitives.ReadInt64BigEndian(plaintext);
            if (_time.GetUtcNow().ToUnixTimeSeconds() >= expiresAt)
            {
                expired = true;
                return null;
            }
            return plaintext[8..];
        }
        return null;
    }

    /// <summary>The format and key-id bytes and the storage key: altering any of them fails the tag.</summary>
    private static byte[] AssociatedData(byte[] value, string storageKey)
    {
        var aad = new byte[2 + Encoding.UTF8.GetByteCount(storageKey)];
        aad[0] = value[0];
        aad[1] = value[1];
        Encoding.UTF8.GetBytes(storageKey, aad.AsSpan(2));
        return aad;
    }

    /// <summary>
    /// One backend call, bounded by the operation timeout: a hung Redis must cost a request a few seconds and
    /// a 503 page, not a thread forever. Whatever the backend throws becomes <see cref="CacheUnavailableException"/>.
    /// </summary>
    private async Task<T> Backend<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_operationTimeout == Timeout.InfiniteTimeSpan)
        {
            // In-process backend: nothing to wait for, so no timer per call on the hot path.
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AuthOpenIdcLog.BackendFailed(_logger, ex.GetType().Name);
                throw new CacheUnavailableException(ex);
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_operationTimeout);
        try
        {
            return await call(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            AuthOpenIdcLog.BackendFailed(_logger, ex.GetType().Name);
            throw new CacheUnavailableException(ex);
        }
    }
}
