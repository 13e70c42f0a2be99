using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AuthOpenIdc.ResourceServer;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>Local JWT validation against a scriptable authorization server: the valid path, the cache, and every hostile token.</summary>
public sealed class JwtAccessTokenTests : IAsyncLifetime
{
    private TestAuthorizationServer _as = null!;
    private RsApp _rs = null!;

    public async Task InitializeAsync()
    {
        _as = await TestAuthorizationServer.StartAsync();
        _rs = await StartRs(_ => { });
    }

    public async Task DisposeAsync()
    {
        await _rs.DisposeAsync();
        await _as.DisposeAsync();
    }

    private Task<RsApp> StartRs(Action<OAuthResourceServerOptions> more) => RsApp.StartAsync(o =>
    {
        o.Issuer = _as.Issuer;
        o.Audiences.Add(TestAuthorizationServer.Audience);
        o.RequireHttpsMetadata = false;
        o.Realm = "test-api";
        o.ClockSkew = TimeSpan.FromSeconds(5);
        more(o);
    });

    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    private async Task<HttpResponseMessage> Send(string token, string path = "/api/me") => await _rs.Client.SendAsync(Get(path, token));

    [Fact]
    public async Task A_valid_jwt_is_accepted_and_the_principal_has_the_remote_user_and_split_scopes()
    {
        using var response = await Send(_as.Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("alice", (string?)body["name"]);
        Assert.Equal(["api:read", "api:write"], body["scopes"]!.AsArray().Select(s => (string)s!).ToArray());
    }

    [Fact]
    public async Task A_cached_jwt_is_not_validated_again()
    {
        var token = _as.Sign();

        for (var i = 0; i < 5; i++)
        {
            using var response = await Send(token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, _rs.Runtime.Validations);
        Assert.Equal(1, _as.JwksCalls);
    }

    [Fact]
    public async Task With_the_cache_off_every_request_validates()
    {
        await using var rs = await StartRs(o => o.CacheInterval = TimeSpan.FromSeconds(-1));
        var token = _as.Sign();

        for (var i = 0; i < 3; i++)
        {
            using var response = await rs.Client.SendAsync(Get("/api/me", token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, rs.Runtime.Validations);
    }

    [Fact]
    public async Task No_token_is_a_401_with_a_bare_bearer_challenge()
    {
        using var response = await _rs.Client.SendAsync(Get("/api/me", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"test-api\"", response.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string, string> HostileTokens() => new()
    {
        { "bad-signature", "the token's signature is invalid" },
        { "wrong-iss", "the token's issuer is not accepted" },
        { "wrong-aud", "the token's audience is not accepted" },
        { "missing-aud", "the token's audience is not accepted" },
        { "expired", "the token expired" },
        { "missing-exp", "the token has no expiry" },
        { "not-yet-valid", "the token is not yet valid" },
        { "alg-none", "the token's signature is invalid" },
        { "hs256-key-confusion", "the token's signature is invalid" },
        { "unknown-kid", "the token's signing key is unknown" },
        { "garbage", "the token is not a JWT" },
    };

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task Hostile_tokens_are_refused_with_invalid_token(string attack, string description)
    {
        var token = Hostile(attack);

        using var response = await Send(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Equal($"Bearer realm=\"test-api\", error=\"invalid_token\", error_description=\"{description}\"", challenge);
        Assert.DoesNotContain(_rs.Logs, l => l.Contains(token, StringComparison.Ordinal));
    }

    private string Hostile(string attack)
    {
        var claims = _as.Claims();
        switch (attack)
        {
            case "bad-signature":
                var valid = _as.Sign();
                var parts = valid.Split('.');
                return parts[0] + "." + Base64UrlEncoder.Encode(claims.ToJsonString()) + "." + parts[2];
            case "wrong-iss":
                claims["iss"] = _as.Issuer + "/other";
                return _as.Sign(claims);
            case "wrong-aud":
                claims["aud"] = "urn:other:api";
                return _as.Sign(claims);
            case "missing-aud":
                claims.Remove("aud");
                return _as.Sign(claims);
            case "expired":
                claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
                claims["iat"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
                return _as.Sign(claims);
            case "missing-exp":
                claims.Remove("exp");
                return _as.Sign(claims);
            case "not-yet-valid":
                claims["nbf"] = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds();
                return _as.Sign(claims);
            case "alg-none":
                return _as.Unsigned(claims);
            case "hs256-key-confusion":
                return _as.KeyConfusion(claims);
            case "unknown-kid":
                return _as.Sign(claims, new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "never-published" });
            default:
                return "not-a-jwt";
        }
    }

    [Fact]
    public async Task A_refused_token_is_negatively_cached()
    {
        var token = Hostile("wrong-aud");

        for (var i = 0; i < 3; i++)
        {
            using var response = await Send(token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(1, _rs.Runtime.Validations);
    }

    [Fact]
    public async Task Typ_at_jwt_is_enforced_when_required()
    {
        await using var rs = await StartRs(o => o.RequireAccessTokenType = true);

        using var plain = await rs.Client.SendAsync(Get("/api/me", _as.Sign(typ: "JWT")));
        using var at = await rs.Client.SendAsync(Get("/api/me", _as.Sign()));

        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.Contains("typ", plain.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, at.StatusCode);
    }

    [Fact]
    public async Task A_rotated_key_is_fetched_on_its_unknown_kid_and_forced_refreshes_are_rate_limited()
    {
        using (var first = await Send(_as.Sign()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal(1, _as.JwksCalls);

        _as.Rotate("k2");
        using (var rotated = await Send(_as.Sign()))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }
        Assert.Equal(2, _as.JwksCalls);

        // Tokens with ever new unknown kids cannot drive a fetch storm: one forced refresh per interval.
        for (var i = 0; i < 5; i++)
        {
            using var forged = await Send(_as.Sign(key: new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "forged" + i }));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }
        Assert.Equal(2, _as.JwksCalls);
    }

    [Fact]
    public async Task Insufficient_scope_is_a_403_with_the_rfc_6750_challenge()
    {
        using var write = await Send(_as.Sign(), "/api/write");
        using var admin = await Send(_as.Sign(), "/api/admin");

        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.StartsWith("Bearer realm=\"test-api\", error=\"insufficient_scope\"", admin.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_in_two_places_is_a_400_invalid_request()
    {
        await using var rs = await StartRs(o => o.AcceptTokenAs = AcceptTokenAs.Header | AcceptTokenAs.Query);
        var token = _as.Sign();

        using var both = await rs.Client.SendAsync(Get("/api/me?access_token=" + token, token));
        using var repeated = await rs.Client.SendAsync(Get("/api/me?access_token=" + token + "&access_token=" + token, null));
        using var query = await rs.Client.SendAsync(Get("/api/me?access_token=" + token, null));

        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.StartsWith("Bearer realm=\"test-api\", error=\"invalid_request\"", both.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, repeated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
    }

    [Fact]
    public async Task Query_tokens_are_ignored_unless_accepted()
    {
        using var response = await _rs.Client.SendAsync(Get("/api/me?access_token=" + _as.Sign(), null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"test-api\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_cors_preflight_is_not_failed_by_the_scheme()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        request.Headers.Add("Origin", "https://app.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "garbage");

        using var response = await _rs.Client.SendAsync(request);

        // The scheme does not look at a preflight's credentials (the CORS middleware answers it in a real app); this
        // endpoint has no CORS policy and still requires authorization, so it challenges without an error code.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"test-api\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Metadata_down_at_first_use_is_a_503_not_a_401()
    {
        await using var rs = await RsApp.StartAsync(o =>
        {
            o.Issuer = "http://127.0.0.1:1";
            o.Audiences.Add(TestAuthorizationServer.Audience);
            o.RequireHttpsMetadata = false;
            o.BackchannelTimeout = TimeSpan.FromSeconds(2);
        });

        using var response = await rs.Client.SendAsync(Get("/api/me", _as.Sign()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
