using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.TestOp;

/// <summary>Tests of the scriptable test OP itself, over real HTTP on loopback. Each test gets a fresh OP.</summary>
public sealed class ScriptableOpSelfTests : IAsyncLifetime
{
    private ScriptableOp _op = null!;
    private ScriptableOpDirectClient _client = null!;

    public async Task InitializeAsync()
    {
        _op = await ScriptableOp.StartAsync();
        _client = new ScriptableOpDirectClient(_op);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _op.DisposeAsync();
    }

    [Fact]
    public async Task Discovery_AdvertisesEndpointsAndCapabilities()
    {
        var doc = await _client.GetJsonAsync(_op.DiscoveryEndpoint);

        Assert.DoesNotContain("/", _op.IssuerIdentifier[^1..], StringComparison.Ordinal);
        string[] fields = ["issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint"];
        string[] paths = ["", "/authorize", "/token", "/userinfo", "/jwks", "/end_session"];
        Assert.Equal(paths.Select(p => _op.IssuerIdentifier + p), fields.Select(f => doc.GetProperty(f).GetString()));
        Assert.Equal(["code"], Strings(doc, "response_types_supported"));
        Assert.Equal(["query", "form_post"], Strings(doc, "response_modes_supported"));
        Assert.Equal(["public"], Strings(doc, "subject_types_supported"));
        Assert.Equal(["RS256", "ES256", "PS256", "HS256"], Strings(doc, "id_token_signing_alg_values_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Strings(doc, "token_endpoint_auth_methods_supported"));
        Assert.Equal(["S256"], Strings(doc, "code_challenge_methods_supported"));
        Assert.True(doc.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(1, _op.DiscoveryRequests);
    }

    [Fact]
    public async Task Discovery_BehaviorOverridesIssuerOmitsEndpointsAndCanFail()
    {
        _op.Behavior.DiscoveryIssuer = "https://impostor.example";
        _op.Behavior.OmittedDiscoveryFields.Add("userinfo_endpoint");
        _op.Behavior.AuthorizationResponseIssParameterSupported = false;
        _op.Behavior.DiscoveryOverrides["token_endpoint"] = "https://evil.example/token";

        var doc = await _client.GetJsonAsync(_op.DiscoveryEndpoint);
        Assert.Equal("https://impostor.example", doc.GetProperty("issuer").GetString());
        Assert.False(doc.TryGetProperty("userinfo_endpoint", out _));
        Assert.False(doc.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal("https://evil.example/token", doc.GetProperty("token_endpoint").GetString());

        _op.Behavior.DiscoveryStatus = 503;
        using var failed = await _client.Http.GetAsync(_op.DiscoveryEndpoint);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.StartsWith("text/html", failed.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwks_PublishesOnlyPublicRsaAndEcKeys()
    {
        var jwks = await _client.Http.GetStringAsync(_op.JwksEndpoint);
        var keys = new JsonWebKeySet(jwks).Keys;

        Assert.Equal(["k1", "p1", "e1"], keys.Select(k => k.Kid));
        Assert.Equal(["RS256", "PS256", "ES256"], keys.Select(k => k.Alg));
        Assert.Equal("P-256", keys.Single(k => k.Kid == "e1").Crv);
        Assert.All(keys, k => Assert.False(k.HasPrivateKey));
        Assert.DoesNotContain("\"d\"", jwks, StringComparison.Ordinal);
        Assert.Equal(1, _op.JwksRequests);
    }

    [Fact]
    public async Task AuthorizeAndRedeem_WithPkceS256AndBasicAuth_IssuesIdTokenValidAgainstJwks()
    {
        var authorization = await _client.AuthorizeAsync();
        Assert.NotNull(authorization.Code);
        Assert.Equal(_op.IssuerIdentifier, authorization.Iss);
        Assert.Equal(_op.LastAuthorizationRequest!["state"], authorization.State);
        Assert.Equal(authorization.Nonce, _op.LastAuthorizationRequest["nonce"]);
        Assert.Equal("S256", _op.LastAuthorizationRequest["code_challenge_method"]);

        using var response = await _client.RedeemCodeAsync(authorization.Code, authorization.CodeVerifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        Assert.Equal("openid profile email offline_access", body.GetProperty("scope").GetString());

        var idToken = body.GetProperty("id_token").GetString()!;
        Assert.Null(await _client.FindIdTokenViolationAsync(idToken, authorization.Nonce));
        var jwt = new JsonWebToken(idToken);
        Assert.Equal(("RS256", "k1", "JWT"), (jwt.Alg, jwt.Kid, jwt.Typ));
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal([ScriptableOp.DefaultClientId], jwt.Audiences);
        Assert.True(jwt.TryGetPayloadValue<long>("auth_time", out _));
        Assert.True(jwt.TryGetPayloadValue<string>("sid", out var sid) && sid.Length > 20);

        Assert.Equal(1, _op.TokenRequests);
        Assert.StartsWith("Basic ", _op.LastTokenRequest!.AuthorizationHeader, StringComparison.Ordinal);
        Assert.Equal(authorization.CodeVerifier, _op.LastTokenRequest.Form["code_verifier"]);
    }

    [Fact]
    public async Task Token_ClientAuthentication_PostNoneAndFormUrlDecodedBasic()
    {
        var post = await _client.AuthorizeAsync();
        using var viaPost = await _client.RedeemCodeAsync(post.Code, post.CodeVerifier, authentication: TestClientAuthentication.ClientSecretPost);
        Assert.Equal(HttpStatusCode.OK, viaPost.StatusCode);
        Assert.Null(_op.LastTokenRequest!.AuthorizationHeader);

        _op.AddClient("spa", null);
        var pub = await _client.AuthorizeAsync(clientId: "spa");
        using var viaNone = await _client.RedeemCodeAsync(pub.Code, pub.CodeVerifier, authentication: TestClientAuthentication.None, clientId: "spa");
        Assert.Equal(HttpStatusCode.OK, viaNone.StatusCode);

        _op.AddClient("odd:client id", "s3cret/+:&= %");
        var odd = await _client.AuthorizeAsync(clientId: "odd:client id");
        using var viaBasic = await _client.RedeemCodeAsync(odd.Code, odd.CodeVerifier, clientId: "odd:client id", clientSecret: "s3cret/+:&= %");
        Assert.Equal(HttpStatusCode.OK, viaBasic.StatusCode);
    }

    [Theory]
    [InlineData(TestClientAuthentication.ClientSecretBasic, "wrong-secret")]
    [InlineData(TestClientAuthentication.ClientSecretPost, "wrong-secret")]
    [InlineData(TestClientAuthentication.None, null)]
    public async Task Token_BadClientAuthentication_IsInvalidClient401(TestClientAuthentication method, string? secret)
    {
        var authorization = await _client.AuthorizeAsync();
        using var response = await _client.RedeemCodeAsync(authorization.Code, authorization.CodeVerifier, authentication: method, clientSecret: secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", await ScriptableOpDirectClient.ReadErrorAsync(response));
        Assert.Equal(method == TestClientAuthentication.ClientSecretBasic, response.Headers.WwwAuthenticate.Count > 0);
    }

    [Fact]
    public async Task Token_PkceMismatchMissingVerifierAndRedirectMismatch_AreInvalidGrant()
    {
        var a = await _client.AuthorizeAsync();
        using var wrongVerifier = await _client.RedeemCodeAsync(a.Code, new string('x', 43));
        Assert.Equal("invalid_grant", await ScriptableOpDirectClient.ReadErrorAsync(wrongVerifier));

        var b = await _client.AuthorizeAsync();
        using var noVerifier = await _client.RedeemCodeAsync(b.Code, null);
        Assert.Equal("invalid_grant", await ScriptableOpDirectClient.ReadErrorAsync(noVerifier));

        var c = await _client.AuthorizeAsync();
        using var wrongRedirect = await _client.RedeemCodeAsync(c.Code, c.CodeVerifier, redirectUri: "https://rp.example/other");
        Assert.Equal(HttpStatusCode.BadRequest, wrongRedirect.StatusCode);
        Assert.Equal("invalid_grant", await ScriptableOpDirectClient.ReadErrorAsync(wrongRedirect));
    }

    [Theory]
    [InlineData(false, HttpStatusCode.BadRequest)]
    [InlineData(true, HttpStatusCode.OK)]
    public async Task Token_CodeReplay_IsRejectedUnlessAllowCodeReuse(bool allowReuse, HttpStatusCode expectedSecond)
    {
        _op.Behavior.AllowCodeReuse = allowReuse;
        var authorization = await _client.AuthorizeAsync();
        using var first = await _client.RedeemCodeAsync(authorization.Code, authorization.CodeVerifier);
        using var second = await _client.RedeemCodeAsync(authorization.Code, authorization.CodeVerifier);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(expectedSecond, second.StatusCode);
        Assert.Equal(2, _op.TokenRequests);
    }

    public static IEnumerable<object[]> Attacks
        => ReferenceIdTokenValidator.ExpectedViolationByAttack.Select(p => new object[] { p.Key, p.Value });

    [Fact]
    public void Attacks_CoverEveryIdTokenAttack()
        => Assert.Equal(Enum.GetValues<IdTokenAttack>().Where(a => a != IdTokenAttack.None), ReferenceIdTokenValidator.ExpectedViolationByAttack.Keys);

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task IdTokenAttack_ProducesTokenThatFailsTheCorrespondingValidation(IdTokenAttack attack, string expectedViolation)
    {
        _op.Behavior.IdTokenAttack = attack;
        var (idToken, nonce) = await _client.LoginForIdTokenAsync();

        var violation = await _client.FindIdTokenViolationAsync(idToken, nonce);
        Assert.NotNull(violation);
        Assert.Contains(expectedViolation, violation, StringComparison.OrdinalIgnoreCase);
        var jwt = new JsonWebToken(idToken);
        var expectedHeader = attack switch
        {
            IdTokenAttack.AlgNone => ("none", ""),
            IdTokenAttack.Hs256WithRsaPublicKey or IdTokenAttack.Hs256WithRsaPublicKeyDer => ("HS256", "k1"),
            IdTokenAttack.UnknownKid => ("RS256", ScriptableOp.NeverPublishedKeyId),
            _ => ("RS256", "k1"),
        };
        Assert.Equal(expectedHeader, (jwt.Alg, jwt.Kid ?? ""));
        Assert.Equal(attack is IdTokenAttack.AlgNone or IdTokenAttack.SignatureStripped, idToken.EndsWith('.'));
    }

    [Theory]
    [InlineData("RS256", "k1")]
    [InlineData("PS256", "p1")]
    [InlineData("ES256", "e1")]
    [InlineData("HS256", null)]
    public async Task SigningAlgorithm_ProducesTokenThatValidates(string algorithm, string? kid)
    {
        _op.Behavior.SigningAlgorithm = algorithm;
        var (idToken, nonce) = await _client.LoginForIdTokenAsync();

        var jwt = new JsonWebToken(idToken);
        Assert.Equal(algorithm, jwt.Alg);
        Assert.Equal(kid, string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid);
        SecurityKey[] hmacKey = [new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(ScriptableOp.DefaultClientSecret))];
        Assert.Null(await _client.FindIdTokenViolationAsync(idToken, nonce, algorithm == "HS256" ? hmacKey : null));
    }

    [Fact]
    public async Task RotateSigningKey_NextJwksFetchHasTheNewKid_AndTokensUseIt()
    {
        Assert.Equal(["k1", "p1", "e1"], Kids(await _client.GetJwksAsync()));
        var kid = _op.RotateSigningKey();

        Assert.Equal("k2", kid);
        var (idToken, nonce) = await _client.LoginForIdTokenAsync();
        Assert.Equal("k2", new JsonWebToken(idToken).Kid);
        Assert.Contains("k2", Kids(await _client.GetJwksAsync()));
        Assert.Null(await _client.FindIdTokenViolationAsync(idToken, nonce));

        _op.RotateSigningKey(retirePreviousKeys: true);
        Assert.Equal(["p1", "e1", "k3"], Kids(await _client.GetJwksAsync()));
        Assert.Equal(4, _op.JwksRequests);
    }

    [Fact]
    public async Task RotateSigningKey_WithheldPublication_AndUnknownKidNeverPublished()
    {
        _op.Behavior.PublishNewKeyImmediately = false;
        _op.Behavior.NewKeyWithheldForJwksFetches = 2;
        var kid = _op.RotateSigningKey();

        Assert.DoesNotContain(kid, Kids(await _client.GetJwksAsync()));
        Assert.DoesNotContain(kid, Kids(await _client.GetJwksAsync()));
        Assert.Contains(kid, Kids(await _client.GetJwksAsync()));

        _op.Behavior.IdTokenAttack = IdTokenAttack.UnknownKid;
        var (idToken, _) = await _client.LoginForIdTokenAsync();
        Assert.Equal(ScriptableOp.NeverPublishedKeyId, new JsonWebToken(idToken).Kid);
        for (var i = 0; i < 3; i++)
        {
            Assert.DoesNotContain(ScriptableOp.NeverPublishedKeyId, Kids(await _client.GetJwksAsync()));
        }
    }

    [Fact]
    public async Task Refresh_RotatesTheRefreshToken_AndTheOldOneIsInvalidGrant()
    {
        var login = await _client.LoginAsync();
        var firstRefresh = login.GetProperty("refresh_token").GetString()!;
        var firstSid = new JsonWebToken(login.GetProperty("id_token").GetString()).GetPayloadValue<string>("sid");

        using var refreshed = await _client.RefreshAsync(firstRefresh);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement;
        Assert.NotEqual(firstRefresh, body.GetProperty("refresh_token").GetString());
        var refreshedIdToken = body.GetProperty("id_token").GetString()!;
        Assert.Null(await _client.FindIdTokenViolationAsync(refreshedIdToken, expectedNonce: null));
        Assert.Equal(firstSid, new JsonWebToken(refreshedIdToken).GetPayloadValue<string>("sid"));
        Assert.False(new JsonWebToken(refreshedIdToken).TryGetPayloadValue<string>("nonce", out _));

        using var replayed = await _client.RefreshAsync(firstRefresh);
        Assert.Equal("invalid_grant", await ScriptableOpDirectClient.ReadErrorAsync(replayed));
        Assert.Equal(2, _op.RefreshGrants);
    }

    [Fact]
    public async Task UserInfo_RequiresABearerTokenFromThisOp_AndHonoursOverrides()
    {
        using var anonymous = await _client.Http.GetAsync(_op.UserInfoEndpoint);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", anonymous.Headers.WwwAuthenticate.ToString());
        using var forged = await _client.GetUserInfoAsync("forged-token");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        var accessToken = (await _client.LoginAsync()).GetProperty("access_token").GetString()!;
        using var ok = await _client.GetUserInfoAsync(accessToken);
        var claims = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal(["staff", "engineering"], Strings(claims, "groups"));
        Assert.Equal(["user", "admin"], Strings(claims.GetProperty("realm_access"), "roles"));
        Assert.Equal("Bearer " + accessToken, _op.LastUserInfoAuthorizationHeader);

        _op.Behavior.UserInfoSub = "mallory";
        using var mismatched = await _client.GetUserInfoAsync(accessToken);
        Assert.Contains("\"sub\":\"mallory\"", await mismatched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        _op.Behavior.UserInfoBody = "[1,2,3]";
        using var array = await _client.GetUserInfoAsync(accessToken);
        Assert.Equal("[1,2,3]", await array.Content.ReadAsStringAsync());
        _op.Behavior.UserInfoStatus = 500;
        using var failed = await _client.GetUserInfoAsync(accessToken);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(6, _op.UserInfoRequests);
    }

    [Theory]
    [InlineData(IssParameterMode.Correct)]
    [InlineData(IssParameterMode.Omit)]
    [InlineData(IssParameterMode.Wrong)]
    public async Task Authorize_IssParameterModes(IssParameterMode mode)
    {
        _op.Behavior.IssParameter = mode;
        var authorization = await _client.AuthorizeAsync();

        var expected = mode switch
        {
            IssParameterMode.Correct => _op.IssuerIdentifier,
            IssParameterMode.Wrong => ScriptableOpBehavior.WrongIssuerValue,
            _ => null,
        };
        Assert.Equal(expected, authorization.Iss);
    }

    [Fact]
    public async Task Authorize_ScriptedErrorDuplicatedStateAndUnknownClient()
    {
        _op.Behavior.AuthorizationError = "access_denied";
        _op.Behavior.ExtraAuthorizationResponseParameters.Add(new("state", "attacker-state"));
        var denied = await _client.AuthorizeAsync();

        Assert.Equal("access_denied", denied.Error);
        Assert.Null(denied.Code);
        Assert.Contains("<script>alert(1)</script>", denied.All("error_description").Single(), StringComparison.Ordinal);
        Assert.Equal([_op.LastAuthorizationRequest!["state"], "attacker-state"], denied.All("state"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _client.AuthorizeAsync(clientId: "nobody"));
    }

    [Fact]
    public async Task Authorize_FormPost_ReturnsAnAutoSubmittingFormWithEncodedValues()
    {
        var url = _op.AuthorizationEndpoint + "?response_type=code&client_id=rp&scope=openid&response_mode=form_post"
            + "&redirect_uri=" + Uri.EscapeDataString("https://rp.example/cb?a=1&b=2") + "&state=" + Uri.EscapeDataString("\"><x>");
        var html = await _client.Http.GetStringAsync(url);

        Assert.Contains("<form method=\"post\" action=\"https://rp.example/cb?a=1&amp;b=2\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state\" value=\"&quot;&gt;&lt;x&gt;\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"code\"", html, StringComparison.Ordinal);
        Assert.Contains($"name=\"iss\" value=\"{_op.IssuerIdentifier}\"", html, StringComparison.Ordinal);
        Assert.Contains("document.forms[0].submit()", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_ScriptedFailuresAndDelay()
    {
        _op.Behavior.TokenError = "invalid_grant";
        var a = await _client.AuthorizeAsync();
        using var error = await _client.RedeemCodeAsync(a.Code, a.CodeVerifier);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (error.StatusCode, await ScriptableOpDirectClient.ReadErrorAsync(error)));

        _op.Behavior.TokenEndpointStatus = 500;
        using var html = await _client.RedeemCodeAsync(a.Code, a.CodeVerifier);
        Assert.Equal(HttpStatusCode.InternalServerError, html.StatusCode);
        Assert.Contains("<html>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        _op.Behavior.Reset();
        _op.Behavior.TokenResponseBody = "this is not json";
        _op.Behavior.TokenDelay = TimeSpan.FromMilliseconds(300);
        var stopwatch = Stopwatch.StartNew();
        using var raw = await _client.RedeemCodeAsync(a.Code, a.CodeVerifier);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(250), $"took {stopwatch.Elapsed}");
        Assert.Equal("this is not json", await raw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReplayPreviousIdToken_ExtraClaims_AndBrokenCombinationIs500()
    {
        _op.Behavior.ExtraIdTokenClaims["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "admin" } };
        _op.Behavior.ExtraIdTokenClaims["amr"] = new[] { "pwd", "mfa" };
        var (first, _) = await _client.LoginForIdTokenAsync();
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(first.Split('.')[1])).RootElement;
        Assert.Equal(["admin"], Strings(payload.GetProperty("realm_access"), "roles"));
        Assert.Equal(["pwd", "mfa"], Strings(payload, "amr"));

        _op.Behavior.ReplayPreviousIdToken = true;
        var (replayed, nonce) = await _client.LoginForIdTokenAsync();
        Assert.Equal(first, replayed);
        Assert.Equal("nonce mismatch", await _client.FindIdTokenViolationAsync(replayed, nonce));

        _op.Behavior.Reset();
        _op.Behavior.SigningAlgorithm = "HS256";
        _op.AddClient("spa", null);
        var pub = await _client.AuthorizeAsync(clientId: "spa");
        using var broken = await _client.RedeemCodeAsync(pub.Code, pub.CodeVerifier, authentication: TestClientAuthentication.None, clientId: "spa");
        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        Assert.Contains("HS256 needs a client secret", _op.LastEndpointError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndSession_RedirectsWithState_OrSaysLoggedOut()
    {
        using var redirect = await _client.Http.GetAsync(_op.EndSessionEndpoint + "?post_logout_redirect_uri="
            + Uri.EscapeDataString("https://rp.example/bye") + "&state=s1&id_token_hint=h");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("https://rp.example/bye?state=s1", redirect.Headers.Location?.OriginalString);
        Assert.Equal("h", _op.LastEndSessionRequest!["id_token_hint"]);

        using var plain = await _client.Http.GetAsync(_op.EndSessionEndpoint);
        Assert.Equal("logged out", await plain.Content.ReadAsStringAsync());
        Assert.Equal(2, _op.EndSessionRequests);
    }

    [Fact]
    public async Task UnreachableIssuer_RefusesConnections()
    {
        var issuer = ScriptableOp.UnreachableIssuer();
        Assert.Equal("127.0.0.1", issuer.Host);
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.Http.GetAsync(new Uri(issuer, ScriptableOp.DiscoveryPath)));
    }

    private static List<string> Kids(JsonWebKeySet jwks) => jwks.Keys.Select(k => k.Kid).ToList();

    private static List<string?> Strings(JsonElement element, string name)
        => element.GetProperty(name).EnumerateArray().Select(e => e.GetString()).ToList();
}
