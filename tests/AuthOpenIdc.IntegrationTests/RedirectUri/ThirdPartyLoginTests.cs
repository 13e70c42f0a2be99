using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

namespace AuthOpenIdc.IntegrationTests.RedirectUri;

/// <summary>Third-party initiated login (OIDC Core §4) at the redirect_uri, against the npm OP.</summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class ThirdPartyLoginTests
{
    private readonly NodeOidcProviderFixture _op;

    public ThirdPartyLoginTests(NodeOidcProviderFixture op)
    {
        _op = op;
    }

    private Task<RpApp> StartRpAsync() => RpApp.StartAsync(o =>
    {
        o.Issuer = _op.Provider.IssuerString;
        o.ClientId = NodeOpClients.TestClientId;
        o.ClientSecret = NodeOpClients.TestClientSecret;
        o.RequireHttpsMetadata = false;
    });

    private string Initiate(RpApp rp, string query) => rp.Url("/oidc/callback?iss=" + Uri.EscapeDataString(_op.Provider.IssuerString) + query).ToString();

    [Fact]
    public async Task An_op_initiated_login_signs_in_and_lands_on_target_link_uri_with_the_login_hint_forwarded()
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();

        using var start = await browser.GetAsync(Initiate(rp, "&target_link_uri=%2Fprotected%3Fx%3D1&login_hint=dave"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(_op.Provider.AuthorizationEndpoint.ToString(), authorize.ToString(), StringComparison.Ordinal);
        Assert.Contains("login_hint=dave", authorize.Query, StringComparison.Ordinal);

        using var login = await OidcLoginDriver.LoginAsync(browser, new Uri(Initiate(rp, "&target_link_uri=%2Fprotected%3Fx%3D1")), "dave");
        Assert.True(login.Body == "hello dave", login.ToString());
        Assert.Equal(rp.Url("/protected?x=1"), login.FinalUrl);
    }

    [Theory]
    [InlineData("https://evil.example/", "&target_link_uri=%2F")]
    [InlineData(null, "&target_link_uri=https%3A%2F%2Fevil.example%2Fphish")]
    [InlineData(null, "&target_link_uri=%2F%2Fevil.example")]
    [InlineData(null, "&target_link_uri=%2Fa&target_link_uri=%2Fb")]
    public async Task A_foreign_issuer_or_an_open_redirect_target_gets_a_400_page(string? issuer, string query)
    {
        await using var rp = await StartRpAsync();
        using var browser = RpApp.NewBrowser();
        var url = issuer is null ? Initiate(rp, query) : rp.Url("/oidc/callback?iss=" + Uri.EscapeDataString(issuer) + query).ToString();

        using var response = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
