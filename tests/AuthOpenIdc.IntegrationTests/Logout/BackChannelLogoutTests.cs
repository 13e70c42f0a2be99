using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using AuthOpenIdc.IntegrationTests.RelyingParty;

namespace AuthOpenIdc.IntegrationTests.Logout;

/// <summary>
/// <c>POST &lt;redirect_uri&gt;?logout=backchannel</c> (OpenID Connect Back-Channel Logout 1.0) against the hostile
/// test OP: a valid logout token ends the sessions of its <c>sid</c> (or <c>sub</c>); anything else is a 400 and
/// ends nothing.
/// </summary>
public sealed class BackChannelLogoutTests
{
    private const string BackChannelPath = "/oidc/callback?logout=backchannel";

    /// <summary>The OP's POST: a plain client, no cookies, no redirects.</summary>
    private static HttpClient NewOpClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<HttpResponseMessage> PostAsync(RpApp rp, HttpContent? content)
    {
        using var op = NewOpClient();
        var response = await op.PostAsync(rp.Url(BackChannelPath), content);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return response;
    }

    private static Task<HttpResponseMessage> PostTokenAsync(RpApp rp, string logoutToken) =>
        PostAsync(rp, new FormUrlEncodedContent([new("logout_token", logoutToken)]));

    private static async Task<HttpClient> LoggedInBrowserAsync(HostileOpHarness harness)
    {
        var browser = RpApp.NewBrowser();
        using var login = await harness.LoginAsync(browser);
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Equal("hello alice", login.Body);
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

    private static async Task AssertInvalidRequestJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
    }

    /// <summary>Neither the token nor its payload or signature segment appears in any log line.</summary>
    private static void AssertNotLogged(RpApp rp, string logoutToken)
    {
        var logs = rp.AllLogs();
        Assert.DoesNotContain(logoutToken, logs, StringComparison.Ordinal);
        foreach (var segment in logoutToken.Split('.').Skip(1).Where(s => s.Length >= 16))
        {
            Assert.DoesNotContain(segment, logs, StringComparison.Ordinal);
        }
    }

    private static int CountBackChannelLogoutLines(RpApp rp, int sessions) =>
        rp.Logs.Count(l => l.Contains("BackChannelLogout", StringComparison.Ordinal)
            && l.Contains($"Back-channel logout ended {sessions.ToString(System.Globalization.CultureInfo.InvariantCulture)} sessions", StringComparison.Ordinal));

    [Fact]
    public async Task A_valid_token_with_the_sessions_sid_ends_it()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var sid = harness.Op.LastIssuedSid;
        Assert.False(string.IsNullOrEmpty(sid));

        var token = harness.Op.CreateLogoutToken(sid: sid);
        using (var response = await PostTokenAsync(harness.Rp, token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }

        await AssertLoggedOutAsync(harness, browser);
        Assert.Equal(1, CountBackChannelLogoutLines(harness.Rp, 1));
        AssertNotLogged(harness.Rp, token);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("logout+JWT")]
    public async Task A_token_with_typ_JWT_is_accepted_too(string typ)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);

        using (var response = await PostTokenAsync(harness.Rp, harness.Op.CreateLogoutTokenWithType(typ, harness.Op.LastIssuedSid)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedOutAsync(harness, browser);
    }

    [Fact]
    public async Task A_valid_token_with_only_sub_ends_the_users_sessions()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var first = await LoggedInBrowserAsync(harness);
        using var second = await LoggedInBrowserAsync(harness);

        var token = harness.Op.CreateLogoutToken(sid: null, sub: "alice");
        using (var response = await PostTokenAsync(harness.Rp, token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedOutAsync(harness, first);
        await AssertLoggedOutAsync(harness, second);
        Assert.Equal(1, CountBackChannelLogoutLines(harness.Rp, 2));
        AssertNotLogged(harness.Rp, token);
    }

    [Fact]
    public async Task A_sid_logout_ends_only_that_op_sessions_rp_sessions()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var first = await LoggedInBrowserAsync(harness);
        var firstSid = harness.Op.LastIssuedSid;
        using var second = await LoggedInBrowserAsync(harness);
        Assert.NotEqual(firstSid, harness.Op.LastIssuedSid);

        using (var response = await PostTokenAsync(harness.Rp, harness.Op.CreateLogoutToken(sid: firstSid)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedOutAsync(harness, first);
        await AssertLoggedInAsync(harness, second);
    }

    [Theory]
    [InlineData("unknown sid")]
    [InlineData("unknown sub")]
    [InlineData("right sid, other sub")]
    public async Task A_valid_token_that_matches_no_session_is_200_and_the_session_lives(string variant)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var token = variant switch
        {
            "unknown sid" => harness.Op.CreateLogoutToken(sid: TestOpState.NewHandle()),
            "unknown sub" => harness.Op.CreateLogoutToken(sid: null, sub: "bob"),
            _ => harness.Op.CreateLogoutToken(sid: harness.Op.LastIssuedSid, sub: "mallory"),
        };

        using (var response = await PostTokenAsync(harness.Rp, token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertLoggedInAsync(harness, browser);
        Assert.Equal(1, CountBackChannelLogoutLines(harness.Rp, 0));
        AssertNotLogged(harness.Rp, token);
    }

    [Theory]
    [InlineData(LogoutTokenAttack.AlgNone)]
    [InlineData(LogoutTokenAttack.BadSignature)]
    [InlineData(LogoutTokenAttack.Hs256WithRsaPublicKey)]
    [InlineData(LogoutTokenAttack.WrongIssuer)]
    [InlineData(LogoutTokenAttack.WrongAudience)]
    [InlineData(LogoutTokenAttack.NoEvents)]
    [InlineData(LogoutTokenAttack.WrongEvent)]
    [InlineData(LogoutTokenAttack.EventNotObject)]
    [InlineData(LogoutTokenAttack.WithNonce)]
    [InlineData(LogoutTokenAttack.NoSidNoSub)]
    [InlineData(LogoutTokenAttack.Expired)]
    [InlineData(LogoutTokenAttack.IatFarInPast)]
    [InlineData(LogoutTokenAttack.IatFarInFuture)]
    [InlineData(LogoutTokenAttack.MissingIat)]
    [InlineData(LogoutTokenAttack.NoJti)]
    [InlineData(LogoutTokenAttack.UnknownKid)]
    [InlineData(LogoutTokenAttack.TypIdToken)]
    public async Task An_invalid_token_is_400_and_ends_nothing(LogoutTokenAttack attack)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var token = harness.Op.CreateLogoutToken(attack, sid: harness.Op.LastIssuedSid);

        using (var response = await PostTokenAsync(harness.Rp, token))
        {
            await AssertInvalidRequestJsonAsync(response);
        }

        await AssertLoggedInAsync(harness, browser);
        Assert.Equal(0, harness.Rp.Logs.Count(l => l.Contains("[1010:BackChannelLogout]", StringComparison.Ordinal)));
        Assert.Contains(harness.Rp.Logs, l => l.Contains("RequestFailed", StringComparison.Ordinal));
        AssertNotLogged(harness.Rp, token);

        // The same claims without the defect do end the session: the attack, not the setup, was refused.
        using (var control = await PostTokenAsync(harness.Rp, harness.Op.CreateLogoutToken(sid: harness.Op.LastIssuedSid)))
        {
            Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        }
        await AssertLoggedOutAsync(harness, browser);
    }

    [Fact]
    public async Task A_replayed_token_is_400_and_does_not_end_a_later_session()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        // sub only: a replay that slipped through would end every later session of alice.
        var token = harness.Op.CreateLogoutToken(sid: null, sub: "alice");

        using (var first = await PostTokenAsync(harness.Rp, token))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await AssertLoggedOutAsync(harness, browser);

        using (var again = await PostTokenAsync(harness.Rp, token))
        {
            await AssertInvalidRequestJsonAsync(again);
        }

        using var later = await LoggedInBrowserAsync(harness);
        using (var replay = await PostTokenAsync(harness.Rp, token))
        {
            await AssertInvalidRequestJsonAsync(replay);
        }

        await AssertLoggedInAsync(harness, later);
        Assert.Equal(1, CountBackChannelLogoutLines(harness.Rp, 1));
        AssertNotLogged(harness.Rp, token);
    }

    [Fact]
    public async Task Get_is_405_and_ends_nothing()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        // (A token in a query string would end up in every access log, the host's own request log included.)
        using var op = NewOpClient();
        using (var response = await op.GetAsync(harness.Rp.Url(BackChannelPath)))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        // The browser's own GET (with its cookie) ends nothing either.
        using (var response = await browser.GetAsync(harness.Rp.Url(BackChannelPath)))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }

        await AssertLoggedInAsync(harness, browser);
    }

    [Fact]
    public async Task The_405_names_POST_in_Allow()
    {
        // RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405 response".
        await using var harness = await HostileOpHarness.StartAsync();
        using var op = NewOpClient();
        using var response = await op.GetAsync(harness.Rp.Url(BackChannelPath));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("no field")]
    [InlineData("other field")]
    [InlineData("empty value")]
    [InlineData("no body")]
    public async Task A_missing_logout_token_is_400(string variant)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        HttpContent? content = variant switch
        {
            "no field" => new FormUrlEncodedContent([]),
            "other field" => new FormUrlEncodedContent([new("token", harness.Op.CreateLogoutToken(sid: harness.Op.LastIssuedSid))]),
            "empty value" => new FormUrlEncodedContent([new("logout_token", string.Empty)]),
            _ => null,
        };

        using (var response = await PostAsync(harness.Rp, content))
        {
            await AssertInvalidRequestJsonAsync(response);
        }

        await AssertLoggedInAsync(harness, browser);
    }

    [Fact]
    public async Task A_doubled_logout_token_is_400_even_when_both_are_valid()
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var sid = harness.Op.LastIssuedSid;
        var one = harness.Op.CreateLogoutToken(sid: sid);
        var two = harness.Op.CreateLogoutToken(sid: sid);

        using (var response = await PostAsync(harness.Rp, new FormUrlEncodedContent([new("logout_token", one), new("logout_token", two)])))
        {
            await AssertInvalidRequestJsonAsync(response);
        }
        using (var same = await PostAsync(harness.Rp, new FormUrlEncodedContent([new("logout_token", one), new("logout_token", one)])))
        {
            await AssertInvalidRequestJsonAsync(same);
        }

        await AssertLoggedInAsync(harness, browser);
        AssertNotLogged(harness.Rp, one);
        AssertNotLogged(harness.Rp, two);

        // Neither was consumed by the refused request: each still works alone.
        using (var single = await PostTokenAsync(harness.Rp, one))
        {
            Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        }
        await AssertLoggedOutAsync(harness, browser);
    }

    [Theory]
    [InlineData("percent garbage")]
    [InlineData("binary")]
    [InlineData("not a jwt")]
    [InlineData("three garbage segments")]
    [InlineData("five garbage segments")]
    [InlineData("json in a token")]
    [InlineData("oversized")]
    [InlineData("multipart garbage token")]
    [InlineData("multipart without boundary")]
    public async Task A_garbage_form_body_is_400(string variant)
    {
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        HttpContent content = variant switch
        {
            "percent garbage" => Form("%%%zz&&==logout_token%=%E0%A4%A&logout_token"),
            "binary" => FormBytes([0x00, 0xFF, 0xFE, 0x3D, 0x26, 0x80, 0x0A, 0x0D, 0x25]),
            "not a jwt" => new FormUrlEncodedContent([new("logout_token", "not-a-jwt")]),
            "three garbage segments" => new FormUrlEncodedContent([new("logout_token", "a.b.c")]),
            "five garbage segments" => new FormUrlEncodedContent([new("logout_token", "a.b.c.d.e")]),
            "json in a token" => new FormUrlEncodedContent([new("logout_token", "{\"sub\":\"alice\"}")]),
            "oversized" => new FormUrlEncodedContent([new("logout_token", new string('a', 40_000) + "." + new string('b', 40_000) + ".c")]),
            "multipart garbage token" => Multipart("logout_token", "\u0001\u0002garbage"),
            _ => WithoutBoundary(),
        };

        using (var response = await PostAsync(harness.Rp, content))
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync()}");
            // The caller is the OP: an error body it can read, never the browser error page.
            Assert.True(response.Content.Headers.ContentType?.MediaType != "text/html", $"{response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync()}\n{harness.Rp.AllLogs()}");
        }

        await AssertLoggedInAsync(harness, browser);

        static HttpContent Form(string body) => new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");

        static HttpContent FormBytes(byte[] body)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            return content;
        }

        static HttpContent Multipart(string name, string value) => new MultipartFormDataContent { { new StringContent(value), name } };

        static HttpContent WithoutBoundary()
        {
            var content = new StringContent("--x\r\nContent-Disposition: form-data; name=\"logout_token\"\r\n\r\na.b.c\r\n--x--\r\n");
            content.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
            return content;
        }
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task A_body_that_is_not_a_form_is_refused_as_a_bad_request(string mediaType)
    {
        // The method is right (POST); the body is wrong. 405 would tell the OP the method is the problem.
        await using var harness = await HostileOpHarness.StartAsync();
        using var browser = await LoggedInBrowserAsync(harness);
        var token = harness.Op.CreateLogoutToken(sid: harness.Op.LastIssuedSid);
        var body = mediaType == "application/json" ? "{\"logout_token\":\"" + token + "\"}" : "logout_token=" + token;

        using (var response = await PostAsync(harness.Rp, new StringContent(body, Encoding.UTF8, mediaType)))
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"status {(int)response.StatusCode}");
        }

        await AssertLoggedInAsync(harness, browser);
        AssertNotLogged(harness.Rp, token);
    }
}
