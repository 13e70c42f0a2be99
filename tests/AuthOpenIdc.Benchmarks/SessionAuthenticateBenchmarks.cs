using AuthOpenIdc.Sessions;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// One authenticated request's work in the real handler: a fresh request scope and HttpContext carrying the
/// session cookie, then <c>AuthenticateAsync</c>. The baseline does the same with Microsoft's cookie
/// authentication and an equivalent ticket (same claims, the ID token saved), in the same container.
/// The clock is frozen at the login, so the measured path is the steady state of an active user: no
/// sliding write (the library slides at most once a minute; see SessionLifetime).
/// </summary>
[MemoryDiagnoser]
[GcServer(false)] // workstation GC: BenchmarkDotNet's allocation figures wander under the server GC the app project sets
public class SessionAuthenticateBenchmarks
{
    private ServiceProvider _services = null!;
    private string _oidcCookie = null!;
    private string _microsoftCookie = null!;

    /// <summary>Where the RP session lives.</summary>
    public enum Store
    {
        /// <summary>Server-side, in the library's in-memory cache; the cookie holds a protected id.</summary>
        Memory,

        /// <summary>Client-side: the whole session encrypted in the cookie.</summary>
        ClientCookie,
    }

    [Params(Store.Memory, Store.ClientCookie)]
    public Store Session { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var time = new FrozenTime(DateTimeOffset.UtcNow);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()); // the cache options bind from it, as in a real host
        services.AddSingleton<TimeProvider>(time);
        services.AddAuthentication()
            // An hour of inactivity only so that the memory backend, which evicts on the real clock, keeps the
            // session through a long BenchmarkDotNet run; with the frozen clock it changes nothing measured.
            .AddBenchmarkOidc(Session == Store.Memory ? OidcSessionType.ServerCache : OidcSessionType.ClientCookie, s => s.InactivityTimeout = TimeSpan.FromHours(1))
            .AddCookie();
        _services = services.BuildServiceProvider();

        var session = BenchmarkSessions.NewSession(time);
        _oidcCookie = BenchmarkSessions.MintOidcCookieAsync(_services, session).GetAwaiter().GetResult();
        _microsoftCookie = BenchmarkSessions.MintMicrosoftCookieAsync(_services, session).GetAwaiter().GetResult();
        Check();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Check(); // the session must still have been valid at the end: a failed authenticate is far cheaper
        _services.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<AuthenticateResult> MicrosoftCookie() => AuthenticateAsync(BenchmarkSessions.CookieScheme, _microsoftCookie);

    [Benchmark]
    public Task<AuthenticateResult> AuthOpenIdc() => AuthenticateAsync(BenchmarkSessions.OidcScheme, _oidcCookie);

    private async Task<AuthenticateResult> AuthenticateAsync(string scheme, string cookie)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = BenchmarkSessions.NewContext(scope.ServiceProvider, cookie);
        return await context.AuthenticateAsync(scheme);
    }

    private void Check()
    {
        foreach (var (scheme, cookie) in new[] { (BenchmarkSessions.CookieScheme, _microsoftCookie), (BenchmarkSessions.OidcScheme, _oidcCookie) })
        {
            var result = AuthenticateAsync(scheme, cookie).GetAwaiter().GetResult();
            if (!result.Succeeded || result.Principal?.FindFirst("email")?.Value != "alice@example.com")
            {
                throw new InvalidOperationException($"{scheme} ({Session}) did not authenticate: {result.Failure?.Message ?? "no result"}");
            }
        }
    }

    private sealed class FrozenTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
