using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AuthOpenIdc.ResourceServer;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Tests.ResourceServer;

/// <summary>
/// <c>SigningCertificates</c> and <c>SharedKeys</c> (mod_auth_openidc <c>OIDCOAuthVerifyCertFiles</c>,
/// <c>OIDCOAuthVerifySharedKeys</c>): one test per format, and every bad entry a startup problem naming it, never the secret.
/// </summary>
public sealed class ConfiguredSigningKeysTests : IDisposable
{
    private const string Scheme = OAuthResourceServerDefaults.AuthenticationScheme;
    private const string P = "AuthOpenIdc:ResourceServer:";
    private const string Secret = "a-shared-secret-of-32-bytes-or-more!";

    private readonly string _directory = Directory.CreateTempSubdirectory("authopenidc-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Bytes(SecurityKey key) => Assert.IsType<SymmetricSecurityKey>(key).Key;

    // ---- Shared keys ---------------------------------------------------------------------------

    [Fact]
    public void A_bare_shared_key_is_plain_text_without_a_kid()
    {
        var key = ConfiguredSigningKeys.LoadSharedKey(Secret);

        Assert.Equal(Encoding.UTF8.GetBytes(Secret), Bytes(key));
        Assert.Null(key.KeyId);
    }

    [Fact]
    public void Kid_hash_key_is_plain_text_with_a_kid()
    {
        var key = ConfiguredSigningKeys.LoadSharedKey("k1#" + Secret);

        Assert.Equal(Encoding.UTF8.GetBytes(Secret), Bytes(key));
        Assert.Equal("k1", key.KeyId);
    }

    [Fact]
    public void Plain_with_an_empty_kid_keeps_hashes_in_the_secret()
    {
        var key = ConfiguredSigningKeys.LoadSharedKey("plain##" + Secret + "#with#hashes");

        Assert.Equal(Encoding.UTF8.GetBytes(Secret + "#with#hashes"), Bytes(key));
        Assert.Null(key.KeyId);
    }

    [Fact]
    public void B64_b64url_and_hex_are_decoded()
    {
        var raw = RandomNumberGenerator.GetBytes(48);

        Assert.Equal(raw, Bytes(ConfiguredSigningKeys.LoadSharedKey("b64#k#" + Convert.ToBase64String(raw))));
        Assert.Equal(raw, Bytes(ConfiguredSigningKeys.LoadSharedKey("b64url#k#" + Base64UrlEncoder.Encode(raw))));
        Assert.Equal(raw, Bytes(ConfiguredSigningKeys.LoadSharedKey("hex#k#" + Convert.ToHexString(raw).ToLowerInvariant())));
        Assert.Equal(raw, Bytes(ConfiguredSigningKeys.LoadSharedKey("sig:hex#k#" + Convert.ToHexString(raw))));
    }

    [Theory]
    [InlineData("short", "is 5 bytes long; HS256 needs a shared key of at least 32 bytes")]
    [InlineData("k9#short", "(kid k9) is 5 bytes long; HS256 needs a shared key of at least 32 bytes")]
    [InlineData("hex#k#0011zz", "(kid k) is not valid hex")]
    [InlineData("b64#k#***", "(kid k) is not valid b64")]
    [InlineData("rot13#k#" + Secret, "(kid k) has the unknown encoding rot13 (plain, b64, b64url or hex)")]
    [InlineData("enc:k#" + Secret, "is marked enc: (an encryption key); only signature verification keys are used here")]
    public void A_bad_shared_key_is_refused_without_showing_it(string entry, string problem)
    {
        var exception = Assert.Throws<FormatException>(() => ConfiguredSigningKeys.LoadSharedKey(entry));

        Assert.Equal(problem, exception.Message);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    // ---- Certificates and public keys ----------------------------------------------------------

    private static X509Certificate2 Certificate(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest("CN=as", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)),
        ECDsa ecdsa => new CertificateRequest("CN=as", ecdsa, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)),
        _ => throw new ArgumentException("unsupported", nameof(key)),
    };

    [Fact]
    public void An_inline_rsa_public_key_in_spki_or_pkcs1_form_is_loaded()
    {
        using var rsa = RSA.Create(2048);

        var spki = Assert.IsType<RsaSecurityKey>(ConfiguredSigningKeys.LoadPublicKey(rsa.ExportSubjectPublicKeyInfoPem()));
        var pkcs1 = Assert.IsType<RsaSecurityKey>(ConfiguredSigningKeys.LoadPublicKey("k1#" + rsa.ExportRSAPublicKeyPem()));

        Assert.Equal(rsa.ExportParameters(false).Modulus, spki.Rsa.ExportParameters(false).Modulus);
        Assert.Null(spki.KeyId);
        Assert.Equal("k1", pkcs1.KeyId);
    }

    [Fact]
    public void Inline_pem_on_one_line_as_an_environment_variable_holds_it_is_loaded()
    {
        using var rsa = RSA.Create(2048);

        var key = Assert.IsType<RsaSecurityKey>(ConfiguredSigningKeys.LoadPublicKey("k1#" + rsa.ExportSubjectPublicKeyInfoPem().ReplaceLineEndings(" ")));

        Assert.Equal(rsa.ExportParameters(false).Modulus, key.Rsa.ExportParameters(false).Modulus);
    }

    [Fact]
    public void An_inline_ec_public_key_is_loaded()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var key = Assert.IsType<ECDsaSecurityKey>(ConfiguredSigningKeys.LoadPublicKey("ec1#" + ecdsa.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal("ec1", key.KeyId);
        Assert.Equal(ecdsa.ExportParameters(false).Q.X, key.ECDsa.ExportParameters(false).Q.X);
    }

    [Fact]
    public void A_certificate_file_with_a_kid_gives_its_rsa_key_and_an_ec_certificate_its_ec_key()
    {
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsaCertificate = Certificate(rsa);
        using var ecCertificate = Certificate(ecdsa);
        var path = Path.Combine(_directory, "as.pem");
        File.WriteAllText(path, rsaCertificate.ExportCertificatePem());

        var fromFile = Assert.IsType<RsaSecurityKey>(ConfiguredSigningKeys.LoadPublicKey("rs1#" + path));
        var inline = Assert.IsType<ECDsaSecurityKey>(ConfiguredSigningKeys.LoadPublicKey(ecCertificate.ExportCertificatePem()));

        Assert.Equal("rs1", fromFile.KeyId);
        Assert.Equal(rsa.ExportParameters(false).Modulus, fromFile.Rsa.ExportParameters(false).Modulus);
        Assert.Equal(ecdsa.ExportParameters(false).Q.Y, inline.ECDsa.ExportParameters(false).Q.Y);
    }

    [Fact]
    public void A_missing_file_garbage_and_a_private_key_are_refused_by_name()
    {
        using var rsa = RSA.Create(2048);
        var missing = Path.Combine(_directory, "missing.pem");
        var garbage = Path.Combine(_directory, "garbage.pem");
        File.WriteAllText(garbage, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

        Assert.Equal($"(kid k1) names the file {missing}, which does not exist",
            Assert.Throws<FormatException>(() => ConfiguredSigningKeys.LoadPublicKey("k1#" + missing)).Message);
        Assert.Equal("holds a PUBLIC KEY PEM block that is not a valid RSA or EC key",
            Assert.Throws<FormatException>(() => ConfiguredSigningKeys.LoadPublicKey(garbage)).Message);
        Assert.Equal("holds a private key: give the authorization server's certificate or public key",
            Assert.Throws<FormatException>(() => ConfiguredSigningKeys.LoadPublicKey(rsa.ExportPkcs8PrivateKeyPem())).Message);
        File.WriteAllText(garbage, "not pem at all");
        Assert.Equal("holds no PEM block", Assert.Throws<FormatException>(() => ConfiguredSigningKeys.LoadPublicKey(garbage)).Message);
    }

    // ---- Startup: loaded into SigningKeys, problems reported by the validator ------------------

    [Fact]
    public void Configured_keys_are_loaded_into_signing_keys_and_bad_ones_fail_validation_by_key()
    {
        using var rsa = RSA.Create(2048);
        var options = new OAuthResourceServerOptions { Issuer = "https://as.example" };
        options.Audiences.Add("urn:api");
        options.SigningCertificates.Add("rs1#" + rsa.ExportSubjectPublicKeyInfoPem());
        options.SigningCertificates.Add(Path.Combine(_directory, "nope.pem"));
        options.SharedKeys.Add("hs1#" + Secret);
        options.SharedKeys.Add("too-short");

        new ConfiguredSigningKeys(Scheme).PostConfigure(Scheme, options);
        var failures = new OAuthResourceServerOptionsValidator(Scheme).Validate(Scheme, options).Failures ?? [];

        Assert.Equal(["rs1", "hs1"], options.SigningKeys.Select(k => k.KeyId));
        Assert.Equal(
        [
            $"{P}SigningCertificates:1 names the file {Path.Combine(_directory, "nope.pem")}, which does not exist (OIDCOAuthVerifyCertFiles)",
            $"{P}SharedKeys:1 is 9 bytes long; HS256 needs a shared key of at least 32 bytes (OIDCOAuthVerifySharedKeys)",
        ], failures);
    }

    [Fact]
    public void Other_schemes_are_left_alone()
    {
        var options = new OAuthResourceServerOptions();
        options.SharedKeys.Add(Secret);

        new ConfiguredSigningKeys(Scheme).PostConfigure("other", options);

        Assert.Empty(options.SigningKeys);
    }

    [Fact]
    public void A_symmetric_key_adds_the_hs_algorithms_unless_valid_algorithms_are_set()
    {
        var options = new OAuthResourceServerOptions();
        Assert.DoesNotContain(SecurityAlgorithms.HmacSha256, ResourceServerRuntime.Algorithms(options));

        options.SigningKeys.Add(ConfiguredSigningKeys.LoadSharedKey(Secret));
        Assert.Contains(SecurityAlgorithms.HmacSha256, ResourceServerRuntime.Algorithms(options));
        Assert.Contains(SecurityAlgorithms.RsaSha256, ResourceServerRuntime.Algorithms(options));

        options.ValidAlgorithms.Add(SecurityAlgorithms.HmacSha512);
        Assert.Equal([SecurityAlgorithms.HmacSha512], ResourceServerRuntime.Algorithms(options));
    }
}
