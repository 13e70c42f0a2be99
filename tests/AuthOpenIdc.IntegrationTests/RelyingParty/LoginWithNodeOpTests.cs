using System.Net;
using System.Text.Json;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Interoperability: the RP against the certified npm oidc-provider over real HTTP.</summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class LoginWithNodeOpTests
{
    private readonly NodeOidcProviderFixture _op;

    public LoginWithNodeOpTests(NodeOidcProviderFixture op)
    {
        _op = op;
    }

    private Task<RpApp> StartRpAsync(Action<OidcRelyingPartyOptions>? tweak = null) => RpApp.StartAsync(o =>
    {
        o.Issuer = _op.Provider.IssuerString;
        o.ClientId = NodeOpClients.TestClientId;
        o.ClientSecret = NodeOpClients.TestClientSecret;
        o.RequireHttpsMetadata = false;
        o.Scope = "openid profile email roles";
        tweak?.Invoke(o);
    });

    [Fact]
    public async Task Login_round_trip_creates_a_session_with_userinfo_claims()
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();

        using var login = await OidcLoginDriver.LoginAsync(browser, rp.Url("/protected?x=1"), "alice");

        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Equal("hello alice", login.Body);
        Assert.Equal(rp.Url("/protected?x=1"), login.FinalUrl);
        var claims = await browser.GetStringAsync(rp.Url("/claims"));
        using var json = JsonDocument.Parse(claims);
        var pairs = json.RootElement.EnumerateArray().Select(c => (c.GetProperty("type").GetString(), c.GetProperty("value").GetString())).ToList();
        Assert.Contains(("email", "alice@example.com"), pairs);
        Assert.Contains(("sub", "alice"), pairs);
        Assert.Contains(("groups", "engineering"), pairs);
        Assert.Contains(pairs, p => p.Item1 == "realm_access" && p.Item2!.Contains("\"user\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_secret_post_and_public_clients_log_in()
    {
        await using var post = await StartRpAsync(o =>
        {
            o.ClientId = NodeOpClients.PostClientId;
            o.ClientSecret = NodeOpClients.PostClientSecret;
            o.TokenEndpointAuthMethod = TokenEndpointAuthMethod.ClientSecretPost;
        });
        await using var pub = await StartRpAsync(o =>
        {
            o.ClientId = NodeOpClients.PublicClientId;
            o.ClientSecret = null;
            o.TokenEndpointAuthMethod = TokenEndpointAuthMethod.None;
        });

        using var a = await OidcLoginDriver.LoginAsync(RpApp.NewBrowser(), post.Url("/protected"), "bob");
        using var b = await OidcLoginDriver.LoginAsync(RpApp.NewBrowser(), pub.Url("/protected"), "carol");

        Assert.True(a.Body == "hello bob", a.ToString());
        Assert.True(b.Body == "hello carol", b.ToString());
    }

    [Fact]
    public async Task Es256_id_tokens_validate_and_form_post_response_mode_works()
    {
        await using var rp = await StartRpAsync(o =>
        {
            o.ClientId = NodeOpClients.Es256ClientId;
            o.ClientSecret = NodeOpClients.Es256ClientSecret;
            o.ResponseMode = AuthorizationResponseMode.FormPost;
        });
        using var login = await OidcLoginDriver.LoginAsync(RpApp.NewBrowser(), rp.Url("/protected"), "dave");
        Assert.True(login.Body == "hello dave", login.ToString());
    }

    [Fact]
    public async Task Two_tabs_can_log_in_at_the_same_time()
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();
        using var tab1 = await browser.GetAsync(rp.Url("/protected?tab=1"));
        using var tab2 = await browser.GetAsync(rp.Url("/protected?tab=2"));
        Assert.Equal(HttpStatusCode.Found, tab1.StatusCode);
        Assert.Equal(HttpStatusCode.Found, tab2.StatusCode);

        // Both logins continue at the OP; the first leaves an OP session, so the second needs no password.
        using var first = await OidcLoginDriver.LoginAsync(browser, tab1.Headers.Location!, "erin");
        using var second = await OidcLoginDriver.LoginAsync(browser, tab2.Headers.Location!, "erin");

        Assert.True(first.FinalUrl == rp.Url("/protected?tab=1"), first.ToString());
        Assert.True(second.FinalUrl == rp.Url("/protected?tab=2"), second.ToString());
        Assert.Equal("hello erin", second.Body);
    }

    [Fact]
    public async Task Logout_ends_the_local_session_and_goes_to_the_op_end_session_endpoint()
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();
        using var login = await OidcLoginDriver.LoginAsync(browser, rp.Url("/protected"), "frank");
        Assert.Equal("hello frank", login.Body);

        using var logout = await browser.GetAsync(rp.Url("/oidc/callback?logout=" + Uri.EscapeDataString(rp.Url("/").ToString())));

        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        var location = logout.Headers.Location!;
        Assert.StartsWith(_op.Provider.EndSessionEndpoint.ToString(), location.ToString(), StringComparison.Ordinal);
        Assert.Contains("id_token_hint=", location.Query, StringComparison.Ordinal);
        using var after = await browser.GetAsync(rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, after.StatusCode);
        Assert.StartsWith(_op.Provider.AuthorizationEndpoint.ToString(), after.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token_at_the_op()
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();
        using var login = await OidcLoginDriver.LoginAsync(browser, rp.Url("/protected"), "ivan");
        Assert.Equal("hello ivan", login.Body);
        using var tokens = JsonDocument.Parse(await browser.GetStringAsync(rp.Url("/tokens")));
        var refreshToken = tokens.RootElement.GetProperty("refresh_token").GetString();
        Assert.False(string.IsNullOrEmpty(refreshToken));
        Assert.True(await IsActiveAsync(refreshToken!));

        using var logout = await browser.GetAsync(rp.Url("/oidc/callback?logout=%2F"));
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);

        Assert.False(await IsActiveAsync(refreshToken!));
    }

    private async Task<bool> IsActiveAsync(string token)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _op.Provider.IntrospectionEndpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{NodeOpClients.ResourceServerClientId}:{NodeOpClients.ResourceServerClientSecret}")));
        using var response = await client.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("active").GetBoolean();
    }

    [Fact]
    public async Task Tokens_never_appear_in_the_logs()
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();
        using var login = await OidcLoginDriver.LoginAsync(browser, rp.Url("/protected"), "grace");
        Assert.Equal("hello grace", login.Body);
        using var tokensResponse = await browser.GetAsync(rp.Url("/tokens"));
        var tokensBody = await tokensResponse.Content.ReadAsStringAsync();
        Assert.True(tokensResponse.StatusCode == HttpStatusCode.OK, $"{tokensResponse.StatusCode} {tokensBody} {rp.AllLogs()}");
        Assert.True(tokensBody.Length > 0, $"{tokensResponse} {rp.AllLogs()}");
        using var tokens = JsonDocument.Parse(tokensBody);

        var logs = rp.AllLogs();
        foreach (var name in new[] { "access_token", "id_token" })
        {
            var token = tokens.RootElement.GetProperty(name).GetString();
            Assert.False(string.IsNullOrEmpty(token));
            Assert.DoesNotContain(token!, logs, StringComparison.Ordinal);
        }
        Assert.Contains("LoginCompleted", logs, StringComparison.Ordinal);
    }
}
