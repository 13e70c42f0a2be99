using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.RelyingParty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.IntegrationTests.RedirectUri;

/// <summary>Session Management iframes (?session=…), jwks and the admin functions.</summary>
public sealed class SessionManagementTests
{
    private static Task<HostileOpHarness> StartAsync(Action<AuthOpenIdc.RelyingParty.OidcRelyingPartyOptions>? tweak = null, Action<IServiceCollection>? services = null) =>
        HostileOpHarness.StartAsync(tweak, services: services, behave: b => b.ExtraAuthorizationResponseParameters.Add(new("session_state", "opaque-session-state.salt")));

    private static void AdvertiseCheckSessionIframe(HostileOpHarness h) =>
        h.Op.Behavior.DiscoveryOverrides["check_session_iframe"] = h.Op.IssuerIdentifier + "/check_session";

    [Fact]
    public async Task The_rp_iframe_polls_the_op_iframe_with_client_id_and_session_state_without_inline_input()
    {
        await using var h = await StartAsync();
        AdvertiseCheckSessionIframe(h);
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var response = await browser.GetAsync(h.Rp.Url("/oidc/callback?session=iframe_rp&poll=5000&login_uri=%2F%22%3E%3Cscript%3E"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("rp opaque-session-state.salt", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains(h.Op.IssuerIdentifier + "/check_session", html, StringComparison.Ordinal);
        Assert.Contains("5000", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html.Replace("<script nonce=", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'nonce-", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_op_iframe_redirects_and_everything_is_404_when_the_op_has_no_check_session_iframe()
    {
        await using var h = await StartAsync();
        using (var none = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/oidc/callback?session=iframe_op")))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }
        await using var with = await StartAsync();
        AdvertiseCheckSessionIframe(with);
        using var redirect = await RpApp.NewBrowser().GetAsync(with.Rp.Url("/oidc/callback?session=iframe_op"));
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(with.Op.IssuerIdentifier + "/check_session", redirect.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_session_check_reauthenticates_silently_and_a_failed_check_ends_the_session()
    {
        await using var h = await StartAsync();
        AdvertiseCheckSessionIframe(h);
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var idToken = h.Op.LastIssuedIdToken;
        using (var check = await browser.GetAsync(h.Rp.Url("/oidc/callback?session=check")))
        {
            Assert.Equal(HttpStatusCode.Found, check.StatusCode);
            var query = QueryHelpers.ParseQuery(check.Headers.Location!.Query);
            Assert.Equal("none", query["prompt"]);
            Assert.Equal(idToken, query["id_token_hint"]);
            // The OP answers the silent request: still logged in there, so a fresh session comes back to the RP iframe.
            using var authorize = await browser.GetAsync(check.Headers.Location);
            using var callback = await browser.GetAsync(authorize.Headers.Location);
            Assert.EndsWith("/oidc/callback?session=iframe_rp", callback.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        h.Op.Behavior.AuthorizationError = "login_required";
        using (var check = await browser.GetAsync(h.Rp.Url("/oidc/callback?session=check")))
        {
            using var authorize = await browser.GetAsync(check.Headers.Location);
            using var callback = await browser.GetAsync(authorize.Headers.Location);
            Assert.EndsWith("/oidc/callback?session=logout", callback.Headers.Location!.ToString(), StringComparison.Ordinal);
            using var logout = await browser.GetAsync(callback.Headers.Location);
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
            Assert.Contains("window.top.location.href", await logout.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var after = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, after.StatusCode);
    }

    [Fact]
    public async Task Jwks_is_an_empty_key_set()
    {
        await using var h = await StartAsync();
        using var response = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/oidc/callback?jwks"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("{\"keys\":[]}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_functions_are_refused_without_a_policy_and_work_with_one()
    {
        await using var off = await StartAsync(o => o.InfoHookFields.Add("session"));
        using var offBrowser = RpApp.NewBrowser();
        using (var login = await off.LoginAsync(offBrowser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using (var refused = await offBrowser.GetAsync(off.Rp.Url("/oidc/callback?revoke_session=x")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await using var h = await StartAsync(o =>
        {
            o.InfoHookFields.Add("session");
            o.AdminPolicy = "admins";
        }, s => s.AddAuthorization(o => o.AddPolicy("admins", p => p.RequireClaimValue("realm_access.roles", "admin"))));
        using var admin = RpApp.NewBrowser();
        using var victim = RpApp.NewBrowser();
        using (var a = await h.LoginAsync(admin))
        using (var v = await h.LoginAsync(victim))
        {
            Assert.Equal(HttpStatusCode.OK, v.StatusCode);
        }
        using var info = System.Text.Json.JsonDocument.Parse(await victim.GetStringAsync(h.Rp.Url("/oidc/callback?info=json")));
        var victimId = info.RootElement.GetProperty("session").GetProperty("id").GetString();

        using (var revoke = await admin.GetAsync(h.Rp.Url("/oidc/callback?revoke_session=" + Uri.EscapeDataString(victimId!))))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        using (var gone = await victim.GetAsync(h.Rp.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.Found, gone.StatusCode);
        }
        using (var unknown = await admin.GetAsync(h.Rp.Url("/oidc/callback?revoke_session=unknown")))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using var notCached = await admin.GetAsync(h.Rp.Url("/oidc/callback?remove_at_cache=token"));
        Assert.Equal(HttpStatusCode.NotFound, notCached.StatusCode);
    }
}
