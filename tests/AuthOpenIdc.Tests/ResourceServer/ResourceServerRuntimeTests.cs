using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.ResourceServer;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moq;
using Xunit.Abstractions;

namespace AuthOpenIdc.Tests.ResourceServer;

/// <summary>The runtime with static keys (no network): cache hits, the re-check on a hit, and the hot path's allocations.</summary>
public class ResourceServerRuntimeTests
{
    private const string Issuer = "https://as.example";
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "k1" };
    private static readonly Lazy<CacheKeyRing> Ring = new(() => CacheKeyRing.Create(["passphrase"]));

    private readonly ITestOutputHelper _output;
    private readonly ProtectedCache _cache = new(
        new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions())),
        Ring.Value, "t:", Timeout.InfiniteTimeSpan, TimeProvider.System, NullLogger<ProtectedCache>.Instance);

    public ResourceServerRuntimeTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private ResourceServerRuntime Runtime(string audience, TimeSpan? cacheInterval = null)
    {
        var options = new OAuthResourceServerOptions { Issuer = Issuer, CacheInterval = cacheInterval ?? TimeSpan.Zero };
        options.Audiences.Add(audience);
        options.SigningKeys.Add(Key);
        var backchannel = new OpBackchannel(Mock.Of<IHttpClientFactory>(MockBehavior.Strict), TimeSpan.FromSeconds(1), requireHttps: true);
        return new ResourceServerRuntime("RS", options, backchannel, _cache, TimeProvider.System, NullLogger.Instance, new AuthOpenIdcMetrics(_services.GetRequiredService<IMeterFactory>()));
    }

    private static string Token(string audience = "urn:api", int lifetimeSeconds = 300)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject { ["iss"] = Issuer, ["aud"] = audience, ["sub"] = "alice", ["scope"] = "a b", ["exp"] = now + lifetimeSeconds, ["iat"] = now };
        return new JsonWebTokenHandler().CreateToken(claims.ToJsonString(), new SigningCredentials(Key, SecurityAlgorithms.RsaSha256));
    }

    [Fact]
    public async Task A_cached_result_is_served_without_validating_again()
    {
        var runtime = Runtime("urn:api");
        var token = Token();

        for (var i = 0; i < 3; i++)
        {
            var result = await runtime.ValidateAsync(token, CancellationToken.None);
            Assert.True(result.IsValid, result.Error);
            Assert.Equal("alice", result.RemoteUser);
        }

        Assert.Equal(1, runtime.Validations);
    }

    [Fact]
    public async Task Metrics_count_where_each_result_came_from_and_the_validations_that_ran()
    {
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        var factory = _services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name.StartsWith("authopenidc.resource_server.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + ":" + string.Join(',', tags.ToArray().Select(t => t.Value));
            counts.AddOrUpdate(key, value, (_, v) => v + value);
        });
        listener.Start();
        var runtime = Runtime("urn:api");
        var token = Token();

        await runtime.ValidateAsync(token, CancellationToken.None);
        await runtime.ValidateAsync(token, CancellationToken.None);
        await runtime.ValidateAsync(token, CancellationToken.None);
        await runtime.ValidateAsync("not-a-jwt", CancellationToken.None);

        Assert.Equal(2, counts["authopenidc.resource_server.lookups:miss"]);
        Assert.Equal(2, counts["authopenidc.resource_server.lookups:local"]);
        Assert.Equal(1, counts["authopenidc.resource_server.validations:jwt,valid"]);
        Assert.Equal(1, counts["authopenidc.resource_server.validations:jwt,invalid"]);
    }

    [Fact]
    public async Task A_known_header_token_is_reused_not_copied()
    {
        var runtime = Runtime("urn:api");
        var token = Token();
        static Microsoft.AspNetCore.Http.HttpRequest Request(string authorization)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Headers.Authorization = authorization;
            return context.Request;
        }
        var first = await BearerTokenExtractor.ExtractAsync(Request("Bearer " + token), AcceptTokenAs.Header, "PA.global", runtime, CancellationToken.None);
        Assert.Null(first.Local);
        Assert.True((await runtime.ValidateAsync(first.Token!, first.Local, CancellationToken.None)).IsValid);

        var second = await BearerTokenExtractor.ExtractAsync(Request("Bearer " + token), AcceptTokenAs.Header, "PA.global", runtime, CancellationToken.None);

        Assert.NotNull(second.Local);
        Assert.Same(first.Token, second.Token);
        Assert.True((await runtime.ValidateAsync(second.Token!, second.Local, CancellationToken.None)).IsValid);
        Assert.Equal(1, runtime.Validations);
    }

    [Fact]
    public async Task A_flood_of_distinct_tokens_keeps_the_in_process_table_bounded()
    {
        var runtime = Runtime("urn:api");
        for (var i = 0; i <= ResourceServerRuntime.LocalCapacity + 10; i++)
        {
            // Refused without a signature check, and cached briefly (the negative cache): each one is an entry.
            await runtime.ValidateAsync("flood-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        }

        Assert.InRange(runtime.LocalCount, 1, ResourceServerRuntime.LocalCapacity);
        Assert.True((await runtime.ValidateAsync(Token(), CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task RemoveAsync_evicts_both_copies_so_the_next_request_validates_again()
    {
        var runtime = Runtime("urn:api");
        var token = Token();
        Assert.True((await runtime.ValidateAsync(token, CancellationToken.None)).IsValid);

        Assert.True(await runtime.RemoveAsync(token, CancellationToken.None));
        Assert.False(await runtime.RemoveAsync(token, CancellationToken.None));
        Assert.True((await runtime.ValidateAsync(token, CancellationToken.None)).IsValid);

        Assert.Equal(2, runtime.Validations);
        Assert.False(await runtime.RemoveAsync(Token(audience: "urn:never-seen"), CancellationToken.None));
    }

    [Fact]
    public async Task A_hit_is_rechecked_against_the_current_audience()
    {
        var token = Token();
        Assert.True((await Runtime("urn:api").ValidateAsync(token, CancellationToken.None)).IsValid);

        // Same scheme, same (shared) cache, configured for another API: the cached entry must not let the token in.
        var other = Runtime("urn:other");
        var result = await other.ValidateAsync(token, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Equal("the token's audience is not accepted", result.Error);
        Assert.Equal(0, other.Validations);
    }

    [Fact]
    public void A_hit_past_expiry_plus_skew_is_refused()
    {
        var runtime = Runtime("urn:api");
        using var document = System.Text.Json.JsonDocument.Parse($$"""{"sub":"alice","aud":"urn:api"}""");
        var expired = ValidatedToken.FromClaims(document.RootElement, Issuer, DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds(), new AuthOpenIdc.Claims.RemoteUserMapper(new()));

        Assert.Equal("the token expired", runtime.Recheck(expired).Error);
    }

    [Fact]
    public async Task The_in_process_copy_never_outlives_a_short_cache_interval()
    {
        var runtime = Runtime("urn:api", TimeSpan.FromSeconds(1));
        var token = Token();

        await runtime.ValidateAsync(token, CancellationToken.None);
        await runtime.ValidateAsync(token, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        await runtime.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(2, runtime.Validations);
    }

    [Fact]
    public async Task The_cached_path_allocates_little()
    {
        var runtime = Runtime("urn:api");
        var token = Token();
        await runtime.ValidateAsync(token, CancellationToken.None);
        for (var i = 0; i < 100; i++)
        {
            await runtime.ValidateAsync(token, CancellationToken.None);
        }

        const int Calls = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            await runtime.ValidateAsync(token, CancellationToken.None);
        }
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;

        _output.WriteLine($"cached validation: {perCall} bytes per call (token {token.Length} chars)");
        Assert.Equal(1, runtime.Validations);
        Assert.True(perCall < 1024, $"{perCall} bytes per cached validation");
    }
}
