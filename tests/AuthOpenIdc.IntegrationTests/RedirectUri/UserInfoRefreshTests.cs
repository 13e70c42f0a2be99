using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.RelyingParty;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.IntegrationTests.RedirectUri;

/// <summary>OIDCUserInfoRefreshInterval: the session's userinfo claims are fetched again when they are old.</summary>
public sealed class UserInfoRefreshTests
{
    [Fact]
    public async Task Old_userinfo_claims_are_fetched_again_and_merged_under_the_id_token()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.UserInfoRefreshInterval = TimeSpan.FromSeconds(60));
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var before = h.Op.UserInfoRequests;
        h.Op.Behavior.ExtraUserInfoClaims["department"] = "sales";

        Assert.DoesNotContain("sales", await browser.GetStringAsync(h.Rp.Url("/claims")), StringComparison.Ordinal);
        h.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains("sales", await browser.GetStringAsync(h.Rp.Url("/claims")), StringComparison.Ordinal);
        Assert.Equal(before + 1, h.Op.UserInfoRequests);
        Assert.Contains("sales", await browser.GetStringAsync(h.Rp.Url("/claims")), StringComparison.Ordinal);
        Assert.Equal(before + 1, h.Op.UserInfoRequests);
    }

    [Fact]
    public async Task A_failed_userinfo_refresh_follows_the_error_action()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o =>
        {
            o.UserInfoRefreshInterval = TimeSpan.FromSeconds(60);
            o.RefreshErrorAction = RefreshErrorAction.Logout;
        });
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        h.Op.Behavior.UserInfoSub = "mallory"; // the refreshed userinfo names another subject
        h.Clock.Advance(TimeSpan.FromSeconds(61));
        using var response = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }
}
