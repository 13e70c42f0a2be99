using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Every forged or broken ID token ends in an error page, no session, and an app that keeps serving.</summary>
public sealed class IdTokenAttackTests
{
    [Theory]
    [InlineData(IdTokenAttack.BadSignature)]
    [InlineData(IdTokenAttack.SignatureStripped)]
    [InlineData(IdTokenAttack.AlgNone)]
    [InlineData(IdTokenAttack.Hs256WithRsaPublicKey)]
    [InlineData(IdTokenAttack.Hs256WithRsaPublicKeyDer)]
    [InlineData(IdTokenAttack.UnknownKid)]
    [InlineData(IdTokenAttack.WrongAudience)]
    [InlineData(IdTokenAttack.MissingAudience)]
    [InlineData(IdTokenAttack.AzpMismatch)]
    [InlineData(IdTokenAttack.WrongIssuer)]
    [InlineData(IdTokenAttack.Expired)]
    [InlineData(IdTokenAttack.MissingExp)]
    [InlineData(IdTokenAttack.MissingIat)]
    [InlineData(IdTokenAttack.IatFarInFuture)]
    [InlineData(IdTokenAttack.MissingSub)]
    [InlineData(IdTokenAttack.NonceMismatch)]
    [InlineData(IdTokenAttack.MissingNonce)]
    public async Task Forged_id_token_is_rejected(IdTokenAttack attack)
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.IdTokenAttack = attack);
        using var browser = RpApp.NewBrowser();

        using var login = await h.LoginAsync(browser);

        Assert.True(login.StatusCode == HttpStatusCode.Unauthorized, login.ToString());
        Assert.Contains("invalid_id_token", login.Body, StringComparison.Ordinal);
        await h.AssertNoSessionAndStillServingAsync(browser);
    }

    [Fact]
    public async Task Several_audiences_without_azp_are_accepted_with_a_warning()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.IdTokenAttack = IdTokenAttack.MultipleAudiencesNoAzp);
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Contains("IdTokenMultipleAudiencesWithoutAzp", h.Rp.AllLogs(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("PS256")]
    [InlineData("HS256")]
    public async Task Other_signature_algorithms_validate(string algorithm)
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.SigningAlgorithm = algorithm);
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Equal("hello alice", login.Body);
    }

    [Fact]
    public async Task An_algorithm_outside_the_allow_list_is_rejected()
    {
        await using var h = await HostileOpHarness.StartAsync(tweak: o => o.IdTokenSigningAlgorithms.Add("RS256"), behave: b => b.SigningAlgorithm = "ES256");
        using var login = await h.LoginAsync(RpApp.NewBrowser());
        Assert.True(login.StatusCode == HttpStatusCode.Unauthorized, login.ToString());
    }

    [Fact]
    public async Task Key_rotation_refreshes_the_jwks_once_and_the_login_succeeds()
    {
        await using var h = await HostileOpHarness.StartAsync();
        using (var first = await h.LoginAsync(RpApp.NewBrowser()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var fetches = h.Op.JwksRequests;
        h.Op.RotateSigningKey();

        using var second = await h.LoginAsync(RpApp.NewBrowser());

        Assert.True(second.StatusCode == HttpStatusCode.OK, second.ToString());
        Assert.Equal(fetches + 1, h.Op.JwksRequests);
    }

    [Fact]
    public async Task Unknown_kids_force_at_most_one_jwks_refresh_per_interval()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.IdTokenAttack = IdTokenAttack.UnknownKid);
        for (var i = 0; i < 4; i++)
        {
            using var login = await h.LoginAsync(RpApp.NewBrowser());
            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        }
        // One fetch at startup of the metadata, one forced refresh; the other three were rate-limited.
        Assert.Equal(2, h.Op.JwksRequests);
        Assert.Contains("ForcedJwksRefreshRateLimited", h.Rp.AllLogs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_nonce_is_rejected_even_with_a_valid_state_cookie()
    {
        await using var h = await HostileOpHarness.StartAsync(behave: b => b.AllowCodeReuse = true);
        var cookies = new CookieContainer();
        using var victim = RpApp.NewBrowser(cookies);
        var callback = await h.AuthorizationResponseUrlAsync(victim);
        var stolenCookies = cookies.GetCookies(h.Rp.BaseUrl);
        using (var completed = await victim.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.Found, completed.StatusCode);
        }

        var attackerJar = new CookieContainer();
        foreach (Cookie cookie in stolenCookies)
        {
            attackerJar.Add(h.Rp.BaseUrl, new Cookie(cookie.Name, cookie.Value, "/"));
        }
        using var attacker = RpApp.NewBrowser(attackerJar);
        using var replay = await attacker.GetAsync(callback);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("invalid_id_token", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("replay", h.Rp.AllLogs(), StringComparison.Ordinal);
    }
}
