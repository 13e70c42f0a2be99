using AuthOpenIdc;
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
    /// Registers the protected cache, bound from configuration section <c>AuthOpenIdc:Cache</c>, with the backend
    /// it names (memory by default), checked at startup. Safe to call several times.
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOpenIdcCacheOptions>, AuthOpenIdcCacheOptionsValidator>());
        builder.ValidateOnStart();
        // Its own singleton, so the container disposes it (and its cleanup timer) with the app.
        services.TryAddSingleton(sp => new FileDistributedCache(
            sp.GetRequiredService<IOptions<AuthOpenIdcCacheOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FileDistributedCache>>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuthOpenIdcCacheOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<ProtectedCache>>();
            var keys = CacheKeyRing.Create(options.CryptoPassphrases);
            if (keys.IsEphemeral)
            {
                AuthOpenIdcLog.EphemeralKeys(logger);
            }
            var time = sp.GetRequiredService<TimeProvider>();
            var timeout = options.Backend == AuthOpenIdcCacheBackend.Memory ? Timeout.InfiniteTimeSpan : options.OperationTimeout;
            return new ProtectedCache(Backend(sp, options), keys, options.KeyPrefix, timeout, time, logger);
        });
        return services;
    }

    private static IDistributedCache Backend(IServiceProvider services, AuthOpenIdcCacheOptions options) => options.Backend switch
    {
        // The library's own memory backend, not the app's IDistributedCache: a session store must not share
        // eviction with whatever else the app caches.
        AuthOpenIdcCacheBackend.Memory => new MemoryDistributedCache(Options.Options.Create(new MemoryDistributedCacheOptions())),
        AuthOpenIdcCacheBackend.File => services.GetRequiredService<FileDistributedCache>(),
        _ => services.GetService<IDistributedCache>()
            ?? throw new InvalidOperationException($"{AuthOpenIdcCacheOptions.ConfigurationSection}:Backend is DistributedCache, but no IDistributedCache is registered: add one, e.g. services.AddStackExchangeRedisCache(...)."),
    };
}
