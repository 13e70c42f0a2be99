using System.Net;
using System.Text.Json;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.RelyingParty;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.IntegrationTests.RedirectUri;

/// <summary>The session info hook <c>?info=json</c> (mod_auth_openidc OIDCInfoHook).</summary>
public sealed class InfoHookTests
{
    private static readonly string[] AllFields = ["iat", "access_token", "access_token_type", "access_token_expires", "id_token", "id_token_hint", "userinfo", "refresh_token", "exp", "timeout", "remote_user", "session"];

    private static Task<HostileOpHarness> StartAsync(Action<AuthOpenIdc.RelyingParty.OidcRelyingPartyOptions>? tweak = null, Action<IServiceCollection>? services = null) =>
        HostileOpHarness.StartAsync(tweak: o =>
        {
            foreach (var field in AllFields)
            {
                o.InfoHookFields.Add(field);
            }
            tweak?.Invoke(o);
        }, services: services);

    private static async Task<JsonDocument> InfoAsync(HttpClient browser, HostileOpHarness h, string query = "")
    {
        using var response = await browser.GetAsync(h.Rp.Url("/oidc/callback?info=json" + query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_hook_returns_every_enabled_field()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var info = await InfoAsync(browser, h);
        var root = info.RootElement;
        Assert.Equal("alice", root.GetProperty("remote_user").GetString());
        Assert.Equal("alice", root.GetProperty("id_token").GetProperty("sub").GetString());
        Assert.Equal(h.Op.LastIssuedIdToken, root.GetProperty("id_token_hint").GetString());
        Assert.Equal("engineering", root.GetProperty("userinfo").GetProperty("groups")[1].GetString());
        Assert.Equal("Bearer", root.GetProperty("access_token_type").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("access_token").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("refresh_token").GetString()));
        Assert.True(root.GetProperty("access_token_expires").GetInt64() > root.GetProperty("iat").GetInt64());
        Assert.True(root.GetProperty("exp").GetInt64() >= root.GetProperty("timeout").GetInt64());
        Assert.Equal("server-cache", root.GetProperty("session").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Only_configured_fields_are_returned()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.InfoHookFields.Add("remote_user"));
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var info = await InfoAsync(browser, h);
        Assert.Equal(["remote_user"], info.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_hook_answers_401_without_a_session_404_when_off_and_415_for_another_format()
    {
        await using var on = await StartAsync();
        using (var anonymous = await RpApp.NewBrowser().GetAsync(on.Rp.Url("/oidc/callback?info=json")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using var browser = RpApp.NewBrowser();
        using (var login = await on.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using (var xml = await browser.GetAsync(on.Rp.Url("/oidc/callback?info=xml")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        }
        using (var html = await browser.GetAsync(on.Rp.Url("/oidc/callback?info=html")))
        {
            Assert.Equal(HttpStatusCode.OK, html.StatusCode);
            var body = await html.Content.ReadAsStringAsync();
            Assert.Contains("&quot;remote_user&quot;", body, StringComparison.Ordinal);
        }

        await using var off = await HostileOpHarness.StartAsync();
        using var offBrowser = RpApp.NewBrowser();
        using (var login = await off.LoginAsync(offBrowser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var notFound = await offBrowser.GetAsync(off.Rp.Url("/oidc/callback?info=json"));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task A_policy_can_guard_the_hook()
    {
        await using var h = await StartAsync(o => o.InfoHookPolicy = "spa", s => s.AddAuthorization(o => o.AddPolicy("spa", p => p.RequireClaimValue("groups", "spa-users"))));
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var forbidden = await browser.GetAsync(h.Rp.Url("/oidc/callback?info=json"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task The_hook_slides_the_session_unless_extend_session_is_false()
    {
        await using var h = await StartAsync(o => o.Session.InactivityTimeout = TimeSpan.FromMinutes(10));
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        long Timeout(JsonDocument d) => d.RootElement.GetProperty("timeout").GetInt64();
        using var first = await InfoAsync(browser, h);

        h.Clock.Advance(TimeSpan.FromMinutes(2));
        using var notExtended = await InfoAsync(browser, h, "&extend_session=false");
        Assert.Equal(Timeout(first), Timeout(notExtended));

        using var extended = await InfoAsync(browser, h);
        Assert.Equal(Timeout(first) + 120, Timeout(extended));
    }

    [Fact]
    public async Task An_access_token_refresh_interval_of_zero_refreshes_through_the_hook()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var before = await InfoAsync(browser, h);
        using var refreshed = await InfoAsync(browser, h, "&access_token_refresh_interval=0");
        Assert.Equal(1, h.Op.RefreshGrants);
        Assert.NotEqual(before.RootElement.GetProperty("access_token").GetString(), refreshed.RootElement.GetProperty("access_token").GetString());
        Assert.NotEqual(before.RootElement.GetProperty("refresh_token").GetString(), refreshed.RootElement.GetProperty("refresh_token").GetString());

        using var later = await InfoAsync(browser, h, "&access_token_refresh_interval=3600");
        Assert.Equal(1, h.Op.RefreshGrants);
        Assert.Equal(refreshed.RootElement.GetProperty("access_token").GetString(), later.RootElement.GetProperty("access_token").GetString());
    }
}
