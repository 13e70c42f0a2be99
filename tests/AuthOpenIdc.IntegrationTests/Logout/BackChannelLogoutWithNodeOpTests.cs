using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.IntegrationTests.Logout;

/// <summary>
/// Interoperability: the npm oidc-provider itself delivers the back-channel logout token to the RP (registered as
/// <c>backchannel_logout_uri = &lt;redirect_uri&gt;?logout=backchannel</c>) while the user confirms the logout there.
/// Each test runs its own OP, because the client registration must name the RP's port.
/// </summary>
public sealed class BackChannelLogoutWithNodeOpTests
{
    private const string ClientId = "bcl-client";
    private const string ClientSecret = "bcl-client-secret-0123456789abcdef";
    private const string SessionCookieName = "oidc_session";

    private sealed class Setup(NodeOidcProvider op, RpApp rp) : IAsyncDisposable
    {
        public NodeOidcProvider Op { get; } = op;
        public RpApp Rp { get; } = rp;

        public string Diagnostics => "RP log:\n" + Rp.AllLogs() + "\nOP stderr:\n" + string.Join('\n', Op.GetRecentStandardError());

        public async ValueTask DisposeAsync()
        {
            await Rp.DisposeAsync();
            await Op.DisposeAsync();
        }
    }

    /// <summary>A port that was free a moment ago: the RP's port must be in the OP's client registration before either starts.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<Setup> StartAsync()
    {
        var port = FreePort();
        var client = new JsonObject
        {
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
            ["application_type"] = "native",
            ["redirect_uris"] = new JsonArray("http://127.0.0.1/oidc/callback"),
            ["post_logout_redirect_uris"] = new JsonArray("http://127.0.0.1/"),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["backchannel_logout_uri"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/oidc/callback?logout=backchannel",
            ["backchannel_logout_session_required"] = true,
        };
        var op = await NodeOidcProvider.StartAsync(new Dictionary<string, string>
        {
            [NodeOidcProvider.ExtraClientsVariable] = new JsonArray(client).ToJsonString(),
            [NodeOidcProvider.DebugVariable] = "1",
        });
        try
        {
            var rp = await RpApp.StartAsync(o =>
            {
                o.Issuer = op.IssuerString;
                o.ClientId = ClientId;
                o.ClientSecret = ClientSecret;
                o.RequireHttpsMetadata = false;
            }, port: port);
            return new Setup(op, rp);
        }
        catch
        {
            await op.DisposeAsync();
            throw;
        }
    }

    private static async Task<string?> SidOfSessionAsync(HttpClient browser, RpApp rp)
    {
        using var tokens = JsonDocument.Parse(await browser.GetStringAsync(rp.Url("/tokens")));
        var idToken = tokens.RootElement.GetProperty("id_token").GetString();
        Assert.False(string.IsNullOrEmpty(idToken));
        return new JsonWebToken(idToken).TryGetPayloadValue<string>("sid", out var sid) ? sid : null;
    }

    private static CookieContainer CopyOfSessionCookie(CookieContainer jar, RpApp rp)
    {
        var cookie = jar.GetCookies(rp.BaseUrl)[SessionCookieName];
        Assert.NotNull(cookie);
        var copy = new CookieContainer();
        copy.Add(rp.BaseUrl, new Cookie(cookie.Name, cookie.Value));
        return copy;
    }

    private static async Task AssertSendsToOpAsync(Setup setup, HttpClient browser)
    {
        using var page = await browser.GetAsync(setup.Rp.Url("/protected"));
        Assert.True(page.StatusCode == HttpStatusCode.Found, $"{(int)page.StatusCode}\n{setup.Diagnostics}");
        Assert.StartsWith(setup.Op.AuthorizationEndpoint.ToString(), page.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rp_initiated_logout_makes_the_op_end_the_other_rp_session_of_the_same_op_session()
    {
        await using var setup = await StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);

        using (var login = await OidcLoginDriver.LoginAsync(browser, setup.Rp.Url("/protected"), "alice"))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK && login.Body == "hello alice", login.ToString());
        }
        var firstSid = await SidOfSessionAsync(browser, setup.Rp);
        Assert.False(string.IsNullOrEmpty(firstSid)); // backchannel_logout_session_required: the OP puts sid in the ID token
        var firstSession = CopyOfSessionCookie(jar, setup.Rp);

        // A second RP session in the same OP session (single sign-on): the browser forgets only the RP's cookie.
        foreach (Cookie cookie in jar.GetAllCookies())
        {
            if (cookie.Name == SessionCookieName)
            {
                cookie.Expired = true;
            }
        }
        using (var sso = await OidcLoginDriver.LoginAsync(browser, setup.Rp.Url("/protected"), "alice"))
        {
            Assert.True(sso.StatusCode == HttpStatusCode.OK && sso.Body == "hello alice", sso.ToString());
            Assert.True(sso.VisitedUrls.Any(u => u.AbsolutePath == setup.Op.AuthorizationEndpoint.AbsolutePath && u.Port == setup.Op.Issuer.Port), sso.ToString());
        }
        Assert.Equal(firstSid, await SidOfSessionAsync(browser, setup.Rp));
        Assert.NotEqual(firstSession.GetCookies(setup.Rp.BaseUrl)[SessionCookieName]!.Value, jar.GetCookies(setup.Rp.BaseUrl)[SessionCookieName]!.Value);
        using (var stillThere = await RpApp.NewBrowser(firstSession).GetAsync(setup.Rp.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        }

        // RP-initiated logout of the second session; the OP's confirmation sends the logout token before its redirect.
        var target = Uri.EscapeDataString(setup.Rp.Url("/").ToString());
        using var logout = await OidcLoginDriver.RunAsync(browser, new HttpRequestMessage(HttpMethod.Get, setup.Rp.Url("/oidc/callback?logout=" + target)));
        Assert.True(logout.StatusCode == HttpStatusCode.OK && logout.Body == "public", logout + "\n" + setup.Diagnostics);
        Assert.Contains(logout.Trace, line => line.Contains("confirm logout", StringComparison.Ordinal));
        Assert.Equal(setup.Rp.Url("/"), logout.FinalUrl);

        Assert.True(setup.Rp.AllLogs().Contains("Back-channel logout ended 1 sessions", StringComparison.Ordinal), setup.Diagnostics);
        using var firstBrowser = RpApp.NewBrowser(firstSession);
        await AssertSendsToOpAsync(setup, firstBrowser);
        await AssertSendsToOpAsync(setup, browser);
    }

    [Fact]
    public async Task Logout_at_the_op_ends_the_rp_session_through_the_back_channel()
    {
        await using var setup = await StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var login = await OidcLoginDriver.LoginAsync(browser, setup.Rp.Url("/protected"), "alice"))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK && login.Body == "hello alice", login.ToString());
        }
        var copy = CopyOfSessionCookie(jar, setup.Rp);

        // The user logs out at the OP (another RP's logout, or the OP's own page): the RP only hears of it by back channel.
        using var logout = await OidcLoginDriver.RunAsync(browser, new HttpRequestMessage(HttpMethod.Get, setup.Op.Endpoint("/session/end?client_id=" + ClientId)));
        Assert.True(logout.StatusCode == HttpStatusCode.OK, logout + "\n" + setup.Diagnostics);
        Assert.Contains(logout.Trace, line => line.Contains("confirm logout", StringComparison.Ordinal));

        Assert.True(setup.Rp.AllLogs().Contains("Back-channel logout ended 1 sessions", StringComparison.Ordinal), setup.Diagnostics);
        Assert.DoesNotContain(setup.Rp.Logs, line => line.Contains("[1000:RequestFailed]", StringComparison.Ordinal));
        await AssertSendsToOpAsync(setup, browser);
        using var stolen = RpApp.NewBrowser(copy);
        await AssertSendsToOpAsync(setup, stolen);
    }
}
