using AuthOpenIdc.Caching;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Sessions;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// Where <see cref="SessionAuthenticateBenchmarks"/>' time goes: the steps of one authenticated request with a
/// memory server-side session, each alone, next to Microsoft's cookie ticket unprotect (its one big step).
/// <c>EmptyRequest</c> is the fixed cost both pay: a request scope, an HttpContext and an
/// <c>AuthenticateAsync</c> that finds no cookie.
/// </summary>
[MemoryDiagnoser]
[GcServer(false)]
public class SessionPathBenchmarks
{
    private ServiceProvider _services = null!;
    private HttpRequest _request = null!;
    private string _id = null!;
    private byte[] _payload = null!;
    private OidcSession _session = null!;
    private RelyingPartyRuntime _runtime = null!;
    private ProtectedCache _cache = null!;
    private ISecureDataFormat<AuthenticationTicket> _ticketFormat = null!;
    private string _ticket = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddAuthentication().AddBenchmarkOidc(OidcSessionType.ServerCache, s => s.InactivityTimeout = TimeSpan.FromHours(1)).AddCookie();
        _services = services.BuildServiceProvider();
        var session = BenchmarkSessions.NewSession(TimeProvider.System);
        var oidcCookie = BenchmarkSessions.MintOidcCookieAsync(_services, session).GetAwaiter().GetResult();
        var microsoftCookie = BenchmarkSessions.MintMicrosoftCookieAsync(_services, session).GetAwaiter().GetResult();

        _runtime = _services.GetRequiredService<IOptionsMonitor<OidcRelyingPartyOptions>>().Get(BenchmarkSessions.OidcScheme).Runtime!;
        _cache = _services.GetRequiredService<ProtectedCache>();
        _request = BenchmarkSessions.NewContext(_services, oidcCookie).Request;
        _id = _runtime.SessionCookie.ReadId(_request) ?? throw new InvalidOperationException("unreadable session cookie");
        _payload = _cache.GetAsync(CacheSection.Session, _id, CancellationToken.None).GetAwaiter().GetResult() ?? throw new InvalidOperationException("no stored session");
        _session = (OidcSession)DeserializeSession();

        _ticketFormat = _services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(BenchmarkSessions.CookieScheme).TicketDataFormat;
        _ticket = BenchmarkSessions.NewContext(_services, microsoftCookie).Request.Cookies[".AspNetCore.Cookies"] ?? throw new InvalidOperationException("no ticket cookie");
        _ = MicrosoftTicketUnprotect() ?? throw new InvalidOperationException("ticket does not unprotect");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "Microsoft: ticket Unprotect (Data Protection + deserialize)")]
    public AuthenticationTicket? MicrosoftTicketUnprotect() => _ticketFormat.Unprotect(_ticket);

    [Benchmark(Description = "Empty request: scope + HttpContext + AuthenticateAsync, no cookie")]
    public async Task<AuthenticateResult> EmptyRequest()
    {
        await using var scope = _services.CreateAsyncScope();
        return await BenchmarkSessions.NewContext(scope.ServiceProvider, cookieHeader: null).AuthenticateAsync(BenchmarkSessions.OidcScheme);
    }

    [Benchmark(Description = "1 SessionCookie.ReadId (Data Protection Unprotect of the id)")]
    public string? ReadSessionId() => _runtime.SessionCookie.ReadId(_request);

    [Benchmark(Description = "2 ProtectedCache.GetAsync (HMAC key, memory backend, AES-GCM)")]
    public Task<byte[]?> ProtectedCacheGet() => _cache.GetAsync(CacheSection.Session, _id, CancellationToken.None);

    [Benchmark(Description = "3 JSON deserialize of the session")]
    public object DeserializeSession() => System.Text.Json.JsonSerializer.Deserialize(_payload, OidcSessionJsonContext.Default.OidcSession)!;

    [Benchmark(Description = "4 SessionPrincipalFactory.Create (claims)")]
    public System.Security.Claims.ClaimsPrincipal CreatePrincipal() => SessionPrincipalFactory.Create(_session, BenchmarkSessions.OidcScheme, "roles");
}
