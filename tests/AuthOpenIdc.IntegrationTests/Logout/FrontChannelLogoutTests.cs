using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using AuthOpenIdc.IntegrationTests.RelyingParty;

namespace AuthOpenIdc.IntegrationTests.Logout;

/// <summary>
/// <c>GET &lt;redirect_uri&gt;?logout=get[&amp;iss=&amp;sid=]</c> and <c>?logout=img</c> (OpenID Connect Front-Channel
/// Logout 1.0, as the OP loads it in an iframe or an image): the browser's session ends when iss and sid match, and with
/// iss + sid every session of that OP session ends through the index, with or without the browser's cookie.
/// </summary>
public sealed class FrontChannelLogoutTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static string FrontChannel(string kind, string? iss, string? sid)
    {
        var url = "/oidc/callback?logout=" + kind;
        if (iss is not null)
        {
            url += "&iss=" + Uri.EscapeDataString(iss);
        }
        if (sid is not null)
        {
            url += "&sid=" + Uri.EscapeDataString(sid);
        }
        return url;
    }

    private static async Task<HttpClient> LoggedInBrowserAsync(HostileOpHarness harness)
    {
        var browser = RpApp.NewBrowser();
        using var login = await harness.LoginAsync(browser);
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        return browser;
    }

    private static async Task AssertLoggedInAsync(HostileOpHarness harness, HttpClient browser)
    {
        using var page = await browser.GetAsync(harness.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("hello alice", await page.Content.ReadAsStringAsync());
    }

    private static async Task AssertLoggedOutAsync(HostileOpHarness harness, HttpClient browser)
    {
        using var page = await browser.GetAsync(harness.Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.StartsWith(harness.Op.AuthorizationEndpoint.ToString(), page.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    private static void AssertFrameAndCacheHeaders(HttpResponseMessage response, string frameOptions = "DENY")
    {
        Assert.Equal(frameOptions, string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Matching_iss_and_sid_end_the_session_with_an_html_page()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel("get", harness.Op.IssuerIdentifier, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            AssertFrameAndCacheHeaders(response);
            Assert.Contains("Logged out", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await AssertLoggedOutAsync(harness, browser);
    }

    [Fact]
    public async Task A_copy_of_the_cookie_no_longer_works_after_a_front_channel_logout()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var login = await harness.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var copy = new CookieContainer();
        foreach (Cookie cookie in jar.GetCookies(harness.Rp.BaseUrl))
        {
            copy.Add(harness.Rp.BaseUrl, new Cookie(cookie.Name, cookie.Value));
        }

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel("get", harness.Op.IssuerIdentifier, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var replay = RpApp.NewBrowser(copy);
        await AssertLoggedOutAsync(harness, replay);
    }

    [Fact]
    public async Task A_wrong_sid_leaves_the_session()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel("get", harness.Op.IssuerIdentifier, TestOpState.NewHandle()))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertFrameAndCacheHeaders(response);
        }

        await AssertLoggedInAsync(harness, browser);
    }

    [Theory]
    [InlineData(ScriptableOpBehavior.WrongIssuerValue)]
    [InlineData("issuer with a trailing slash")]
    public async Task A_wrong_iss_leaves_the_session_even_with_the_right_sid(string iss)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var wrongIssuer = iss == ScriptableOpBehavior.WrongIssuerValue ? iss : harness.Op.IssuerIdentifier + "/";

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel("get", wrongIssuer, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // Nor through the index, without the browser's cookie.
        using (var response = await RpApp.NewBrowser().GetAsync(harness.Rp.Url(FrontChannel("get", wrongIssuer, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedInAsync(harness, browser);
    }

    [Fact]
    public async Task The_image_variant_returns_a_png_and_ends_the_session()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel("img", harness.Op.IssuerIdentifier, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            AssertFrameAndCacheHeaders(response);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(body.AsSpan().StartsWith(PngSignature), "the body is not a PNG");
        }

        await AssertLoggedOutAsync(harness, browser);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("img")]
    public async Task Without_iss_and_sid_the_browsers_own_session_ends(string kind)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        using var other = await LoggedInBrowserAsync(harness);

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel(kind, iss: null, sid: null))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedOutAsync(harness, browser);
        await AssertLoggedInAsync(harness, other);
    }

    [Fact]
    public async Task Without_the_browsers_cookie_iss_and_sid_still_end_the_session_through_the_index()
    {
        // Third-party cookies blocked: the OP's iframe reaches the RP without the session cookie.
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var sid = harness.Op.LastIssuedSid;
        using var other = await LoggedInBrowserAsync(harness); // another OP session of the same user

        using (var response = await RpApp.NewBrowser().GetAsync(harness.Rp.Url(FrontChannel("get", harness.Op.IssuerIdentifier, sid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertFrameAndCacheHeaders(response);
        }

        await AssertLoggedOutAsync(harness, browser);
        await AssertLoggedInAsync(harness, other);
    }

    [Fact]
    public async Task A_sid_without_iss_is_not_enough_to_end_sessions_through_the_index()
    {
        // Front-Channel Logout 1.0 §2: iss and sid come together; a bare sid only ever concerns the browser's own session.
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);

        using (var response = await RpApp.NewBrowser().GetAsync(harness.Rp.Url(FrontChannel("get", iss: null, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedInAsync(harness, browser);
    }

    [Fact]
    public async Task LogoutFrameOptions_is_honoured()
    {
        await using var harness = await HostileOpHarness.StartAsync(o => o.LogoutFrameOptions = "SAMEORIGIN");
        using var browser = await LoggedInBrowserAsync(harness);

        using (var response = await browser.GetAsync(harness.Rp.Url(FrontChannel("get", harness.Op.IssuerIdentifier, harness.Op.LastIssuedSid))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertFrameAndCacheHeaders(response, "SAMEORIGIN");
        }
        using (var image = await browser.GetAsync(harness.Rp.Url(FrontChannel("img", iss: null, sid: null))))
        {
            AssertFrameAndCacheHeaders(image, "SAMEORIGIN");
        }

        await AssertLoggedOutAsync(harness, browser);
    }
}
