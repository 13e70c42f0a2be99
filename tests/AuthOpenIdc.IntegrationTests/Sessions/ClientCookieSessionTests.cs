using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.RelyingParty;
using AuthOpenIdc.Sessions;

namespace AuthOpenIdc.IntegrationTests.Sessions;

/// <summary>Client-cookie sessions: the whole session encrypted in chunked cookies (mod_auth_openidc client-cookie).</summary>
public sealed class ClientCookieSessionTests
{
    private static Task<HostileOpHarness> StartAsync(int extraClaimBytes, Action<AuthOpenIdc.RelyingParty.OidcRelyingPartyOptions>? tweak = null) =>
        HostileOpHarness.StartAsync(
            tweak: o =>
            {
                o.Session.Type = OidcSessionType.ClientCookie;
                o.Session.StoreIdTokenInCookie = true;
                tweak?.Invoke(o);
            },
            behave: b =>
            {
                if (extraClaimBytes > 0)
                {
                    b.ExtraIdTokenClaims["profile_blob"] = new string('x', extraClaimBytes);
                }
            });

    private static List<Cookie> SessionCookies(CookieContainer jar, Uri url) =>
        jar.GetCookies(url).Where(c => c.Name.StartsWith("oidc_session", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_large_session_round_trips_over_several_chunks_and_nothing_is_stored_server_side()
    {
        await using var h = await StartAsync(9000);
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using var login = await h.LoginAsync(browser);
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());

        var cookies = SessionCookies(jar, h.Rp.BaseUrl);
        Assert.True(cookies.Count >= 4, $"expected several chunks, got {cookies.Count}");
        Assert.StartsWith("chunks-", cookies.Single(c => c.Name == "oidc_session").Value, StringComparison.Ordinal);
        Assert.All(cookies, c => Assert.True(c.Value.Length <= 4000));
        Assert.All(cookies, c => Assert.DoesNotContain("alice", c.Value, StringComparison.Ordinal));

        using var again = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var tokens = await browser.GetStringAsync(h.Rp.Url("/tokens"));
        Assert.Contains(h.Op.LastIssuedIdToken!, tokens, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_smaller_session_deletes_the_stale_chunks_of_a_larger_one()
    {
        await using var h = await StartAsync(9000);
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var big = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, big.StatusCode);
        }
        var before = SessionCookies(jar, h.Rp.BaseUrl).Count;

        h.Op.Behavior.ExtraIdTokenClaims.Clear();
        var callback = await h.AuthorizationResponseUrlAsync(browser, "/login");
        using (var small = await browser.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.Found, small.StatusCode);
        }

        var after = SessionCookies(jar, h.Rp.BaseUrl);
        Assert.True(after.Count < before, $"{after.Count} cookies after, {before} before");
        using var page = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_crafted_chunk_count_is_refused_without_reading_chunks()
    {
        await using var h = await StartAsync(0);
        var jar = new CookieContainer();
        jar.Add(h.Rp.BaseUrl, new Cookie("oidc_session", "chunks-100000"));
        for (var i = 1; i <= 3; i++)
        {
            jar.Add(h.Rp.BaseUrl, new Cookie("oidc_sessionC" + i, new string('A', 100)));
        }
        using var browser = RpApp.NewBrowser(jar);
        using var response = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode); // no session: off to log in, no error
    }

    [Fact]
    public async Task A_tampered_or_missing_chunk_means_no_session()
    {
        await using var h = await StartAsync(9000);
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var chunk = jar.GetCookies(h.Rp.BaseUrl)["oidc_sessionC2"]!;
        var tamperedJar = new CookieContainer();
        foreach (var cookie in SessionCookies(jar, h.Rp.BaseUrl))
        {
            var value = cookie.Name == chunk.Name ? (cookie.Value[0] == 'A' ? "B" : "A") + cookie.Value[1..] : cookie.Value;
            tamperedJar.Add(h.Rp.BaseUrl, new Cookie(cookie.Name, value));
        }
        using var tampered = await RpApp.NewBrowser(tamperedJar).GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, tampered.StatusCode);

        var missingJar = new CookieContainer();
        foreach (var cookie in SessionCookies(jar, h.Rp.BaseUrl).Where(c => c.Name != chunk.Name))
        {
            missingJar.Add(h.Rp.BaseUrl, new Cookie(cookie.Name, cookie.Value));
        }
        using var missing = await RpApp.NewBrowser(missingJar).GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, missing.StatusCode);
    }

    [Fact]
    public async Task Without_store_id_token_the_cookie_is_smaller_and_logout_skips_the_hint()
    {
        await using var h = await StartAsync(0, o => o.Session.StoreIdTokenInCookie = false);
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        Assert.DoesNotContain(h.Op.LastIssuedIdToken!, await browser.GetStringAsync(h.Rp.Url("/tokens")), StringComparison.Ordinal);
        using var logout = await browser.GetAsync(h.Rp.Url("/oidc/callback?logout=%2F"));
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        Assert.Equal("/", logout.Headers.Location!.OriginalString);
        Assert.Empty(SessionCookies(jar, h.Rp.BaseUrl));
    }

    [Fact]
    public async Task A_persistent_cookie_expires_with_the_session()
    {
        await using var h = await StartAsync(0, o =>
        {
            o.Session.PersistentCookie = true;
            o.Session.InactivityTimeout = TimeSpan.FromMinutes(30);
        });
        using var browser = RpApp.NewBrowser();
        var callback = await h.AuthorizationResponseUrlAsync(browser);
        using var response = await browser.GetAsync(callback);
        var setCookie = response.Headers.GetValues("Set-Cookie").First(v => v.StartsWith("oidc_session=", StringComparison.Ordinal));
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_inactivity_timeout_applies_to_client_cookie_sessions_too()
    {
        await using var h = await StartAsync(0, o => o.Session.InactivityTimeout = TimeSpan.FromMinutes(5));
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        h.Clock.Advance(TimeSpan.FromMinutes(4));
        using (var active = await browser.GetAsync(h.Rp.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        }
        h.Clock.Advance(TimeSpan.FromMinutes(4)); // slid at the last request: still alive
        using (var stillActive = await browser.GetAsync(h.Rp.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.OK, stillActive.StatusCode);
        }
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        using var idle = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, idle.StatusCode);
    }
}
