using AuthOpenIdc.ResourceServer;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// Where a cached JWT request of <see cref="ResourceServerAuthenticateBenchmarks"/> spends its time and allocations:
/// the library's three steps (find the token, look the result up, build the principal), each alone.
/// </summary>
[MemoryDiagnoser]
[GcServer(false)]
public class ResourceServerPathBenchmarks
{
    private ServiceProvider _services = null!;
    private HttpRequest _request = null!;
    private string _token = null!;
    private ResourceServerRuntime _runtime = null!;
    private ValidatedToken _validated = null!;

    [GlobalSetup]
    public void Setup()
    {
        var server = new BenchmarkAuthorizationServer("https://as.example.com");
        _services = server.BuildServices(BenchmarkAuthorizationServer.JwtScheme);
        _token = server.MintJwt();
        _request = BenchmarkSessions.NewContext(_services, cookieHeader: null).Request;
        _request.Headers[HeaderNames.Authorization] = "Bearer " + _token;
        _runtime = _services.GetRequiredService<ResourceServerRuntimes>().Get(BenchmarkAuthorizationServer.JwtScheme);
        _validated = _runtime.ValidateAsync(_token, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (!_validated.IsValid)
        {
            throw new InvalidOperationException("the token did not validate: " + _validated.Error);
        }
        _ = CreatePrincipal(); // the first principal of a result is built without templates; the cached path uses them
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    // Both steps complete synchronously here (a header token, a result in the in-process copy), as on the cached path.
    [Benchmark]
    public string? ExtractToken() =>
        BearerTokenExtractor.ExtractAsync(_request, AcceptTokenAs.Header, OAuthResourceServerDefaults.TokenCookieName, _runtime, CancellationToken.None).GetAwaiter().GetResult().Token;

    [Benchmark]
    public bool CachedResult() => _runtime.ValidateAsync(_token, CancellationToken.None).GetAwaiter().GetResult().IsValid;

    [Benchmark]
    public object CreatePrincipal() => _validated.CreatePrincipal(BenchmarkAuthorizationServer.JwtScheme, BenchmarkAuthorizationServer.JwtScheme, "roles");
}
