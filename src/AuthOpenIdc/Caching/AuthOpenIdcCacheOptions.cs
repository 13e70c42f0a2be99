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

    /// <summary>Where entries are kept (<c>OIDCCacheType</c>); default <see cref="AuthOpenIdcCacheBackend.Memory"/>.</summary>
    public AuthOpenIdcCacheBackend Backend { get; set; } = AuthOpenIdcCacheBackend.Memory;

    /// <summary>The directory of the file backend (<c>OIDCCacheDir</c>); created owner-only if missing.</summary>
    public string? FileDirectory { get; set; }

    /// <summary>How often the file backend deletes expired entries (<c>OIDCCacheFileCleanInterval</c>); default 60 seconds.</summary>
    public TimeSpan FileCleanupInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most the file backend's directory may hold, in megabytes; past it the entries closest to expiry go first. Default 1024.</summary>
    public int FileMaxMegabytes { get; set; } = 1024;

    /// <summary>
    /// The longest one cache call may take before the request gets the 503 page
    /// (mod_auth_openidc <c>OIDCRedisCacheTimeout</c>); default 5 seconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
