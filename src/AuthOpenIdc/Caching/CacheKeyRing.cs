using System.Security.Cryptography;
using System.Text;

namespace AuthOpenIdc.Caching;

/// <summary>
/// The keys of the protected cache: per passphrase, one key that hashes cache keys (HMAC-SHA256) and one
/// that encrypts values (AES-256-GCM). Passphrases are stretched once at startup with PBKDF2-HMAC-SHA256
/// (210,000 iterations, as mod_auth_openidc 2.4.20) and then split with HKDF.
/// </summary>
internal sealed class CacheKeyRing
{
    private const int Pbkdf2Iterations = 210_000;
    private static readonly byte[] Salt = Encoding.UTF8.GetBytes("AuthOpenIdc.Cache.v1");

    private CacheKeyRing(IReadOnlyList<Keys> keys, bool ephemeral)
    {
        All = keys;
        IsEphemeral = ephemeral;
    }

    internal sealed record Keys(byte Id, byte[] HashKey, byte[] EncryptionKey);

    /// <summary>The first key set encrypts; all decrypt (rotation).</summary>
    public IReadOnlyList<Keys> All { get; }

    public Keys Current => All[0];

    /// <summary>True when no passphrase was configured and the keys are random for this process.</summary>
    public bool IsEphemeral { get; }

    public static CacheKeyRing Create(IEnumerable<string> passphrases)
    {
        var list = passphrases.Where(p => !string.IsNullOrEmpty(p)).ToList();
        if (list.Count == 0)
        {
            return new CacheKeyRing([Derive(0, RandomNumberGenerator.GetBytes(32))], ephemeral: true);
        }
        var keys = new List<Keys>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var stretched = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(list[i]), Salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);
            keys.Add(Derive(IdOf(stretched), stretched));
        }
        return new CacheKeyRing(keys, ephemeral: false);
    }

    public Keys? Find(byte id)
    {
        foreach (var keys in All)
        {
            if (keys.Id == id)
            {
                return keys;
            }
        }
        return null;
    }

    private static Keys Derive(byte id, byte[] secret) => new(
        id,
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.UTF8.GetBytes("key-hash")),
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.UTF8.GetBytes("value-encryption")));

    /// <summary>A one-byte key id so decryption picks the right key without trying all of them.</summary>
    private static byte IdOf(byte[] stretched) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, stretched, 1, info: Encoding.UTF8.GetBytes("key-id"))[0];
}
