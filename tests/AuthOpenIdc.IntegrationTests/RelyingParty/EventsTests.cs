using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Apps hook into the login through events, without subclassing.</summary>
public sealed class EventsTests
{
    [Fact]
    public async Task Events_fire_in_order_and_can_add_authorization_parameters()
    {
        var fired = new List<string>();
        await using var h = await HostileOpHarness.StartAsync(tweak: o =>
        {
            o.Events.OnRedirectToIdentityProvider = c => { fired.Add("redirect"); c.Parameters["resource"] = "urn:api"; c.Parameters["state"] = "evil"; return Task.CompletedTask; };
            o.Events.OnAuthorizationResponseReceived = c => { fired.Add("response:" + c.Parameters.ContainsKey("code")); return Task.CompletedTask; };
            o.Events.OnTokenResponseReceived = c => { fired.Add("tokens:" + c.TokenResponse.TryGetProperty("id_token", out _)); return Task.CompletedTask; };
            o.Events.OnTokenValidated = c => { fired.Add("validated:" + c.IdToken.Subject); return Task.CompletedTask; };
            o.Events.OnUserInfoReceived = c => { fired.Add("userinfo:" + c.UserInfo.GetProperty("sub").GetString()); return Task.CompletedTask; };
            o.Events.OnSessionCreated = c => { fired.Add("session:" + c.Principal.Identity!.Name); return Task.CompletedTask; };
        });
        using var login = await h.LoginAsync(RpApp.NewBrowser());

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(["redirect", "response:True", "tokens:True", "validated:alice", "userinfo:alice", "session:alice"], fired);
        Assert.Equal("urn:api", h.Op.LastAuthorizationRequest!["resource"]);
        Assert.NotEqual("evil", h.Op.LastAuthorizationRequest["state"]);
    }

    [Fact]
    public async Task An_event_can_reject_the_login()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o =>
            o.Events.OnTokenValidated = c => { c.Fail("tenant not allowed"); return Task.CompletedTask; });
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Contains("event_rejected", login.Body, StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task The_app_can_render_its_own_error_page()
    {
        await using var h = await HostileOpHarness.StartAsync(
            tweak: o => o.Events.OnAuthenticationFailed = async c =>
            {
                c.HandleResponse();
                c.Response.StatusCode = c.Error.StatusCode;
                await c.Response.WriteAsync("custom:" + c.Error.Code);
            },
            behave: b => b.IdTokenAttack = Infrastructure.TestOp.IdTokenAttack.Expired);
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal("custom:invalid_id_token", login.Body);
    }

    [Fact]
    public async Task The_session_created_event_can_send_the_user_elsewhere_but_only_locally()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.Events.OnSessionCreated = c =>
        {
            c.ReturnUrl = c.Request.Query.ContainsKey("x") ? "https://evil.example.com/" : "/welcome";
            return Task.CompletedTask;
        });
        using var browser = RpApp.NewBrowser();
        var callback = await h.AuthorizationResponseUrlAsync(browser);
        using var response = await browser.GetAsync(callback);
        Assert.Equal("/welcome", response.Headers.Location!.OriginalString);
    }
}
