using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Redis;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

namespace AuthOpenIdc.IntegrationTests.Sessions;

/// <summary>A rotating refresh token is redeemed once, however many requests on however many instances find it due.</summary>
[Collection(RedisCollection.Name)]
public sealed class RefreshRaceFarmTests
{
    private readonly RedisServerFixture _redis;

    public RefreshRaceFarmTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    [Fact]
    public async Task Twenty_parallel_requests_across_two_instances_cause_exactly_one_refresh_grant()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        farm.Op.Behavior.AccessTokenLifetimeSeconds = 300;
        var a = await farm.StartInstanceAsync(o => o.RefreshAccessTokenBeforeExpiry = TimeSpan.FromSeconds(60));
        var b = await farm.StartInstanceAsync(o => o.RefreshAccessTokenBeforeExpiry = TimeSpan.FromSeconds(60));
        using var browser = RpApp.NewBrowser();
        using (var login = await OidcLoginDriver.LoginAsync(browser, a.Url("/protected"), "alice"))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        farm.Clock.Advance(TimeSpan.FromSeconds(260)); // due on both instances
        farm.Op.Behavior.AccessTokenLifetimeSeconds = 3600;
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => browser.GetAsync((i % 2 == 0 ? a : b).Url("/tokens"))));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(1, farm.Op.RefreshGrants);
        // Every request ends up with the one new access token.
        var accessTokens = bodies.Select(body => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()).Distinct().ToList();
        Assert.Single(accessTokens);
    }
}
