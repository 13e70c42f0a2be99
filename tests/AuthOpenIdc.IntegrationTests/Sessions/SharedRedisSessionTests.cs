using System.Net;
using System.Text;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Redis;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

namespace AuthOpenIdc.IntegrationTests.Sessions;

/// <summary>Several instances sharing one real Redis behave as one app; Redis learns nothing and can forge nothing.</summary>
[Collection(RedisCollection.Name)]
public sealed class SharedRedisSessionTests
{
    private readonly RedisServerFixture _redis;

    public SharedRedisSessionTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    private static Task<LoginResult> LoginAsync(HttpClient browser, RpApp app, string path = "/protected") =>
        OidcLoginDriver.LoginAsync(browser, app.Url(path), "alice");

    [Fact]
    public async Task A_login_on_one_instance_is_a_session_on_all_and_a_logout_on_one_ends_it_everywhere()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        var b = await farm.StartInstanceAsync();
        using var browser = RpApp.NewBrowser(); // cookies are per host, not port: one jar, like a load balancer

        using (var login = await LoginAsync(browser, a))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        }
        using (var onB = await browser.GetAsync(b.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
            Assert.Equal("hello alice", await onB.Content.ReadAsStringAsync());
        }

        using (var logout = await browser.GetAsync(b.Url("/oidc/callback?logout=%2F")))
        {
            Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        }
        // The cookie is gone from this jar; a copy of it must not work on A either.
        using var onA = await browser.GetAsync(a.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, onA.StatusCode);
    }

    [Fact]
    public async Task A_copied_session_cookie_stops_working_on_every_instance_after_logout()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        var b = await farm.StartInstanceAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var login = await LoginAsync(browser, a))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var stolen = new CookieContainer();
        stolen.Add(a.BaseUrl, new Cookie("oidc_session", jar.GetCookies(a.BaseUrl)["oidc_session"]!.Value));

        using (var logout = await browser.GetAsync(b.Url("/oidc/callback?logout=%2F")))
        {
            Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        }
        using var replay = await RpApp.NewBrowser(stolen).GetAsync(a.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, replay.StatusCode);
    }

    [Fact]
    public async Task A_session_survives_an_instance_restart()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        using var browser = RpApp.NewBrowser();
        using (var login = await LoginAsync(browser, a))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        await farm.StopInstanceAsync(a);

        var restarted = await farm.StartInstanceAsync();
        using var page = await browser.GetAsync(restarted.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_raw_dump_of_redis_shows_no_session_id_token_sub_or_email()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        farm.Op.Behavior.Subject = "alice-" + Guid.NewGuid().ToString("N");
        var a = await farm.StartInstanceAsync();
        var jar = new CookieContainer();
        using var browser = RpApp.NewBrowser(jar);
        using (var login = await LoginAsync(browser, a))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var tokens = await browser.GetStringAsync(a.Url("/tokens"));
        using var json = System.Text.Json.JsonDocument.Parse(tokens);
        var secrets = new[]
        {
            farm.Op.Behavior.Subject, "alice@example.com", "Alice Example",
            json.RootElement.GetProperty("access_token").GetString()!,
            json.RootElement.GetProperty("id_token").GetString()!,
            json.RootElement.GetProperty("refresh_token").GetString()!,
            jar.GetCookies(a.BaseUrl)["oidc_session"]!.Value,
        };

        using var raw = new RedisRawClient(_redis.Server);
        var entries = (await raw.ReadAllAsync()).Where(e => e.Key.StartsWith("authopenidc:", StringComparison.Ordinal)).ToList();
        Assert.Contains(entries, e => e.Key.StartsWith("authopenidc:s:", StringComparison.Ordinal));
        foreach (var entry in entries)
        {
            var value = entry.Value is null ? string.Empty : Encoding.Latin1.GetString(entry.Value);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, entry.Key, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, value, StringComparison.Ordinal);
                // A token's first 16 characters would already identify it.
                Assert.DoesNotContain(secret[..Math.Min(16, secret.Length)], value, StringComparison.Ordinal);
            }
            Assert.NotNull(entry.TimeToLive); // everything expires
        }
    }

    [Fact]
    public async Task A_session_value_moved_to_another_key_or_altered_by_one_byte_is_rejected()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var a = await farm.StartInstanceAsync();
        using var raw = new RedisRawClient(_redis.Server);

        farm.Op.Behavior.Subject = "alice";
        using var alice = RpApp.NewBrowser();
        using (var login = await LoginAsync(alice, a))
        {
            Assert.Equal("hello alice", login.Body);
        }
        var aliceKeys = (await raw.KeysAsync("authopenidc:s:*")).ToHashSet();

        farm.Op.Behavior.Subject = "bob";
        using var bob = RpApp.NewBrowser();
        using (var login = await OidcLoginDriver.LoginAsync(bob, a.Url("/protected"), "bob"))
        {
            Assert.Equal("hello bob", login.Body);
        }
        var bobKey = (await raw.KeysAsync("authopenidc:s:*")).Single(k => !aliceKeys.Contains(k));
        var aliceKey = aliceKeys.Single();

        // Bob's key now holds Alice's value: it must not make Bob Alice, nor keep Bob logged in.
        var aliceValue = (await raw.GetAsync(aliceKey))!;
        await raw.SetAsync(bobKey, aliceValue, TimeSpan.FromMinutes(5));
        using (var moved = await bob.GetAsync(a.Url("/protected")))
        {
            Assert.Equal(HttpStatusCode.Found, moved.StatusCode);
        }

        // One flipped byte in Alice's own value: no session either.
        var altered = (byte[])aliceValue.Clone();
        altered[altered.Length / 2] ^= 0x01;
        await raw.SetAsync(aliceKey, altered, TimeSpan.FromMinutes(5));
        using var tampered = await alice.GetAsync(a.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, tampered.StatusCode);
        Assert.Contains("CacheValueRejected", a.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotated_passphrase_keeps_existing_sessions()
    {
        await using var farm = await SharedCacheFarm.StartAsync(_redis.Server);
        var old = await farm.StartInstanceAsync(passphrases: ["old-passphrase-0123456789-abcdefghij"]);
        using var browser = RpApp.NewBrowser();
        using (var login = await LoginAsync(browser, old))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var rotated = await farm.StartInstanceAsync(passphrases: ["new-passphrase-0123456789-abcdefghij", "old-passphrase-0123456789-abcdefghij"]);
        using var page = await browser.GetAsync(rotated.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var newOnly = await farm.StartInstanceAsync(passphrases: ["new-passphrase-0123456789-abcdefghij"]);
        using var refused = await browser.GetAsync(newOnly.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, refused.StatusCode);
    }
}
