using AuthOpenIdc.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the library's protected cache (called by every AuthOpenIdc scheme; safe to call again).</summary>
public static class AuthOpenIdcCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers the protected cache, bound from configuration section <c>AuthOpenIdc:Cache</c>, with the
    /// in-memory backend. Safe to call several times.
    /// </summary>
    public static IServiceCollection AddAuthOpenIdcCache(this IServiceCollection services, Action<AuthOpenIdcCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<AuthOpenIdcCacheOptions>();
        if (!services.Any(d => d.ServiceType == typeof(ProtectedCache)))
        {
            builder.BindConfiguration(AuthOpenIdcCacheOptions.ConfigurationSection);
        }
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuthOpenIdcCacheOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<ProtectedCache>>();
            var keys = CacheKeyRing.Create(options.CryptoPassphrases);
            if (keys.IsEphemeral)
            {
                CachingLog.EphemeralKeys(logger);
            }
            // The library's own memory backend, not the app's IDistributedCache: a session store must not
            // share eviction with whatever else the app caches.
            IDistributedCache backend = new MemoryDistributedCache(Options.Options.Create(new MemoryDistributedCacheOptions()));
            return new ProtectedCache(backend, keys, options.KeyPrefix, sp.GetRequiredService<TimeProvider>(), logger);
        });
        return services;
    }
}
