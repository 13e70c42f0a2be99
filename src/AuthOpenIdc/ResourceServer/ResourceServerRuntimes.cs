using System.Collections.Concurrent;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.ResourceServer;

/// <summary>Holds one <see cref="ResourceServerRuntime"/> per scheme for the application's lifetime (handlers are per request).</summary>
internal sealed class ResourceServerRuntimes
{
    private readonly ConcurrentDictionary<string, Lazy<ResourceServerRuntime>> _runtimes = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<OAuthResourceServerOptions> _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ProtectedCache _cache;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IAuthenticationSchemeProvider _schemes;
    private readonly AuthOpenIdcMetrics _metrics;

    public ResourceServerRuntimes(IOptionsMonitor<OAuthResourceServerOptions> options, IHttpClientFactory httpClientFactory, ProtectedCache cache, TimeProvider time, ILoggerFactory loggerFactory, IAuthenticationSchemeProvider schemes, AuthOpenIdcMetrics metrics)
    {
        _metrics = metrics;
        _schemes = schemes;
        _options = options;
        _httpClientFactory = httpClientFactory;
        _cache = cache;
        _time = time;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The scheme's runtime; after the first request a plain lookup (no closure is allocated per request).</summary>
    public ResourceServerRuntime Get(string scheme) => _runtimes.TryGetValue(scheme, out var runtime)
        ? runtime.Value
        : _runtimes.GetOrAdd(scheme, static (name, self) => new Lazy<ResourceServerRuntime>(() => self.Create(name)), this).Value;

    /// <summary>
    /// Evicts <paramref name="token"/>'s cached result in every resource-server scheme of the application (the admin
    /// function <c>?remove_at_cache=</c>). Returns how many schemes there are and in how many something was evicted.
    /// </summary>
    /// <exception cref="CacheUnavailableException">The cache backend failed.</exception>
    public async Task<(int Schemes, int Evicted)> RemoveAsync(string token, CancellationToken cancellationToken)
    {
        var schemes = 0;
        var evicted = 0;
        foreach (var scheme in await _schemes.GetAllSchemesAsync().ConfigureAwait(false))
        {
            if (scheme.HandlerType != typeof(OAuthResourceServerHandler))
            {
                continue;
            }
            schemes++;
            if (await Get(scheme.Name).RemoveAsync(token, cancellationToken).ConfigureAwait(false))
            {
                evicted++;
            }
        }
        return (schemes, evicted);
    }

    private ResourceServerRuntime Create(string scheme)
    {
        var options = _options.Get(scheme);
        var backchannel = new OpBackchannel(_httpClientFactory, options.BackchannelTimeout, options.RequireHttpsMetadata);
        return new ResourceServerRuntime(scheme, options, backchannel, _cache, _time, _loggerFactory.CreateLogger<OAuthResourceServerHandler>(), _metrics);
    }
}

/// <summary>The startup warning of mod_auth_openidc when no audience is configured (GHSA-wcvh-g65p-v576).</summary>
internal sealed class OAuthResourceServerAudienceWarning : IPostConfigureOptions<OAuthResourceServerOptions>
{
    private readonly string _scheme;
    private readonly ILoggerFactory _loggerFactory;

    public OAuthResourceServerAudienceWarning(string scheme, ILoggerFactory loggerFactory)
    {
        _scheme = scheme;
        _loggerFactory = loggerFactory;
    }

    public void PostConfigure(string? name, OAuthResourceServerOptions options)
    {
        if (string.Equals(name, _scheme, StringComparison.Ordinal) && options.Audiences.Count == 0)
        {
            AuthOpenIdcLog.ResourceServerNoAudience(_loggerFactory.CreateLogger<OAuthResourceServerHandler>(), _scheme, options.ConfigurationPath + ":Audiences");
        }
    }
}
