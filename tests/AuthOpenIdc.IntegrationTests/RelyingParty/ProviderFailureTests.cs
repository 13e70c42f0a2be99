using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>An OP that is down or lies in its metadata or userinfo.</summary>
public sealed class ProviderFailureTests
{
    [Fact]
    public async Task An_unreachable_op_gives_a_502_page_and_the_app_keeps_serving()
    {
        await using var h = await HostileOpHarness.StartAsync(issuer: ScriptableOp.UnreachableIssuer().ToString().TrimEnd('/'));
        using var browser = RpApp.NewBrowser();
        using var response = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("provider_unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var home = await browser.GetAsync(h.Rp.Url("/"));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task A_discovery_issuer_mismatch_is_refused()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.DiscoveryIssuer = ScriptableOpBehavior.WrongIssuerValue);
        using var response = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("invalid_provider_metadata", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, h.Op.AuthorizationRequests);
    }

    [Fact]
    public async Task A_userinfo_sub_mismatch_is_refused()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.UserInfoSub = "mallory");
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("invalid_userinfo", login.Body, StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public async Task A_userinfo_body_that_is_not_an_object_is_refused(string body)
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.UserInfoBody = body);
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("invalid_userinfo", login.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_userinfo_response_is_verified_and_used()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.SignUserInfo = true);
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Contains("engineering", await browser.GetStringAsync(h.Rp.Url("/claims")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.")]
    [InlineData("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.AAAA")]
    [InlineData("not-a-jwt")]
    public async Task A_forged_signed_userinfo_response_is_refused(string body)
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b =>
        {
            b.SignUserInfo = true;
            b.UserInfoBody = body;
        });
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("invalid_userinfo", login.Body, StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task Userinfo_is_called_with_the_bearer_header_and_its_claims_are_merged_under_the_id_token()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.ExtraIdTokenClaims["email"] = "from-id-token@example.com");
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.StartsWith("Bearer ", h.Op.LastUserInfoAuthorizationHeader, StringComparison.Ordinal);
        var claims = await browser.GetStringAsync(h.Rp.Url("/claims"));
        Assert.Contains("from-id-token@example.com", claims, StringComparison.Ordinal);
        Assert.Contains("engineering", claims, StringComparison.Ordinal); // groups came from userinfo only
    }
}
