using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AuthOpenIdc.ResourceServer;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>RFC 7662 introspection against a scriptable authorization server: active, inactive, down, single flight, cache.</summary>
public sealed class IntrospectionTests : IAsyncLifetime
{
    private TestAuthorizationServer _as = null!;
    private RsApp _rs = null!;

    public async Task InitializeAsync()
    {
        _as = await TestAuthorizationServer.StartAsync();
        _rs = await StartRs(_ => { });
    }

    public async Task DisposeAsync()
    {
        await _rs.DisposeAsync();
        await _as.DisposeAsync();
    }

    private Task<RsApp> StartRs(Action<OAuthResourceServerOptions> more) => RsApp.StartAsync(o =>
    {
        _as.ConfigureIntrospection(o);
        more(o);
    });

    private static HttpRequestMessage Get(string token, string path = "/api/me")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task An_active_token_is_accepted_with_client_secret_basic_and_cached()
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));

        for (var i = 0; i < 4; i++)
        {
            using var response = await _rs.Client.SendAsync(Get(token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"alice\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, _as.IntrospectionCalls);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(TestAuthorizationServer.ClientId + ":" + TestAuthorizationServer.ClientSecret));
        Assert.Equal(expected, _as.LastIntrospectionAuthorization);
    }

    [Fact]
    public async Task An_inactive_token_is_refused_and_negatively_cached()
    {
        for (var i = 0; i < 3; i++)
        {
            using var response = await _rs.Client.SendAsync(Get("unknown-token"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer error=\"invalid_token\", error_description=\"the token is not active\"", response.Headers.WwwAuthenticate.ToString());
        }

        Assert.Equal(1, _as.IntrospectionCalls);
    }

    [Fact]
    public async Task An_active_response_for_another_audience_or_issuer_is_refused()
    {
        var otherAudience = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5), audience: "urn:other:api");
        var otherIssuer = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.SetIntrospection(otherIssuer, new JsonObject { ["active"] = true, ["sub"] = "alice", ["iss"] = "https://evil.example" });

        using var audience = await _rs.Client.SendAsync(Get(otherAudience));
        using var issuer = await _rs.Client.SendAsync(Get(otherIssuer));

        Assert.Equal(HttpStatusCode.Unauthorized, audience.StatusCode);
        Assert.Contains("audience", audience.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, issuer.StatusCode);
        Assert.Contains("issuer", issuer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_active_response_without_active_true_is_refused()
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.SetIntrospection(token, new JsonObject { ["active"] = "true", ["sub"] = "alice" });

        using var response = await _rs.Client.SendAsync(Get(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-5")]
    [InlineData("1")]
    public async Task A_hostile_or_past_expiry_is_refused_cleanly(string exp)
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.SetIntrospection(token, JsonNode.Parse($$"""{"active":true,"sub":"alice","exp":{{exp}}}""")!.AsObject());

        using var response = await _rs.Client.SendAsync(Get(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_new_token_cause_one_introspection_call()
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.IntrospectionDelay = TimeSpan.FromMilliseconds(500);

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => _rs.Client.SendAsync(Get(token))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _as.IntrospectionCalls);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Single_flight_also_holds_with_the_cache_off()
    {
        await using var rs = await StartRs(o => o.CacheInterval = TimeSpan.FromSeconds(-1));
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.IntrospectionDelay = TimeSpan.FromMilliseconds(500);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => rs.Client.SendAsync(Get(token))));
        _as.IntrospectionDelay = TimeSpan.Zero;
        using var later = await rs.Client.SendAsync(Get(token));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(2, _as.IntrospectionCalls);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task The_introspection_endpoint_down_is_a_503_and_not_cached()
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.IntrospectionFailureStatus = 500;

        using var down = await _rs.Client.SendAsync(Get(token));
        _as.IntrospectionFailureStatus = null;
        using var up = await _rs.Client.SendAsync(Get(token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), down.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    [Fact]
    public async Task Client_secret_post_sends_the_credentials_in_the_body()
    {
        await using var rs = await StartRs(o => o.IntrospectionAuthMethod = IntrospectionAuthMethod.ClientSecretPost);
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));

        using var response = await rs.Client.SendAsync(Get(token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(string.IsNullOrEmpty(_as.LastIntrospectionAuthorization));
    }

    [Fact]
    public async Task Introspection_by_get_sends_the_token_and_parameters_in_the_query_with_the_same_client_authentication()
    {
        await using var rs = await StartRs(o =>
        {
            o.IntrospectionMethod = IntrospectionMethod.Get;
            o.IntrospectionParameters["resource"] = "urn:test:api";
        });
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));

        using var response = await rs.Client.SendAsync(Get(token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET", _as.LastIntrospectionMethod);
        Assert.Equal(token, _as.LastIntrospectionParameters["token"]);
        Assert.Equal("access_token", _as.LastIntrospectionParameters["token_type_hint"]);
        Assert.Equal("urn:test:api", _as.LastIntrospectionParameters["resource"]);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(TestAuthorizationServer.ClientId + ":" + TestAuthorizationServer.ClientSecret));
        Assert.Equal(expected, _as.LastIntrospectionAuthorization);
        Assert.Equal("application/json", _as.LastIntrospectionAccept);
        // No token in the log lines, although it traveled in a URL.
        Assert.DoesNotContain(rs.Logs, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Introspection_by_get_with_client_secret_post_puts_the_credentials_in_the_query()
    {
        await using var rs = await StartRs(o =>
        {
            o.IntrospectionMethod = IntrospectionMethod.Get;
            o.IntrospectionAuthMethod = IntrospectionAuthMethod.ClientSecretPost;
        });
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));

        using var response = await rs.Client.SendAsync(Get(token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET", _as.LastIntrospectionMethod);
        Assert.Equal(TestAuthorizationServer.ClientId, _as.LastIntrospectionParameters["client_id"]);
        Assert.Equal(TestAuthorizationServer.ClientSecret, _as.LastIntrospectionParameters["client_secret"]);
        Assert.True(string.IsNullOrEmpty(_as.LastIntrospectionAuthorization));
    }

    [Fact]
    public async Task A_form_token_is_accepted_when_enabled_and_a_second_location_is_invalid_request()
    {
        await using var rs = await StartRs(o => o.AcceptTokenAs = AcceptTokenAs.Header | AcceptTokenAs.Form);
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));

        using var form = await rs.Client.PostAsync("/api/me", new FormUrlEncodedContent([new("access_token", token)]));
        using var twoPlaces = new HttpRequestMessage(HttpMethod.Post, "/api/me") { Content = new FormUrlEncodedContent([new("access_token", token)]) };
        twoPlaces.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var both = await rs.Client.SendAsync(twoPlaces);

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("alice", await form.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("invalid_request", both.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
