using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>What requests without a session get: navigations go to the OP, everything else 401, and state cookies stay bounded.</summary>
public sealed class UnauthenticatedRequestTests
{
    [Theory]
    [InlineData("X-Requested-With", "XMLHttpRequest")]
    [InlineData("Sec-Fetch-Mode", "cors")]
    [InlineData("Sec-Fetch-Dest", "image")]
    [InlineData("Accept", "application/json")]
    public async Task A_request_that_is_not_a_navigation_gets_401_and_no_state_cookie(string header, string value)
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, h.Rp.Url("/protected"));
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_navigation_gets_a_no_store_redirect_with_pkce_state_and_nonce()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var response = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.True(query["state"].ToString().Length >= 43);
        Assert.True(query["nonce"].ToString().Length >= 43);
        Assert.Contains("openid", query["scope"].ToString(), StringComparison.Ordinal);
        var setCookie = string.Join(';', response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_api_endpoint_answers_401_even_to_a_navigation()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var response = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/api/data"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_state_cookie_flood_stays_bounded_and_then_gets_503()
    {
        await using var h = await HostileOpHarness.StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await browser.GetAsync(h.Rp.Url($"/protected?i={i}"));
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses.Take(7), s => Assert.Equal(HttpStatusCode.Found, s));
        Assert.All(statuses.Skip(7), s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.Equal(7, jar.GetCookies(h.Rp.BaseUrl).Count(c => c.Name.StartsWith("oidc_state_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_delete_oldest_the_flood_keeps_redirecting_and_stays_bounded()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.State.DeleteOldestCookie = true);
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        for (var i = 0; i < 12; i++)
        {
            using var response = await browser.GetAsync(h.Rp.Url($"/protected?i={i}"));
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            h.Clock.Advance(TimeSpan.FromSeconds(1)); // so "oldest" is well defined
        }
        Assert.Equal(7, jar.GetCookies(h.Rp.BaseUrl).Count(c => c.Name.StartsWith("oidc_state_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Expired_state_cookies_are_purged_so_new_logins_can_start()
    {
        await using var h = await HostileOpHarness.StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        for (var i = 0; i < 7; i++)
        {
            using var response = await browser.GetAsync(h.Rp.Url($"/protected?i={i}"));
        }
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        using var next = await browser.GetAsync(h.Rp.Url("/protected?late=1"));
        Assert.Equal(HttpStatusCode.Found, next.StatusCode);
        Assert.Equal(1, jar.GetCookies(h.Rp.BaseUrl).Count(c => c.Name.StartsWith("oidc_state_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_garbage_session_cookie_is_ignored_and_the_user_is_sent_to_log_in()
    {
        await using var h = await HostileOpHarness.StartAsync();
        var jar = new CookieContainer();
        jar.Add(h.Rp.BaseUrl, new Cookie("oidc_session", new string('A', 300)));
        jar.Add(h.Rp.BaseUrl, new Cookie("oidc_state_x", "%%%not-base64%%%"));
        using var browser = RpApp.NewBrowser(jar);
        using var response = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        using var callback = await browser.GetAsync(h.Rp.Url("/oidc/callback?state=x&code=y"));
        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
    }

    [Fact]
    public async Task An_unknown_redirect_uri_request_gets_400()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var response = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/oidc/callback?foo=bar"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
