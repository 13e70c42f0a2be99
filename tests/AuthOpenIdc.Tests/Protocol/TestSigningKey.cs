using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Tests.Protocol;

/// <summary>A signing key of the fake OP: the private key signs test tokens, the public JWK goes into its JWKS.</summary>
internal sealed class TestSigningKey
{
    private TestSigningKey(SecurityKey privateKey, JsonWebKey publicJwk, string algorithm)
    {
        Credentials = new SigningCredentials(privateKey, algorithm);
        PublicJwk = publicJwk;
    }

    public SigningCredentials Credentials { get; }

    public JsonWebKey PublicJwk { get; }

    public string Kid => PublicJwk.Kid;

    public static TestSigningKey Rsa(string kid, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var rsa = RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = kid });
        return new TestSigningKey(new RsaSecurityKey(rsa) { KeyId = kid }, jwk, algorithm);
    }

    public static TestSigningKey EcP256(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(includePrivateParameters: false))) { KeyId = kid });
        return new TestSigningKey(new ECDsaSecurityKey(ec) { KeyId = kid }, jwk, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>The JWK as an OP publishes it: public members only.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["kty"] = PublicJwk.Kty, ["kid"] = PublicJwk.Kid, ["use"] = "sig" };
        if (PublicJwk.Kty == JsonWebAlgorithmsKeyTypes.RSA)
        {
            json["n"] = PublicJwk.N;
            json["e"] = PublicJwk.E;
        }
        else
        {
            json["crv"] = PublicJwk.Crv;
            json["x"] = PublicJwk.X;
            json["y"] = PublicJwk.Y;
        }
        return json;
    }
}
