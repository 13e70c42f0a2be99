using System.Net;
using System.Text.RegularExpressions;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Samples;

namespace AuthOpenIdc.IntegrationTests.Samples;

/// <summary>
/// The demo end to end: the web app sample logs a user in at the npm OP (asking for an access token for the API
/// sample) and its <c>/call-api</c> page calls the API sample with the session's access token.
/// </summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class WebAppCallsApiTests
{
    private readonly NodeOidcProviderFixture _op;

    public WebAppCallsApiTests(NodeOidcProviderFixture op)
    {
        _op = op;
    }

    [Theory]
    [InlineData("Production", "Jwt")]
    [InlineData("Introspection", "Introspection")]
    public async Task After_a_login_call_api_shows_the_apis_answers(string environment, string validation)
    {
        var issuer = _op.Provider.IssuerString;
        await using var api = await SampleApp.StartAsync(SampleProject.Api,
            new Dictionary<string, string> { ["AuthOpenIdc:ResourceServer:Issuer"] = issuer }, environment);
        await using var web = await SampleApp.StartAsync(SampleProject.WebApp, new Dictionary<string, string>
        {
            ["AuthOpenIdc:RelyingParty:Issuer"] = issuer,
            ["SampleApi:BaseUrl"] = api.BaseUrl.AbsoluteUri,
        }, environment);
        using var browser = RpApp.NewBrowser();

        using var login = await OidcLoginDriver.LoginAsync(browser, web.Url("/call-api"), "alice");
        var me = await browser.GetStringAsync(web.Url("/api/me"));
        using var admin = await browser.GetAsync(web.Url("/admin"));

        var logs = $"{Environment.NewLine}--- web app ---{Environment.NewLine}{web.AllLogs()}{Environment.NewLine}--- API ---{Environment.NewLine}{api.AllLogs()}";
        Assert.True(login.StatusCode == HttpStatusCode.OK && login.FinalUrl == web.Url("/call-api"), login + logs);
        var page = WebUtility.HtmlDecode(login.Body);
        // GET /api/whoami and GET /api/orders succeed with the session's token, which has scope api:read only ...
        Assert.Contains("GET /api/whoami</code></h2><p>→ <b>200 OK</b>", page, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"alice\"", page, StringComparison.Ordinal);
        Assert.Contains($"\"validation\": \"{validation}\"", page, StringComparison.Ordinal);
        Assert.Contains("\"client_id\"", page, StringComparison.Ordinal);
        Assert.Contains("GET /api/orders</code></h2><p>→ <b>200 OK</b>", page, StringComparison.Ordinal);
        Assert.Contains("Espresso beans", page, StringComparison.Ordinal);
        // ... so creating an order (api:write) is refused.
        Assert.Contains("POST /api/orders</code></h2><p>→ <b>403 Forbidden</b>", page, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_scope\"", page, StringComparison.Ordinal);
        // The user's claims came from the ID token (the access token is the API's, so userinfo is not called), and
        // alice is no admin.
        Assert.Contains("alice@example.com", me, StringComparison.Ordinal);
        Assert.Contains("realm_access", me, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);

        // Logout revokes the refresh token; the OP cannot revoke its JWT access tokens and says so, which is no warning.
        using var logout = await browser.GetAsync(web.Url("/oidc/callback?logout=%2F"));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.DoesNotContain("RevocationRefused", web.AllLogs(), StringComparison.Ordinal);
        if (validation == "Jwt")
        {
            Assert.Contains("RevocationUnsupported", web.AllLogs(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_refreshed_access_token_is_still_one_for_the_api()
    {
        var issuer = _op.Provider.IssuerString;
        await using var api = await SampleApp.StartAsync(SampleProject.Api,
            new Dictionary<string, string> { ["AuthOpenIdc:ResourceServer:Issuer"] = issuer });
        await using var web = await SampleApp.StartAsync(SampleProject.WebApp, new Dictionary<string, string>
        {
            ["AuthOpenIdc:RelyingParty:Issuer"] = issuer,
            ["SampleApi:BaseUrl"] = api.BaseUrl.AbsoluteUri,
            // The demo OP's tokens for the API live 300 s: refresh as soon as one second has passed.
            ["AuthOpenIdc:RelyingParty:RefreshAccessTokenBeforeExpiry"] = "00:04:59",
        });
        using var browser = RpApp.NewBrowser();

        using var login = await OidcLoginDriver.LoginAsync(browser, web.Url("/call-api"), "bob");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var again = WebUtility.HtmlDecode(await browser.GetStringAsync(web.Url("/call-api")));

        var logs = $"{Environment.NewLine}--- web app ---{Environment.NewLine}{web.AllLogs()}{Environment.NewLine}--- API ---{Environment.NewLine}{api.AllLogs()}";
        Assert.True(login.StatusCode == HttpStatusCode.OK, login + logs);
        var first = TokenId(WebUtility.HtmlDecode(login.Body));
        var second = TokenId(again);
        Assert.NotEqual(first, second);
        Assert.Contains("GET /api/whoami</code></h2><p>→ <b>200 OK</b>", again, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"bob\"", again, StringComparison.Ordinal);
    }

    /// <summary>The <c>jti</c> of the access token, as the API's <c>/api/whoami</c> shows it on the page.</summary>
    private static string TokenId(string page)
    {
        var match = Regex.Match(page, "\"type\": \"jti\",\\s*\"value\": \"([^\"]+)\"");
        Assert.True(match.Success, page);
        return match.Groups[1].Value;
    }
}
