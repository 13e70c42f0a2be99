namespace AuthOpenIdc.Caching;

/// <summary>
/// Settings of the library's cache, shared by every scheme (section <c>AuthOpenIdc:Cache</c>).
/// Everything the cache holds is encrypted and authenticated with keys derived from
/// <see cref="CryptoPassphrases"/>, so whoever can read the cache learns nothing and can forge nothing.
/// </summary>
public sealed class AuthOpenIdcCacheOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string ConfigurationSection = "AuthOpenIdc:Cache";

    /// <summary>
    /// Passphrases the cache keys are derived from (<c>OIDCCryptoPassphrase</c>): the first encrypts, every one
    /// decrypts, so a new passphrase can be put first without logging everyone out. Every instance of a farm
    /// needs the same list. Empty: a random key per process (fine for one instance; sessions end at restart).
    /// </summary>
    public IList<string> CryptoPassphrases { get; } = new List<string>();

    /// <summary>A prefix for every key, so several apps can share one cache (mod_auth_openidc <c>OIDC_CACHE_PREFIX</c>).</summary>
    public string KeyPrefix { get; set; } = "authopenidc:";
}
