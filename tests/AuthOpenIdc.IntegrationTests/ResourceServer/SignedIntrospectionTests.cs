using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuthOpenIdc.ResourceServer;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>
/// RFC 9701 signed introspection responses against the scriptable authorization server: a good one is used, every
/// hostile one (signature, aud, iss, typ, iat, claim) is an untrusted server (503, event 5007) and never cached.
/// </summary>
public sealed class SignedIntrospectionTests : IAsyncLifetime
{
    private TestAuthorizationServer _as = null!;

    public async Task InitializeAsync() => _as = await TestAuthorizationServer.StartAsync();

    public async Task DisposeAsync() => await _as.DisposeAsync();

    private Task<RsApp> StartRs(IntrospectionSignedResponse mode) => RsApp.StartAsync(o =>
    {
        _as.ConfigureIntrospection(o);
        o.IntrospectionSignedResponse = mode;
    });

    private static async Task<HttpResponseMessage> CallAsync(RsApp rs, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await rs.Client.SendAsync(request);
    }

    [Theory]
    [InlineData(IntrospectionSignedResponse.Allow)]
    [InlineData(IntrospectionSignedResponse.Require)]
    public async Task A_valid_signed_response_is_used_and_cached(IntrospectionSignedResponse mode)
    {
        await using var rs = await StartRs(mode);
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.SignedIntrospection = r => _as.SignIntrospection(r);

        using var first = await CallAsync(rs, token);
        using var second = await CallAsync(rs, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("\"alice\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, _as.IntrospectionCalls);
        Assert.StartsWith("application/token-introspection+jwt", _as.LastIntrospectionAccept, StringComparison.Ordinal);
        if (mode == IntrospectionSignedResponse.Require)
        {
            Assert.DoesNotContain("application/json", _as.LastIntrospectionAccept, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_inactive_signed_response_refuses_the_token()
    {
        await using var rs = await StartRs(IntrospectionSignedResponse.Require);
        _as.SignedIntrospection = r => _as.SignIntrospection(r);

        using var response = await CallAsync(rs, "unknown-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("the token is not active", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_still_accepts_plain_json_and_require_refuses_it_as_an_untrusted_server()
    {
        await using var allow = await StartRs(IntrospectionSignedResponse.Allow);
        await using var require = await StartRs(IntrospectionSignedResponse.Require);
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));

        using var allowed = await CallAsync(allow, token);
        using var refused = await CallAsync(require, token);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains(require.Logs, l => l.Contains("ResourceServerSignedIntrospectionRejected", StringComparison.Ordinal) && l.Contains("plain JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Off_neither_asks_for_nor_accepts_a_signed_response()
    {
        await using var rs = await StartRs(IntrospectionSignedResponse.Off);
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        _as.SignedIntrospection = r => _as.SignIntrospection(r);

        using var response = await CallAsync(rs, token);

        Assert.Equal("application/json", _as.LastIntrospectionAccept);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains(rs.Logs, l => l.Contains("ResourceServerSignedIntrospectionRejected", StringComparison.Ordinal) && l.Contains("nobody asked for it", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "signature", "its signature is invalid" },
        { "unknown key", "its signing key is unknown" },
        { "aud", "its aud is not our ClientId" },
        { "no aud", "its aud is not our ClientId" },
        { "iss", "its iss is not the configured Issuer" },
        { "typ", "its typ header is not token-introspection+jwt" },
        { "no iat", "it has no iat" },
        { "iat in the future", "its iat is in the future" },
        { "expired", "it expired" },
        { "exp not a number", "it is not a well-formed JWT" },
        { "claim not an object", "its token_introspection claim is missing or not an object" },
        { "not a jwt", "it is not a well-formed JWT" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_signed_response_is_an_untrusted_server_503_logged_and_not_cached(string attack, string reason)
    {
        await using var rs = await StartRs(IntrospectionSignedResponse.Require);
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        var stranger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = _as.SigningKey.KeyId };
        _as.SignedIntrospection = attack switch
        {
            "signature" => r => _as.SignIntrospection(r, key: stranger),
            "unknown key" => r => _as.SignIntrospection(r, key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "nobody" }),
            "aud" => r => _as.SignIntrospection(r, audience: "someone-else"),
            "no aud" => r => _as.SignIntrospection(r, audience: null),
            "iss" => r => _as.SignIntrospection(r, issuer: "https://evil.example"),
            "typ" => r => _as.SignIntrospection(r, typ: "JWT"),
            "no iat" => r => _as.SignIntrospection(r, iat: false),
            "iat in the future" => r => _as.SignIntrospection(r, tweak: p => p["iat"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()),
            "expired" => r => _as.SignIntrospection(r, tweak: p => p["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()),
            "exp not a number" => r => _as.SignIntrospection(r, tweak: p => p["exp"] = "tomorrow"),
            "claim not an object" => r => _as.SignIntrospection(r, claim: JsonValue.Create(r.ToJsonString())),
            "not a jwt" => r => r.ToJsonString(),
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };

        using var first = await CallAsync(rs, token);
        using var second = await CallAsync(rs, token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(2, _as.IntrospectionCalls);
        var rejected = rs.Logs.Where(l => l.Contains("ResourceServerSignedIntrospectionRejected", StringComparison.Ordinal)).ToList();
        Assert.True(rejected.Count > 0 && rejected.All(l => l.Contains(reason, StringComparison.Ordinal)), string.Join(Environment.NewLine, rejected));
        Assert.DoesNotContain(rs.Logs, l => l.Contains(token, StringComparison.Ordinal));

        // The same server answering properly again is trusted again: nothing bad was remembered.
        _as.SignedIntrospection = r => _as.SignIntrospection(r);
        using var recovered = await CallAsync(rs, token);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }
}
