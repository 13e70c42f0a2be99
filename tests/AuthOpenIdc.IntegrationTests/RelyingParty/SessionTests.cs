using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Session lifetime, cookie attributes and fixation protection.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task The_session_cookie_holds_only_a_protected_id_with_safe_attributes()
    {
        await using var h = await HostileOpHarness.StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var session = jar.GetCookies(h.Rp.BaseUrl)["oidc_session"]!;
        Assert.True(session.HttpOnly);
        Assert.Equal("/", session.Path);
        Assert.DoesNotContain("alice", session.Value, StringComparison.Ordinal);
        Assert.True(session.Value.Length < 400);
        Assert.DoesNotContain(jar.GetCookies(h.Rp.BaseUrl), c => c.Name.StartsWith("oidc_state_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_inactivity_timeout_slides_and_ends_an_idle_session()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.Session.InactivityTimeout = TimeSpan.FromMinutes(5));
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        for (var i = 0; i < 4; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(3)); // each request well within the timeout keeps it alive
            using var active = await browser.GetAsync(h.Rp.Url("/protected"));
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        }
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        using var idle = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, idle.StatusCode);
    }

    [Fact]
    public async Task The_maximum_duration_ends_even_an_active_session()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o =>
        {
            o.Session.InactivityTimeout = TimeSpan.FromHours(1);
            o.Session.MaxDuration = TimeSpan.FromHours(2);
        });
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        for (var i = 0; i < 3; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(50));
            using var response = await browser.GetAsync(h.Rp.Url("/protected"));
            Assert.Equal(i < 2 ? HttpStatusCode.OK : HttpStatusCode.Found, response.StatusCode);
        }
    }

    [Fact]
    public async Task Every_login_gets_a_new_session_id_and_the_old_one_stops_working()
    {
        await using var h = await HostileOpHarness.StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var first = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var oldCookie = jar.GetCookies(h.Rp.BaseUrl)["oidc_session"]!.Value;

        // A second login in the same browser (e.g. step-up) replaces the session.
        var callback = await h.AuthorizationResponseUrlAsync(browser, "/login");
        using (var second = await browser.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.Found, second.StatusCode);
        }
        var newCookie = jar.GetCookies(h.Rp.BaseUrl)["oidc_session"]!.Value;
        Assert.NotEqual(oldCookie, newCookie);

        var oldJar = new CookieContainer();
        oldJar.Add(h.Rp.BaseUrl, new Cookie("oidc_session", oldCookie));
        using var replayed = await RpApp.NewBrowser(oldJar).GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, replayed.StatusCode);
    }

    [Fact]
    public async Task The_remote_user_can_come_from_another_claim_through_a_regex()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o =>
        {
            o.RemoteUser.Claim = "email";
            o.RemoteUser.Regex = "^([^@]+)@";
        });
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.StartsWith("hello ", login.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("@", login.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_with_a_foreign_target_is_refused_and_the_session_survives()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        foreach (var target in new[] { "https://evil.example.com/", "//evil.example.com", "/\\evil.example.com", "javascript:alert(1)" })
        {
            using var logout = await browser.GetAsync(h.Rp.Url("/oidc/callback?logout=" + Uri.EscapeDataString(target)));
            Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        }
        using var still = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Logout_sends_id_token_hint_and_post_logout_redirect_uri_to_the_op()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using var logout = await browser.GetAsync(h.Rp.Url("/oidc/callback?logout=%2Fbye"));
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(logout.Headers.Location!.Query);
        Assert.Equal(h.Op.LastIssuedIdToken, query["id_token_hint"]);
        Assert.Equal(h.Rp.Url("/bye").ToString(), query["post_logout_redirect_uri"]);
        using var after = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, after.StatusCode);
    }

    [Fact]
    public async Task Logout_without_a_session_or_target_shows_the_logged_out_page()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var logout = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/oidc/callback?logout="));
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Contains("logged out", await logout.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
