using AuthOpenIdc.Caching;
using AuthOpenIdc.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.RelyingParty;

/// <summary>Derives what the options imply: the scheme's long-lived runtime. It checks nothing; validation does.</summary>
internal sealed class OidcRelyingPartyPostConfigureOptions : IPostConfigureOptions<OidcRelyingPartyOptions>
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IDataProtectionProvider _dataProtection;
    private readonly ProtectedCache _cache;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly AuthOpenIdcMetrics _metrics;

    public OidcRelyingPartyPostConfigureOptions(IHttpClientFactory httpClientFactory, IDataProtectionProvider dataProtection, ProtectedCache cache,
        TimeProvider time, ILoggerFactory loggerFactory, AuthOpenIdcMetrics metrics)
    {
        _httpClientFactory = httpClientFactory;
        _dataProtection = dataProtection;
        _cache = cache;
        _time = time;
        _loggerFactory = loggerFactory;
        _metrics = metrics;
    }

    public void PostConfigure(string? name, OidcRelyingPartyOptions options)
    {
        options.Runtime ??= new RelyingPartyRuntime(name ?? OidcRelyingPartyDefaults.AuthenticationScheme, options, _httpClientFactory, _dataProtection, _cache, _time, _loggerFactory, _metrics);
    }
}
