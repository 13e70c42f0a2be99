using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using AuthOpenIdc.ResourceServer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>
/// A resource server configured from IConfiguration only, with static keys (<c>SharedKeys</c>, <c>SigningCertificates</c>)
/// and no JWKS: tokens signed with them pass, others do not, and nothing is fetched from the (unreachable) issuer.
/// </summary>
public sealed class ConfiguredKeysTests : IDisposable
{
    private const string Issuer = "https://as.invalid";
    private const string Section = OAuthResourceServerDefaults.ConfigurationSection;

    private readonly string _directory = Directory.CreateTempSubdirectory("authopenidc-rs-keys-").FullName;
    private readonly byte[] _sharedKey = RandomNumberGenerator.GetBytes(32);
    private readonly RSA _rsa = RSA.Create(2048);

    public void Dispose()
    {
        _rsa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private IConfigurationSection Configuration(params (string Key, string Value)[] more)
    {
        using var certificate = new CertificateRequest("CN=as.invalid", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(_directory, "as.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        var values = new Dictionary<string, string?>
        {
            [$"{Section}:Issuer"] = Issuer,
            [$"{Section}:Audiences:0"] = TestAuthorizationServer.Audience,
            [$"{Section}:SharedKeys:0"] = "hex#hs1#" + Convert.ToHexString(_sharedKey),
            [$"{Section}:SigningCertificates:0"] = "rs1#" + path,
        };
        foreach (var (key, value) in more)
        {
            values[$"{Section}:{key}"] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(Section);
    }

    private static string Sign(SecurityKey key, string algorithm, string issuer = Issuer)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject { ["iss"] = issuer, ["aud"] = TestAuthorizationServer.Audience, ["sub"] = "alice", ["scope"] = "api:read", ["iat"] = now, ["exp"] = now + 300 };
        return new JsonWebTokenHandler().CreateToken(claims.ToJsonString(), new SigningCredentials(key, algorithm));
    }

    private static async Task<HttpStatusCode> CallAsync(RsApp rs, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await rs.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Tokens_signed_with_the_configured_keys_pass_and_others_are_refused()
    {
        await using var rs = await RsApp.StartAsync(Configuration());

        Assert.Equal(HttpStatusCode.OK, await CallAsync(rs, Sign(new SymmetricSecurityKey(_sharedKey) { KeyId = "hs1" }, SecurityAlgorithms.HmacSha256)));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(rs, Sign(new RsaSecurityKey(_rsa) { KeyId = "rs1" }, SecurityAlgorithms.RsaSha256)));

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(rs, Sign(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "hs1" }, SecurityAlgorithms.HmacSha256)));
        // HS512 needs a 64-byte key: the 32-byte configured one cannot verify it, which is a 401, not a 500.
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(rs, Sign(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)) { KeyId = "hs1" }, SecurityAlgorithms.HmacSha512)));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(rs, Sign(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rs1" }, SecurityAlgorithms.RsaSha256)));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(rs, Sign(new SymmetricSecurityKey(_sharedKey) { KeyId = "hs1" }, SecurityAlgorithms.HmacSha256, issuer: "https://other.invalid")));
        // Only static keys: the issuer was never asked for a JWKS (it would have been a 503).
        Assert.Equal(0, rs.Runtime.AuthorizationServer.JwksFetches);
    }

    [Fact]
    public async Task Valid_algorithms_from_configuration_still_pin_the_algorithm()
    {
        await using var rs = await RsApp.StartAsync(Configuration(("ValidAlgorithms:0", "RS256")));

        Assert.Equal(HttpStatusCode.OK, await CallAsync(rs, Sign(new RsaSecurityKey(_rsa) { KeyId = "rs1" }, SecurityAlgorithms.RsaSha256)));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(rs, Sign(new SymmetricSecurityKey(_sharedKey) { KeyId = "hs1" }, SecurityAlgorithms.HmacSha256)));
    }

    [Fact]
    public async Task A_bad_key_entry_stops_startup_naming_the_entry_but_not_the_secret()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RsApp.StartAsync(Configuration(
            ("SharedKeys:1", "hs2#tooshortsecret"),
            ("SigningCertificates:1", "rs2#/nonexistent/as.pem"))));

        Assert.Contains($"{Section}:SharedKeys:1 (kid hs2) is 14 bytes long; HS256 needs a shared key of at least 32 bytes (OIDCOAuthVerifySharedKeys)", exception.Failures);
        Assert.Contains($"{Section}:SigningCertificates:1 (kid rs2) names the file /nonexistent/as.pem, which does not exist (OIDCOAuthVerifyCertFiles)", exception.Failures);
        Assert.DoesNotContain("tooshortsecret", exception.Message, StringComparison.Ordinal);
    }
}
