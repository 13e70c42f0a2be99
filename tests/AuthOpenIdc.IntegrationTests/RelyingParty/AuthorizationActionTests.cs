using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Claim policies on a real session, and the unauthenticated/unauthorized actions per endpoint.</summary>
public sealed class AuthorizationActionTests
{
    private static Task<HostileOpHarness> StartAsync(Action<OidcRelyingPartyOptions>? tweak = null) =>
        HostileOpHarness.StartAsync(tweak, endpoints: app =>
        {
            app.MapGet("/admin", () => "admin area").RequireAuthorization("admins");
            app.MapGet("/ops", () => "ops area").RequireAuthorization("ops");
            app.MapGet("/stepup", () => "step-up area").RequireAuthorization("ops")
                .WithMetadata(new OidcUnauthorizedActionAttribute(UnauthorizedAction.Reauthenticate), new OidcAuthorizationRequestAttribute { Parameters = "acr_values=urn:mfa&prompt=login", Scope = "admin" });
            app.MapGet("/denied-redirect", () => "never").RequireAuthorization("ops")
                .WithMetadata(new OidcUnauthorizedActionAttribute(UnauthorizedAction.Redirect) { RedirectUrl = "/no-access" });
            app.MapGet("/maybe", (HttpContext c) => c.User.Identity?.IsAuthenticated == true ? "member" : "guest").RequireAuthorization()
                .WithMetadata(new OidcUnauthenticatedActionAttribute(UnauthenticatedAction.Pass));
            app.MapGet("/gone", () => "never").RequireAuthorization()
                .WithMetadata(new OidcUnauthenticatedActionAttribute(UnauthenticatedAction.Gone));
        }, services: s => s.AddAuthorization(o =>
        {
            o.AddPolicy("admins", p => p.RequireClaimValue("realm_access.roles", "admin"));
            o.AddPolicy("ops", p => p.RequireClaimMatch("groups", "^ops-"));
        }));

    [Fact]
    public async Task A_nested_claim_policy_admits_a_user_who_has_the_role()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser, "/admin");
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Equal("admin area", login.Body);
    }

    [Fact]
    public async Task A_failed_policy_gives_403_by_default()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser, "/ops");
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }

    [Fact]
    public async Task The_unauthorized_action_can_be_401_globally()
    {
        await using var h = await StartAsync(o => o.UnauthorizedAction = UnauthorizedAction.Unauthorized);
        using var login = await h.LoginAsync(RpApp.NewBrowser(), "/ops");
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Step_up_sends_the_user_back_to_the_op_with_the_endpoint_parameters()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser, "/protected"))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var stepUp = await browser.GetAsync(h.Rp.Url("/stepup"));
        Assert.Equal(HttpStatusCode.Found, stepUp.StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(stepUp.Headers.Location!.Query);
        Assert.Equal("urn:mfa", query["acr_values"]);
        Assert.Equal("login", query["prompt"]);
        Assert.Contains("admin", query["scope"].ToString().Split(' '));
    }

    [Fact]
    public async Task The_redirect_action_sends_the_user_to_the_configured_url()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser, "/protected");
        using var denied = await browser.GetAsync(h.Rp.Url("/denied-redirect"));
        Assert.Equal(HttpStatusCode.Found, denied.StatusCode);
        Assert.Equal("/no-access", denied.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Pass_lets_anonymous_requests_through_and_still_sees_a_session()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var anonymous = await browser.GetAsync(h.Rp.Url("/maybe")))
        {
            Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
            Assert.Equal("guest", await anonymous.Content.ReadAsStringAsync());
        }
        using var login = await h.LoginAsync(browser, "/protected");
        Assert.Equal("member", await browser.GetStringAsync(h.Rp.Url("/maybe")));
    }

    [Fact]
    public async Task Gone_answers_410()
    {
        await using var h = await StartAsync();
        using var response = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/gone"));
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }
}
