using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// The client's own private keys (<c>OIDCPrivateKeyFiles</c>): loaded from <c>[kid#]path</c> or inline PEM entries
/// with <see cref="RSA"/>/<see cref="ECDsa"/>.ImportFromPem and <see cref="X509Certificate2.CreateFromPem(ReadOnlySpan{char}, ReadOnlySpan{char})"/>,
/// signing the <c>private_key_jwt</c> assertions, with their public halves as the JWKS the RP publishes.
/// </summary>
internal sealed class ClientKeys
{
    private static readonly string[] PrivateKeyLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

    private ClientKeys(SecurityKey[] keys)
    {
        Keys = keys;
        PublicJwks = WritePublicJwks(keys);
    }

    /// <summary>No keys: an empty published set.</summary>
    public static ClientKeys Empty { get; } = new([]);

    public IReadOnlyList<SecurityKey> Keys { get; }

    /// <summary><c>{"keys":[…]}</c> with only public parameters, for <c>&lt;redirect_uri&gt;?jwks</c>.</summary>
    public byte[] PublicJwks { get; }

    /// <summary>Loads every entry.</summary>
    /// <exception cref="FormatException">An entry is unreadable; the message names its index and why, never the key.</exception>
    public static ClientKeys Load(IList<string> entries)
    {
        if (entries.Count == 0)
        {
            return Empty;
        }
        var keys = new SecurityKey[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            keys[i] = LoadEntry(entries[i], i);
        }
        return new ClientKeys(keys);
    }

    private static SecurityKey LoadEntry(string entry, int index)
    {
        PemEntry pem;
        try
        {
            pem = PemEntry.Read(entry);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"entry {index}: {ex.Message}", ex);
        }
        try
        {
            var key = Parse(pem.Pem, index);
            key.KeyId = pem.Kid ?? Thumbprint(key);
            return key;
        }
        catch (CryptographicException ex)
        {
            throw new FormatException($"entry {index}: {pem.Describe}the PEM key or certificate is invalid", ex);
        }
    }

    private static SecurityKey Parse(string pem, int index)
    {
        var hasKey = false;
        var hasCertificate = false;
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            if (label == "CERTIFICATE")
            {
                hasCertificate = true;
            }
            else if (label == "ENCRYPTED PRIVATE KEY")
            {
                throw new FormatException($"entry {index}: encrypted private keys are not supported; store the key unencrypted with owner-only permissions");
            }
            else if (Array.IndexOf(PrivateKeyLabels, label) >= 0)
            {
                hasKey = true;
            }
            rest = rest[fields.Location.End..];
        }
        if (!hasKey)
        {
            throw new FormatException($"entry {index}: no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) found");
        }
        if (hasCertificate)
        {
            var certificate = X509Certificate2.CreateFromPem(pem, pem);
            return new X509SecurityKey(certificate);
        }
        return PemEntry.ImportRsaOrEcdsa(pem) switch
        {
            RSA rsa => new RsaSecurityKey(rsa),
            var ecdsa => new ECDsaSecurityKey((ECDsa)ecdsa),
        };
    }

    /// <summary>The RFC 7638 thumbprint of the public key, so a key and its certificate get the same <c>kid</c>.</summary>
    private static string Thumbprint(SecurityKey key)
    {
        SecurityKey publicKey = PublicRsa(key) is { } rsa ? new RsaSecurityKey(rsa) : new ECDsaSecurityKey(PublicEc(key)!);
        return Base64UrlEncoder.Encode(publicKey.ComputeJwkThumbprint());
    }

    /// <summary>The default algorithm for a key: RS256 for RSA, ES256/384/512 by curve for EC.</summary>
    public static string DefaultAlgorithm(SecurityKey key) => PublicEc(key) is { } ec
        ? ec.KeySize switch { 384 => SecurityAlgorithms.EcdsaSha384, 521 => SecurityAlgorithms.EcdsaSha512, _ => SecurityAlgorithms.EcdsaSha256 }
        : SecurityAlgorithms.RsaSha256;

    /// <summary>Whether <paramref name="algorithm"/> fits the key's type (RS/PS for RSA, ES for EC).</summary>
    public static bool Fits(SecurityKey key, string algorithm) => PublicEc(key) is not null
        ? algorithm.StartsWith("ES", StringComparison.Ordinal)
        : algorithm.StartsWith("RS", StringComparison.Ordinal) || algorithm.StartsWith("PS", StringComparison.Ordinal);

    private static ECDsa? PublicEc(SecurityKey key) => key switch
    {
        ECDsaSecurityKey ec => ec.ECDsa,
        X509SecurityKey x509 => x509.Certificate.GetECDsaPublicKey(),
        _ => null,
    };

    private static byte[] WritePublicJwks(SecurityKey[] keys)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            foreach (var key in keys)
            {
                WritePublicJwk(json, key);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // Written field by field from exported public parameters, so no private parameter can ever reach the set.
    private static void WritePublicJwk(Utf8JsonWriter json, SecurityKey key)
    {
        json.WriteStartObject();
        json.WriteString("use", "sig");
        json.WriteString("kid", key.KeyId);
        if (PublicRsa(key) is { } rsa)
        {
            json.WriteString("kty", "RSA");
            json.WriteString("n", Base64UrlEncoder.Encode(rsa.Modulus));
            json.WriteString("e", Base64UrlEncoder.Encode(rsa.Exponent));
        }
        else if (PublicEc(key) is { } ec)
        {
            var parameters = ec.ExportParameters(false);
            json.WriteString("kty", "EC");
            json.WriteString("crv", ec.KeySize switch { 384 => "P-384", 521 => "P-521", _ => "P-256" });
            json.WriteString("x", Base64UrlEncoder.Encode(parameters.Q.X));
            json.WriteString("y", Base64UrlEncoder.Encode(parameters.Q.Y));
        }
        if (key is X509SecurityKey { Certificate: var certificate })
        {
            json.WriteStartArray("x5c");
            json.WriteStringValue(Convert.ToBase64String(certificate.RawData));
            json.WriteEndArray();
            json.WriteString("x5t", Base64UrlEncoder.Encode(certificate.GetCertHash()));
            json.WriteString("x5t#S256", Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256)));
        }
        json.WriteEndObject();
    }

    private static RSAParameters? PublicRsa(SecurityKey key)
    {
        switch (key)
        {
            case RsaSecurityKey rsa:
                return rsa.Rsa.ExportParameters(false);
            case X509SecurityKey x509:
                using (var rsa = x509.Certificate.GetRSAPublicKey())
                {
                    return rsa?.ExportParameters(false);
                }
            default:
                return null;
        }
    }
}
