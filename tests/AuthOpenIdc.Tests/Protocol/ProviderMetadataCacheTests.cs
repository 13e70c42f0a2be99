using System.Net;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Tests.Caching;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthOpenIdc.Tests.Protocol;

public class ProviderMetadataCacheTests
{
    private static readonly TestSigningKey Rsa1 = TestSigningKey.Rsa("rsa-1");
    private static readonly TestSigningKey Ec1 = TestSigningKey.EcP256("ec-1");

    private readonly ManualTimeProvider _time = new();
    private readonly FakeOp _op = new();
    private readonly OidcRelyingPartyOptions _options = new()
    {
        Issuer = FakeOp.Issuer,
        ClientId = "client-1",
        ClientSecret = "secret",
        MetadataRefreshInterval = TimeSpan.FromHours(24),
        JwksRefreshInterval = TimeSpan.FromHours(1),
    };

    public ProviderMetadataCacheTests()
    {
        _op.Keys.AddRange([Rsa1, Ec1]);
    }

    [Fact]
    public async Task Discovery_and_jwks_are_loaded_into_one_snapshot()
    {
        var metadata = await Cache().GetAsync(default);

        Assert.Equal(FakeOp.Issuer, metadata.Issuer);
        Assert.Equal(FakeOp.Issuer + "/authorize", metadata.AuthorizationEndpoint);
        Assert.Equal(FakeOp.Issuer + "/token", metadata.TokenEndpoint);
        Assert.Equal(FakeOp.Issuer + "/userinfo", metadata.UserInfoEndpoint);
        Assert.Equal(FakeOp.Issuer + "/jwks", metadata.JwksUri);
        Assert.Equal(FakeOp.Issuer + "/logout", metadata.EndSessionEndpoint);
        Assert.Equal(["ec-1", "rsa-1"], metadata.SigningKeys.Select(k => k.KeyId).Order());
        Assert.True(metadata.HasKey("rsa-1"));
        Assert.False(metadata.HasKey("RSA-1"));
        Assert.False(metadata.HasKey(null));
        Assert.Equal(_time.GetUtcNow(), metadata.FetchedAt);
        Assert.False(metadata.IssParameterSupported);
    }

    [Fact]
    public async Task Metadata_is_cached_until_the_jwks_interval()
    {
        var cache = Cache();
        var first = await cache.GetAsync(default);

        _time.Advance(_options.JwksRefreshInterval - TimeSpan.FromSeconds(1));
        Assert.Same(first, await cache.GetAsync(default));
        Assert.Same(first, await cache.GetAsync(default));

        Assert.Equal(1, _op.Calls(FakeOp.DiscoveryPath));
        Assert.Equal(1, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Jwks_is_refreshed_after_its_interval_and_discovery_is_not()
    {
        var cache = Cache();
        var first = await cache.GetAsync(default);
        _op.Keys.Remove(Ec1);

        _time.Advance(_options.JwksRefreshInterval);
        var second = await cache.GetAsync(default);

        Assert.NotSame(first, second);
        Assert.Equal(["rsa-1"], second.SigningKeys.Select(k => k.KeyId));
        Assert.Equal(first.FetchedAt, second.FetchedAt);
        Assert.Equal(1, _op.Calls(FakeOp.DiscoveryPath));
        Assert.Equal(2, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Discovery_is_refreshed_after_its_interval()
    {
        _options.JwksRefreshInterval = TimeSpan.FromDays(7);
        var cache = Cache();
        await cache.GetAsync(default);
        _op.Discovery["token_endpoint"] = FakeOp.Issuer + "/token/v2";

        _time.Advance(_options.MetadataRefreshInterval - TimeSpan.FromSeconds(1));
        Assert.Equal(FakeOp.Issuer + "/token", (await cache.GetAsync(default)).TokenEndpoint);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(FakeOp.Issuer + "/token/v2", (await cache.GetAsync(default)).TokenEndpoint);
        Assert.Equal(2, _op.Calls(FakeOp.DiscoveryPath));
        Assert.Equal(2, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Stale_copy_is_kept_when_a_refresh_fails_and_retried_later()
    {
        var cache = Cache();
        var first = await cache.GetAsync(default);
        _op.Scripted[FakeOp.DiscoveryPath] = (HttpStatusCode.ServiceUnavailable, "down", "text/plain");

        _time.Advance(_options.MetadataRefreshInterval);
        Assert.Same(first, await cache.GetAsync(default));
        Assert.Equal(2, _op.Calls(FakeOp.DiscoveryPath));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(first, await cache.GetAsync(default));
        Assert.Equal(2, _op.Calls(FakeOp.DiscoveryPath));

        _op.Scripted.Clear();
        _time.Advance(TimeSpan.FromSeconds(1));
        var recovered = await cache.GetAsync(default);
        Assert.NotSame(first, recovered);
        Assert.Equal(3, _op.Calls(FakeOp.DiscoveryPath));
    }

    [Fact]
    public async Task Stale_keys_are_kept_when_a_jwks_refresh_fails()
    {
        var cache = Cache();
        var first = await cache.GetAsync(default);
        _op.Scripted[FakeOp.JwksPath] = (HttpStatusCode.InternalServerError, "oops", "text/plain");

        _time.Advance(_options.JwksRefreshInterval);

        Assert.Same(first, await cache.GetAsync(default));
    }

    [Fact]
    public async Task First_load_failure_throws_provider_unavailable()
    {
        _op.Scripted[FakeOp.DiscoveryPath] = (HttpStatusCode.BadGateway, "", "text/plain");

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(OidcErrorCodes.ProviderUnavailable, ex.Error.Code);
        Assert.Equal(502, ex.Error.StatusCode);
        Assert.Contains("HTTP 502", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.NoContent)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task Non_200_discovery_throws(HttpStatusCode status)
    {
        _op.Scripted[FakeOp.DiscoveryPath] = (status, "{}", "application/json");

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(OidcErrorCodes.ProviderUnavailable, ex.Error.Code);
    }

    [Theory]
    [InlineData("<html>hello</html>")]
    [InlineData("")]
    [InlineData("{\"issuer\":")]
    [InlineData("[1,2,3]")]
    [InlineData("\"https://op.example.com\"")]
    public async Task Non_json_discovery_throws_invalid_metadata(string body)
    {
        _op.Scripted[FakeOp.DiscoveryPath] = (HttpStatusCode.OK, body, "application/json");

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(OidcErrorCodes.InvalidProviderMetadata, ex.Error.Code);
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://op.example.com/")]
    [InlineData("https://OP.EXAMPLE.COM")]
    public async Task Issuer_mismatch_throws_invalid_provider_metadata(string issuer)
    {
        _op.Discovery["issuer"] = issuer;

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal("invalid_provider_metadata", ex.Error.Code);
        Assert.Contains("issuer differs", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Discovery_without_issuer_throws_invalid_provider_metadata()
    {
        _op.Discovery.Remove("issuer");
        _options.Issuer = null;
        _options.MetadataUrl = FakeOp.Issuer + FakeOp.DiscoveryPath;

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(OidcErrorCodes.InvalidProviderMetadata, ex.Error.Code);
    }

    [Theory]
    [InlineData("authorization_endpoint")]
    [InlineData("token_endpoint")]
    public async Task Discovery_without_a_required_endpoint_throws(string endpoint)
    {
        _op.Discovery.Remove(endpoint);

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(OidcErrorCodes.InvalidProviderMetadata, ex.Error.Code);
    }

    [Fact]
    public async Task MetadataUrl_is_used_and_its_issuer_is_taken_when_none_is_configured()
    {
        _options.Issuer = null;
        _options.MetadataUrl = FakeOp.Issuer + FakeOp.DiscoveryPath;

        var metadata = await Cache().GetAsync(default);

        Assert.Equal(FakeOp.Issuer, metadata.Issuer);
    }

    [Fact]
    public async Task Trailing_slash_of_the_issuer_is_not_doubled_in_the_discovery_url()
    {
        _options.Issuer = FakeOp.Issuer + "/";
        _op.Discovery["issuer"] = FakeOp.Issuer + "/";

        await Cache().GetAsync(default);

        Assert.Equal(1, _op.Calls(FakeOp.DiscoveryPath));
    }

    [Fact]
    public async Task Static_endpoints_override_discovered_ones()
    {
        _options.AuthorizationEndpoint = "https://static.example.com/authorize";
        _options.TokenEndpoint = "https://static.example.com/token";
        _options.UserInfoEndpoint = "https://static.example.com/userinfo";
        _options.EndSessionEndpoint = "https://static.example.com/logout";
        _options.JwksUri = FakeOp.Issuer + "/static/jwks";

        var metadata = await Cache().GetAsync(default);

        Assert.Equal("https://static.example.com/authorize", metadata.AuthorizationEndpoint);
        Assert.Equal("https://static.example.com/token", metadata.TokenEndpoint);
        Assert.Equal("https://static.example.com/userinfo", metadata.UserInfoEndpoint);
        Assert.Equal("https://static.example.com/logout", metadata.EndSessionEndpoint);
        Assert.Equal(1, _op.Calls("/static/jwks"));
        Assert.Equal(0, _op.Calls(FakeOp.JwksPath));
        Assert.Equal(2, metadata.SigningKeys.Count);
    }

    [Fact]
    public async Task Disabled_discovery_uses_only_static_endpoints()
    {
        _options.DisableDiscovery = true;
        _options.AuthorizationEndpoint = "https://static.example.com/authorize";
        _options.TokenEndpoint = "https://static.example.com/token";

        var metadata = await Cache().GetAsync(default);

        Assert.Equal(0, _op.TotalCalls);
        Assert.Equal(FakeOp.Issuer, metadata.Issuer);
        Assert.Null(metadata.JwksUri);
        Assert.Null(metadata.UserInfoEndpoint);
        Assert.Empty(metadata.SigningKeys);
        Assert.Null(metadata.Discovery);
    }

    [Fact]
    public async Task Iss_parameter_support_is_read_from_discovery()
    {
        _op.Discovery["authorization_response_iss_parameter_supported"] = true;

        Assert.True((await Cache().GetAsync(default)).IssParameterSupported);
    }

    [Fact]
    public async Task Iss_parameter_support_false_is_read_as_false()
    {
        _op.Discovery["authorization_response_iss_parameter_supported"] = false;

        Assert.False((await Cache().GetAsync(default)).IssParameterSupported);
    }

    [Fact]
    public async Task Http_endpoint_is_refused_while_RequireHttpsMetadata_is_on()
    {
        _op.Discovery["jwks_uri"] = "http://op.example.com/jwks";

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(OidcErrorCodes.InvalidProviderMetadata, ex.Error.Code);
        Assert.Equal(0, _op.Calls(FakeOp.JwksPath));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "{}", OidcErrorCodes.ProviderUnavailable)]
    [InlineData(HttpStatusCode.OK, "not json", OidcErrorCodes.InvalidProviderMetadata)]
    [InlineData(HttpStatusCode.OK, "{\"keys\":\"nope\"}", OidcErrorCodes.InvalidProviderMetadata)]
    public async Task Unusable_jwks_throws(HttpStatusCode status, string body, string code)
    {
        _op.Scripted[FakeOp.JwksPath] = (status, body, "application/json");

        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => Cache().GetAsync(default));

        Assert.Equal(code, ex.Error.Code);
    }

    [Fact]
    public async Task Forced_refresh_for_an_unknown_key_is_rate_limited()
    {
        var cache = Cache();
        var first = await cache.GetAsync(default);

        var second = await cache.RefreshForUnknownKeyAsync(first, default);
        var third = await cache.RefreshForUnknownKeyAsync(second, default);

        Assert.NotSame(first, second);
        Assert.Same(second, third);
        Assert.Equal(2, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Forced_refresh_with_an_outdated_snapshot_returns_the_current_one_without_fetching()
    {
        var cache = Cache();
        var first = await cache.GetAsync(default);
        var second = await cache.RefreshForUnknownKeyAsync(first, default);
        _time.Advance(_options.JwksForcedRefreshInterval);

        Assert.Same(second, await cache.RefreshForUnknownKeyAsync(first, default));
        Assert.Equal(2, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Concurrent_first_requests_fetch_once()
    {
        var cache = Cache();

        var all = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => cache.GetAsync(default))));

        Assert.All(all, m => Assert.Same(all[0], m));
        Assert.Equal(1, _op.Calls(FakeOp.DiscoveryPath));
    }

    private ProviderMetadataCache Cache() =>
        new(_options, new OpBackchannel(_op, TimeSpan.FromSeconds(10), _options.RequireHttpsMetadata), _time, NullLogger.Instance);
}
