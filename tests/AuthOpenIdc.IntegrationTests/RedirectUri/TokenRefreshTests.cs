using System.Net;
using System.Text.Json;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.RelyingParty;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.IntegrationTests.RedirectUri;

/// <summary>Access tokens kept fresh: before expiry, through ?refresh=, with the error actions.</summary>
public sealed class TokenRefreshTests
{
    private static Task<HostileOpHarness> StartAsync(Action<OidcRelyingPartyOptions>? tweak = null) =>
        HostileOpHarness.StartAsync(
            tweak: o =>
            {
                o.RefreshAccessTokenBeforeExpiry = TimeSpan.FromSeconds(60);
                tweak?.Invoke(o);
            },
            behave: b => b.AccessTokenLifetimeSeconds = 300);

    private static async Task<string> AccessTokenAsync(HttpClient browser, HostileOpHarness h)
    {
        using var tokens = JsonDocument.Parse(await browser.GetStringAsync(h.Rp.Url("/tokens")));
        return tokens.RootElement.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task The_access_token_is_refreshed_before_it_expires_and_a_new_id_token_updates_the_session()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var first = await AccessTokenAsync(browser, h);
        var firstIdToken = h.Op.LastIssuedIdToken;
        Assert.Equal(0, h.Op.RefreshGrants);

        h.Clock.Advance(TimeSpan.FromSeconds(250)); // 50 s left: inside the 60 s window
        var second = await AccessTokenAsync(browser, h);

        Assert.Equal(1, h.Op.RefreshGrants);
        Assert.NotEqual(first, second);
        using var tokens = JsonDocument.Parse(await browser.GetStringAsync(h.Rp.Url("/tokens")));
        Assert.NotEqual(firstIdToken, tokens.RootElement.GetProperty("id_token").GetString());
        Assert.Contains("TokensRefreshed", h.Rp.AllLogs(), StringComparison.Ordinal);
        Assert.DoesNotContain(first, h.Rp.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_requests_due_for_refresh_cause_one_grant()
    {
        await using var h = await StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        h.Clock.Advance(TimeSpan.FromSeconds(250));
        h.Op.Behavior.AccessTokenLifetimeSeconds = 3600; // the refreshed token is not due again

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => browser.GetAsync(h.Rp.Url("/protected"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
        Assert.Equal(1, h.Op.RefreshGrants);
    }

    [Fact]
    public async Task The_refresh_function_needs_the_current_access_token_and_returns_to_a_local_url()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var current = await AccessTokenAsync(browser, h);

        using (var forged = await browser.GetAsync(h.Rp.Url("/oidc/callback?refresh=%2Fapp&access_token=guess")))
        {
            Assert.Equal(HttpStatusCode.Found, forged.StatusCode);
            Assert.Equal("/app?error_code=no_access_token_match", forged.Headers.Location!.OriginalString);
        }
        using (var missing = await browser.GetAsync(h.Rp.Url("/oidc/callback?refresh=%2Fapp")))
        {
            Assert.Equal("/app?error_code=no_access_token", missing.Headers.Location!.OriginalString);
        }
        using (var foreign = await browser.GetAsync(h.Rp.Url("/oidc/callback?refresh=https%3A%2F%2Fevil.example.com%2F&access_token=" + Uri.EscapeDataString(current))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        }
        Assert.Equal(0, h.Op.RefreshGrants);

        using var ok = await browser.GetAsync(h.Rp.Url("/oidc/callback?refresh=%2Fapp&access_token=" + Uri.EscapeDataString(current)));
        Assert.Equal("/app", ok.Headers.Location!.OriginalString);
        Assert.Equal(1, h.Op.RefreshGrants);
        Assert.NotEqual(current, await AccessTokenAsync(browser, h));

        using var anonymous = await RpApp.NewBrowser().GetAsync(h.Rp.Url("/oidc/callback?refresh=%2Fapp&access_token=x"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData(RefreshErrorAction.Continue, HttpStatusCode.OK)]
    [InlineData(RefreshErrorAction.Logout, HttpStatusCode.Found)]
    [InlineData(RefreshErrorAction.Reauthenticate, HttpStatusCode.Found)]
    [InlineData(RefreshErrorAction.BadGateway, HttpStatusCode.BadGateway)]
    public async Task A_failed_refresh_follows_the_error_action(RefreshErrorAction action, HttpStatusCode expected)
    {
        await using var h = await StartAsync(o => o.RefreshErrorAction = action);
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        h.Op.Behavior.TokenError = "invalid_grant";
        h.Clock.Advance(TimeSpan.FromSeconds(250));

        using var response = await browser.GetAsync(h.Rp.Url("/protected"));
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("RefreshFailed", h.Rp.AllLogs(), StringComparison.Ordinal);
        if (action is RefreshErrorAction.Logout or RefreshErrorAction.Reauthenticate)
        {
            h.Op.Behavior.TokenError = null;
            using var after = await browser.GetAsync(h.Rp.Url("/protected"));
            Assert.Equal(HttpStatusCode.Found, after.StatusCode); // the session is gone: log in again
        }
    }

    [Fact]
    public async Task Client_cookie_sessions_refresh_too()
    {
        await using var h = await StartAsync(o => o.Session.Type = AuthOpenIdc.Sessions.OidcSessionType.ClientCookie);
        using var browser = RpApp.NewBrowser();
        using (var login = await h.LoginAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var first = await AccessTokenAsync(browser, h);
        h.Clock.Advance(TimeSpan.FromSeconds(250));
        h.Op.Behavior.AccessTokenLifetimeSeconds = 3600;
        var second = await AccessTokenAsync(browser, h);
        var third = await AccessTokenAsync(browser, h);
        Assert.NotEqual(first, second);
        Assert.Equal(second, third); // the rewritten cookie carries the new tokens
        Assert.Equal(1, h.Op.RefreshGrants);
    }
}
