using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Hostile or broken authorization responses, OP answers and browsers: clean 4xx/5xx pages, never a session or a 500.</summary>
public sealed class AuthorizationResponseAttackTests
{
    [Fact]
    public async Task Missing_state_is_rejected()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var browser = RpApp.NewBrowser();
        using var response = await browser.GetAsync(h.Rp.Url("/oidc/callback?code=abc"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("state_not_found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task A_state_without_its_cookie_is_rejected()
    {
        await using var h = await HostileOpHarness.StartAsync();
        var callback = await h.AuthorizationResponseUrlAsync(RpApp.NewBrowser());
        using var otherBrowser = RpApp.NewBrowser();
        using var response = await otherBrowser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("state_not_found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, h.Op.TokenRequests);
    }

    [Fact]
    public async Task A_mismatched_state_is_rejected()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.StateOverride = "forged-state-value");
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("state_not_found", login.Body, StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task An_expired_state_is_rejected()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using var browser = RpApp.NewBrowser();
        var callback = await h.AuthorizationResponseUrlAsync(browser);
        h.Clock.Advance(TimeSpan.FromSeconds(301));
        using var response = await browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("state_expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, h.Op.TokenRequests);
    }

    [Fact]
    public async Task A_replayed_response_redirects_to_the_original_url_when_the_session_exists_and_fails_cleanly_otherwise()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.AllowCodeReuse = true);
        using var browser = RpApp.NewBrowser();
        var callback = await h.AuthorizationResponseUrlAsync(browser, "/protected?page=2");
        using (var first = await browser.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        }

        using var back = await browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.Found, back.StatusCode);
        Assert.Equal("/protected?page=2", back.Headers.Location!.OriginalString);

        using var stranger = await RpApp.NewBrowser().GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        Assert.Equal(1, h.Op.TokenRequests);
    }

    [Theory]
    [InlineData(IssParameterMode.Wrong)]
    [InlineData(IssParameterMode.Omit)]
    public async Task A_wrong_or_missing_iss_parameter_is_rejected_when_the_op_advertises_it(IssParameterMode mode)
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.IssParameter = mode);
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("issuer_mismatch", login.Body, StringComparison.Ordinal);
        Assert.Equal(0, h.Op.TokenRequests);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task A_missing_iss_parameter_is_fine_when_the_op_does_not_advertise_it()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b =>
        {
            b.IssParameter = IssParameterMode.Omit;
            b.AuthorizationResponseIssParameterSupported = false;
        });
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
    }

    [Fact]
    public async Task A_repeated_protocol_parameter_is_rejected()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.ExtraAuthorizationResponseParameters.Add(new("code", "second-code")));
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("invalid_authorization_response", login.Body, StringComparison.Ordinal);
        Assert.Equal(0, h.Op.TokenRequests);
    }

    [Fact]
    public async Task An_op_error_response_shows_an_escaped_page_that_does_not_echo_the_input()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.AuthorizationError = "access_denied");
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("provider_error", login.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", login.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("The user said no", login.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalid_grant", null, null, HttpStatusCode.Unauthorized, "token_request_failed")]
    [InlineData(null, 500, null, HttpStatusCode.BadGateway, "provider_unavailable")]
    [InlineData(null, null, "this is not json", HttpStatusCode.BadGateway, "provider_unavailable")]
    [InlineData(null, null, "[1,2,3]", HttpStatusCode.BadGateway, "provider_unavailable")]
    public async Task Token_endpoint_failures_become_error_pages(string? error, int? status, string? body, HttpStatusCode expected, string code)
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b =>
        {
            b.TokenError = error;
            b.TokenEndpointStatus = status;
            b.TokenResponseBody = body;
        });
        using var browser = RpApp.NewBrowser();
        using var login = await h.LoginAsync(browser);
        Assert.True(login.StatusCode == expected, login.ToString());
        Assert.Contains(code, login.Body, StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task A_slow_token_endpoint_times_out_into_a_502_page()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.BackchannelTimeout = TimeSpan.FromMilliseconds(300), behave: b => b.TokenDelay = TimeSpan.FromSeconds(2));
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.Equal(HttpStatusCode.BadGateway, login.StatusCode);
        Assert.Contains("provider_unavailable", login.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_authenticates_with_basic_by_default_and_with_post_when_configured()
    {
        await using var basic = await HostileOpHarness.StartAsync();
        using (var login = await basic.LoginAsync(RpApp.NewBrowser()))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        Assert.StartsWith("Basic ", basic.Op.LastTokenRequest!.AuthorizationHeader, StringComparison.Ordinal);
        Assert.Equal("S256", basic.Op.LastAuthorizationRequest!["code_challenge_method"]);

        await using var post = await HostileOpHarness.StartAsync(tweak: o => o.TokenEndpointAuthMethod = AuthOpenIdc.RelyingParty.TokenEndpointAuthMethod.ClientSecretPost);
        using (var login = await post.LoginAsync(RpApp.NewBrowser()))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        Assert.Null(post.Op.LastTokenRequest!.AuthorizationHeader);
        Assert.Equal(ScriptableOp.DefaultClientSecret, post.Op.LastTokenRequest.Form["client_secret"]);
    }

    [Fact]
    public async Task Extra_parameters_cannot_override_protocol_parameters()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o =>
        {
            o.AuthorizationParameters["state"] = "attacker";
            o.AuthorizationParameters["redirect_uri"] = "https://evil.example.com/";
            o.AuthorizationParameters["ui_locales"] = "de";
            o.Prompt = "login";
        });
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var request = h.Op.LastAuthorizationRequest!;
        Assert.NotEqual("attacker", request["state"]);
        Assert.StartsWith(h.Rp.BaseUrl.ToString().TrimEnd('/'), request["redirect_uri"], StringComparison.Ordinal);
        Assert.Equal("de", request["ui_locales"]);
        Assert.Equal("login", request["prompt"]);
    }
}
