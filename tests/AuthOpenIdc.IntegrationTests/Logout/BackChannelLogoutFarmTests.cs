using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Redis;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Sessions;

namespace AuthOpenIdc.IntegrationTests.Logout;

/// <summary>
/// The OP posts its logout token to whichever instance the load balancer picks: the sid/sub index in the shared
/// cache lets that instance end sessions that were created, and are used, on another.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class BackChannelLogoutFarmTests
{
    private readonly RedisServerFixture _redis;

    public BackChannelLogoutFarmTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    private static async Task<HttpStatusCode> PostLogoutTokenAsync(RpApp instance, string token)
    {
        using var op = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var response = await op.PostAsync(instance.Url("/oidc/callback?logout=backchannel"), new FormUrlEncodedContent([new("logout_token", token)]));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> ProtectedAsync(HttpClient browser, RpApp instance)
    {
        using var page = await browser.GetAsync(instance.Url("/protected"));
        return page.StatusCode;
    }

    [Fact]
    public async Task A_logout_token_sent_to_instance_B_ends_the_session_on_instance_A()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        var b = await farm.StartInstanceAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await OidcLoginDriver.LoginAsync(browser, a.Url("/protected"), "alice"))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        }
        var sid = farm.Op.LastIssuedSid;
        Assert.False(string.IsNullOrEmpty(sid));
        Assert.Equal(HttpStatusCode.OK, await ProtectedAsync(browser, a));

        Assert.Equal(HttpStatusCode.OK, await PostLogoutTokenAsync(b, farm.Op.CreateLogoutToken(sid: sid)));

        using var onA = await browser.GetAsync(a.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, onA.StatusCode);
        Assert.StartsWith(farm.Op.AuthorizationEndpoint.ToString(), onA.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Back-channel logout ended 1 sessions", b.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sub_logout_on_B_ends_the_users_sessions_on_every_instance()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        var b = await farm.StartInstanceAsync();
        using var onA = RpApp.NewBrowser();
        using var onB = RpApp.NewBrowser();
        using (var login = await OidcLoginDriver.LoginAsync(onA, a.Url("/protected"), "alice"))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        }
        using (var login = await OidcLoginDriver.LoginAsync(onB, b.Url("/protected"), "alice"))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        }

        Assert.Equal(HttpStatusCode.OK, await PostLogoutTokenAsync(b, farm.Op.CreateLogoutToken(sid: null, sub: "alice")));

        Assert.Equal(HttpStatusCode.Found, await ProtectedAsync(onA, a));
        Assert.Equal(HttpStatusCode.Found, await ProtectedAsync(onB, b));
    }

    [Fact]
    public async Task A_token_replayed_to_another_instance_is_refused()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        var b = await farm.StartInstanceAsync();
        var token = farm.Op.CreateLogoutToken(sid: null, sub: "alice");
        Assert.Equal(HttpStatusCode.OK, await PostLogoutTokenAsync(a, token));

        using var browser = RpApp.NewBrowser();
        using (var login = await OidcLoginDriver.LoginAsync(browser, a.Url("/protected"), "alice"))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, await PostLogoutTokenAsync(b, token));
        Assert.Equal(HttpStatusCode.OK, await ProtectedAsync(browser, a));
    }

    [Fact]
    public async Task Concurrent_logins_of_one_user_are_all_indexed_and_all_ended_by_a_sub_logout()
    {
        // The sub index is one list per user in the shared cache; logins landing at the same moment on different
        // instances must not overwrite each other's entry, or a back-channel logout misses a live session.
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        var b = await farm.StartInstanceAsync();
        var browsers = Enumerable.Range(0, 8).Select(_ => RpApp.NewBrowser()).ToList();
        try
        {
            var logins = await Task.WhenAll(browsers.Select((browser, i) => OidcLoginDriver.LoginAsync(browser, (i % 2 == 0 ? a : b).Url("/protected"), "alice")));
            foreach (var login in logins)
            {
                Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
                login.Dispose();
            }

            Assert.Equal(HttpStatusCode.OK, await PostLogoutTokenAsync(a, farm.Op.CreateLogoutToken(sid: null, sub: "alice")));

            var still = new List<int>();
            for (var i = 0; i < browsers.Count; i++)
            {
                if (await ProtectedAsync(browsers[i], i % 2 == 0 ? a : b) == HttpStatusCode.OK)
                {
                    still.Add(i);
                }
            }
            Assert.True(still.Count == 0, $"{still.Count} of {browsers.Count} sessions survived the sub logout: {a.AllLogs().Split('\n').LastOrDefault(l => l.Contains("BackChannelLogout", StringComparison.Ordinal))}");
        }
        finally
        {
            browsers.ForEach(browser => browser.Dispose());
        }
    }
}
