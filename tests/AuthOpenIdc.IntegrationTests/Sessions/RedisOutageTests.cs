using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Redis;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

namespace AuthOpenIdc.IntegrationTests.Sessions;

/// <summary>Redis going away mid-run: clean 503 pages (or the cookie fallback), no crash, recovery on its own.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task Requests_get_503_while_redis_is_down_and_recover_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var farm = await SharedCacheFarm.StartAsync(redis);
        var app = await farm.StartInstanceAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await OidcLoginDriver.LoginAsync(browser, app.Url("/protected"), "alice"))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        await redis.StopAsync();
        using (var down = await browser.GetAsync(app.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Contains("session_store_unavailable", await down.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var home = await browser.GetAsync(app.Url("/")))
        {
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }
        Assert.Contains("CacheBackendFailed", app.AllLogs(), StringComparison.Ordinal);

        await redis.StartAgainAsync(); // a fresh, empty Redis: the old session is gone, logins work again
        HttpStatusCode status = 0;
        for (var i = 0; i < 20 && status != HttpStatusCode.Found; i++)
        {
            using var retry = await browser.GetAsync(app.Url("/protected"));
            status = retry.StatusCode;
            if (status != HttpStatusCode.Found)
            {
                await Task.Delay(250);
            }
        }
        Assert.Equal(HttpStatusCode.Found, status);
        using var again = await OidcLoginDriver.LoginAsync(browser, app.Url("/protected"), "alice");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task With_fallback_to_cookie_logins_during_an_outage_keep_their_session_in_the_browser()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var farm = await SharedCacheFarm.StartAsync(redis);
        var app = await farm.StartInstanceAsync(o => o.Session.FallbackToCookie = true);
        await redis.StopAsync();

        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using var login = await OidcLoginDriver.LoginAsync(browser, app.Url("/protected"), "alice");

        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Contains("SessionFellBackToCookie", app.AllLogs(), StringComparison.Ordinal);
        using var page = await browser.GetAsync(app.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
