using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// One bearer-token request's work in the real handlers, as <see cref="SessionAuthenticateBenchmarks"/> does it for
/// sessions: a fresh request scope and HttpContext carrying <c>Authorization: Bearer …</c>, then
/// <c>AuthenticateAsync</c>. The baseline is Microsoft's JwtBearer with the same key, issuer and audience.
/// The JWT schemes have the signing key in code, so nothing here goes to the network; the introspection scheme calls a
/// loopback endpoint once, in the setup, and every measured request is a cache hit.
/// </summary>
[MemoryDiagnoser]
[GcServer(false)] // as SessionAuthenticateBenchmarks: steady allocation figures
public class ResourceServerAuthenticateBenchmarks
{
    private WebApplication _authorizationServerApp = null!;
    private BenchmarkAuthorizationServer _authorizationServer = null!;
    private ServiceProvider _services = null!;
    private string _jwtHeader = null!;
    private string _opaqueHeader = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_authorizationServerApp, _authorizationServer) = BenchmarkAuthorizationServer.StartAsync().GetAwaiter().GetResult();
        _services = _authorizationServer.BuildServices(BenchmarkAuthorizationServer.Schemes);
        _jwtHeader = "Bearer " + _authorizationServer.MintJwt();
        _opaqueHeader = "Bearer " + _authorizationServer.OpaqueToken;
        Check(); // also the one introspection and the first validation that fills the JWT cache
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Check(); // the tokens must still have been valid at the end: a refusal is far cheaper
        Console.WriteLine($"// introspection calls during the run: {_authorizationServer.Introspections}");
        _services.Dispose();
        _authorizationServerApp.StopAsync().GetAwaiter().GetResult();
        _authorizationServerApp.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<AuthenticateResult> JwtBearer() => AuthenticateAsync(BenchmarkAuthorizationServer.JwtBearerScheme, _jwtHeader);

    /// <summary>The result cache off: every request validates the signature.</summary>
    [Benchmark]
    public Task<AuthenticateResult> JwtCold() => AuthenticateAsync(BenchmarkAuthorizationServer.JwtNoCacheScheme, _jwtHeader);

    [Benchmark]
    public Task<AuthenticateResult> JwtCached() => AuthenticateAsync(BenchmarkAuthorizationServer.JwtScheme, _jwtHeader);

    [Benchmark]
    public Task<AuthenticateResult> IntrospectionCached() => AuthenticateAsync(BenchmarkAuthorizationServer.IntrospectionScheme, _opaqueHeader);

    /// <summary>The fixed cost every request pays: scope, HttpContext and an <c>AuthenticateAsync</c> that finds no token.</summary>
    [Benchmark]
    public Task<AuthenticateResult> NoToken() => AuthenticateAsync(BenchmarkAuthorizationServer.JwtScheme, authorization: null);

    private async Task<AuthenticateResult> AuthenticateAsync(string scheme, string? authorization)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = BenchmarkSessions.NewContext(scope.ServiceProvider, cookieHeader: null);
        if (authorization is not null)
        {
            context.Request.Headers[HeaderNames.Authorization] = authorization;
        }
        return await context.AuthenticateAsync(scheme);
    }

    private void Check()
    {
        foreach (var scheme in BenchmarkAuthorizationServer.Schemes)
        {
            var header = scheme == BenchmarkAuthorizationServer.IntrospectionScheme ? _opaqueHeader : _jwtHeader;
            var result = AuthenticateAsync(scheme, header).GetAwaiter().GetResult();
            // JwtBearer maps sub to NameIdentifier; the library keeps the JWT claim names.
            if (!result.Succeeded || result.Principal?.FindFirst("preferred_username")?.Value != "alice")
            {
                throw new InvalidOperationException($"{scheme} did not authenticate: {result.Failure?.Message ?? "no result"}");
            }
        }
    }
}
