using AuthOpenIdc.Caching;

namespace AuthOpenIdc.Tests.Caching;

public class CacheKeyRingTests
{
    // PBKDF2 with 210,000 iterations is slow on purpose: derive each ring once for the whole class.
    private static readonly Lazy<CacheKeyRing> A = new(() => CacheKeyRing.Create(["passphrase-A"]));
    private static readonly Lazy<CacheKeyRing> AAgain = new(() => CacheKeyRing.Create(["passphrase-A"]));
    private static readonly Lazy<CacheKeyRing> BA = new(() => CacheKeyRing.Create(["passphrase-B", "passphrase-A"]));

    [Fact]
    public void The_same_passphrase_gives_the_same_keys_in_every_instance()
    {
        Assert.Equal(A.Value.Current.Id, AAgain.Value.Current.Id);
        Assert.Equal(A.Value.Current.HashKey, AAgain.Value.Current.HashKey);
        Assert.Equal(A.Value.Current.EncryptionKey, AAgain.Value.Current.EncryptionKey);
        Assert.False(A.Value.IsEphemeral);
    }

    [Fact]
    public void Different_passphrases_give_different_keys()
    {
        var a = A.Value.Current;
        var b = BA.Value.Current;

        Assert.NotEqual(a.HashKey, b.HashKey);
        Assert.NotEqual(a.EncryptionKey, b.EncryptionKey);
    }

    [Fact]
    public void Hash_and_encryption_keys_are_separate_256_bit_keys()
    {
        var keys = A.Value.Current;

        Assert.Equal(32, keys.HashKey.Length);
        Assert.Equal(32, keys.EncryptionKey.Length);
        Assert.NotEqual(keys.HashKey, keys.EncryptionKey);
    }

    [Fact]
    public void The_first_passphrase_encrypts_and_all_of_them_decrypt()
    {
        var ring = BA.Value;

        Assert.Equal(2, ring.All.Count);
        Assert.Same(ring.All[0], ring.Current);
        Assert.Equal(A.Value.Current.EncryptionKey, ring.All[1].EncryptionKey);
    }

    [Fact]
    public void Find_returns_the_key_set_with_that_id()
    {
        var ring = BA.Value;

        Assert.Same(ring.All[1], ring.Find(A.Value.Current.Id));
        Assert.Same(ring.All[0], ring.Find(ring.Current.Id));
    }

    [Fact]
    public void Find_returns_null_for_an_unknown_id()
    {
        var ring = A.Value;
        var unknown = (byte)(ring.Current.Id + 1);

        Assert.Null(ring.Find(unknown));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void No_passphrase_gives_an_ephemeral_ring(int emptyEntries)
    {
        var ring = CacheKeyRing.Create(Enumerable.Repeat(string.Empty, emptyEntries));

        Assert.True(ring.IsEphemeral);
        Assert.Single(ring.All);
    }

    [Fact]
    public void Ephemeral_rings_differ_per_instance()
    {
        var first = CacheKeyRing.Create([]);
        var second = CacheKeyRing.Create([]);

        Assert.NotEqual(first.Current.HashKey, second.Current.HashKey);
        Assert.NotEqual(first.Current.EncryptionKey, second.Current.EncryptionKey);
    }

    [Fact]
    public void Empty_entries_between_passphrases_are_ignored()
    {
        var ring = CacheKeyRing.Create(["", "passphrase-A", ""]);

        Assert.False(ring.IsEphemeral);
        Assert.Single(ring.All);
        Assert.Equal(A.Value.Current.EncryptionKey, ring.Current.EncryptionKey);
    }
}
