using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Tests.Protocol;

/// <summary>The JWT client assertions (RFC 7523) and the keys behind them, checked with IdentityModel's own validation.</summary>
public class ClientAuthenticatorTests
{
    private const string ClientId = "client-1";
    private const string Secret = "a-client-secret-of-at-least-32-bytes!!";
    private const string TokenEndpoint = "https://op.example.com/token";
    private const string Issuer = "https://op.example.com";

    private static readonly TimeProvider Clock = TimeProvider.System;

    private static ClientAuthenticator Create(TokenEndpointAuthMethod method, OidcClientAssertionOptions? assertion = null, string? secret = Secret)
    {
        assertion ??= new OidcClientAssertionOptions();
        return new ClientAuthenticator(method, ClientId, secret, assertion, new Lazy<ClientKeys>(() => ClientKeys.Load(assertion.PrivateKeyFiles)), Clock);
    }

    private static (Dictionary<string, string> Form, string? Authorization) Apply(ClientAuthenticator client)
    {
        var form = new List<KeyValuePair<string, string>>();
        var header = client.Apply(form, TokenEndpoint, Issuer);
        return (form.ToDictionary(p => p.Key, p => p.Value), header?.ToString());
    }

    private static async Task<JsonWebToken> ValidateAsync(string assertion, SecurityKey key, string audience = TokenEndpoint)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = ClientId,
            ValidAudience = audience,
            IssuerSigningKey = key,
            RequireExpirationTime = true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    [Fact]
    public void Basic_form_encodes_id_and_secret_and_post_puts_them_in_the_body()
    {
        var basic = Apply(Create(TokenEndpointAuthMethod.ClientSecretBasic, secret: "s p:x"));
        var post = Apply(Create(TokenEndpointAuthMethod.ClientSecretPost));

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client-1:s+p%3Ax")), basic.Authorization);
        Assert.Empty(basic.Form);
        Assert.Null(post.Authorization);
        Assert.Equal(Secret, post.Form["client_secret"]);
        Assert.Equal(ClientId, post.Form["client_id"]);
    }

    [Fact]
    public async Task Client_secret_jwt_is_an_hs256_assertion_with_fresh_jti_and_a_60_second_life()
    {
        var client = Create(TokenEndpointAuthMethod.ClientSecretJwt);

        var first = Apply(client);
        var second = Apply(client);

        Assert.Null(first.Authorization);
        Assert.False(first.Form.ContainsKey("client_secret"));
        Assert.Equal(ClientId, first.Form["client_id"]);
        Assert.Equal(ClientAuthenticator.AssertionType, first.Form["client_assertion_type"]);
        var jwt = await ValidateAsync(first.Form["client_assertion"], new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)));
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(ClientId, jwt.Subject);
        Assert.Equal(TimeSpan.FromSeconds(60), jwt.ValidTo - jwt.IssuedAt);
        var secondJti = new JsonWebToken(second.Form["client_assertion"]).Id;
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.NotEqual(jwt.Id, secondJti);
    }

    [Fact]
    public async Task The_issuer_audience_option_addresses_the_assertion_to_the_issuer()
    {
        var assertion = new OidcClientAssertionOptions { Audience = ClientAssertionAudience.Issuer, Algorithm = "HS512" };
        var (form, _) = Apply(Create(TokenEndpointAuthMethod.ClientSecretJwt, assertion, Secret + Secret));

        var jwt = await ValidateAsync(form["client_assertion"], new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret + Secret)), Issuer);
        Assert.Equal("HS512", jwt.Alg);
        Assert.Equal([Issuer], jwt.Audiences);
    }

    [Fact]
    public async Task Private_key_jwt_with_an_ec_key_signs_es256_under_the_keys_thumbprint()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var assertion = new OidcClientAssertionOptions();
        assertion.PrivateKeyFiles.Add(ec.ExportPkcs8PrivateKeyPem());

        var (form, _) = Apply(Create(TokenEndpointAuthMethod.PrivateKeyJwt, assertion, secret: null));

        var publicKey = new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false)));
        var jwt = await ValidateAsync(form["client_assertion"], publicKey);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(Base64UrlEncoder.Encode(publicKey.ComputeJwkThumbprint()), jwt.Kid);
    }

    [Fact]
    public async Task Private_key_jwt_from_a_key_file_with_its_certificate_carries_kid_and_x5t()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=rp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, rsa.ExportRSAPrivateKeyPem() + "\n" + certificate.ExportCertificatePem());
            var assertion = new OidcClientAssertionOptions { Algorithm = "PS256" };
            assertion.PrivateKeyFiles.Add("rp-key-1#" + file);

            var (form, _) = Apply(Create(TokenEndpointAuthMethod.PrivateKeyJwt, assertion, secret: null));

            var jwt = await ValidateAsync(form["client_assertion"], new RsaSecurityKey(rsa.ExportParameters(false)));
            Assert.Equal("PS256", jwt.Alg);
            Assert.Equal("rp-key-1", jwt.Kid);
            Assert.Equal(Base64UrlEncoder.Encode(certificate.GetCertHash()), jwt.X5t);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_published_jwks_holds_only_public_parameters()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var keys = ClientKeys.Load(["rsa-1#" + rsa.ExportPkcs8PrivateKeyPem(), ec.ExportECPrivateKeyPem()]);

        using var jwks = JsonDocument.Parse(keys.PublicJwks);
        var set = new JsonWebKeySet(Encoding.UTF8.GetString(keys.PublicJwks));

        var entries = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        foreach (var entry in entries)
        {
            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "k" })
            {
                Assert.False(entry.TryGetProperty(secret, out _), $"private parameter {secret} published");
            }
            Assert.Equal("sig", entry.GetProperty("use").GetString());
        }
        Assert.Equal("rsa-1", set.Keys[0].Kid);
        Assert.Equal("P-384", set.Keys[1].Crv);
        Assert.Equal(keys.Keys[1].KeyId, set.Keys[1].Kid);
        Assert.Equal("ES384", ClientKeys.DefaultAlgorithm(keys.Keys[1]));
    }

    [Theory]
    [InlineData("public")]
    [InlineData("encrypted")]
    [InlineData("garbage")]
    [InlineData("missing-file")]
    public void Unusable_key_entries_fail_with_a_message_that_never_shows_the_key(string kind)
    {
        using var rsa = RSA.Create(2048);
        var entry = kind switch
        {
            "public" => rsa.ExportSubjectPublicKeyInfoPem(),
            "encrypted" => rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)),
            "garbage" => "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
            _ => "/nonexistent/rp-key.pem",
        };

        var error = Assert.Throws<FormatException>(() => ClientKeys.Load([entry]));

        Assert.StartsWith("entry 0:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", error.Message, StringComparison.Ordinal);
    }
}
