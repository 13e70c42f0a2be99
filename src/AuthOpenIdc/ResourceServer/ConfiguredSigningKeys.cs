using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AuthOpenIdc.Protocol;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// Loads <see cref="OAuthResourceServerOptions.SigningCertificates"/> and <see cref="OAuthResourceServerOptions.SharedKeys"/>
/// (mod_auth_openidc <c>OIDCOAuthVerifyCertFiles</c>, <c>OIDCOAuthVerifySharedKeys</c>) into
/// <see cref="OAuthResourceServerOptions.SigningKeys"/> once, when the options are built. An entry that cannot be
/// loaded is recorded in <see cref="OAuthResourceServerOptions.KeyProblems"/> instead of throwing, so the validator
/// reports it with every other problem at startup. Problems name the entry and its kid, never the secret.
/// </summary>
internal sealed class ConfiguredSigningKeys : IPostConfigureOptions<OAuthResourceServerOptions>
{
    /// <summary>HS256 needs a key at least as long as its output (RFC 7518 §3.2); IdentityModel refuses shorter ones too.</summary>
    internal const int MinimumSharedKeyBytes = 32;

    private const string CertificatesDirective = "OIDCOAuthVerifyCertFiles";
    private const string SharedKeysDirective = "OIDCOAuthVerifySharedKeys";

    private readonly string _scheme;

    public ConfiguredSigningKeys(string scheme)
    {
        _scheme = scheme;
    }

    public void PostConfigure(string? name, OAuthResourceServerOptions options)
    {
        if (!string.Equals(name, _scheme, StringComparison.Ordinal))
        {
            return;
        }
        for (var i = 0; i < options.SigningCertificates.Count; i++)
        {
            Load(options, "SigningCertificates", i, CertificatesDirective, () => LoadPublicKey(options.SigningCertificates[i]));
        }
        for (var i = 0; i < options.SharedKeys.Count; i++)
        {
            Load(options, "SharedKeys", i, SharedKeysDirective, () => LoadSharedKey(options.SharedKeys[i]));
        }
    }

    private static void Load(OAuthResourceServerOptions options, string list, int index, string directive, Func<SecurityKey> load)
    {
        try
        {
            options.SigningKeys.Add(load());
        }
        catch (FormatException ex)
        {
            options.KeyProblems.Add((string.Create(CultureInfo.InvariantCulture, $"{list}:{index}"), ex.Message, directive));
        }
    }

    /// <summary>
    /// <c>[&lt;kid&gt;#]&lt;path or inline PEM&gt;</c>: the first PEM block, a certificate or an RSA or EC public key.
    /// </summary>
    /// <exception cref="FormatException">The entry cannot be used; the message says why (without key material).</exception>
    internal static SecurityKey LoadPublicKey(string entry)
    {
        var read = PemEntry.Read(entry);
        var (kid, pem, describe) = (read.Kid, read.Pem, read.Describe);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException($"{describe}holds no PEM block");
        }
        var label = pem[fields.Label];
        try
        {
            return label switch
            {
                "CERTIFICATE" => FromCertificate(pem.AsSpan()[fields.Base64Data], kid),
                "PUBLIC KEY" or "RSA PUBLIC KEY" => FromPublicKey(pem[fields.Location], kid),
                _ when label.Contains("PRIVATE KEY", StringComparison.Ordinal) =>
                    throw new FormatException($"{describe}holds a private key: give the authorization server's certificate or public key"),
                _ => throw new FormatException($"{describe}holds a PEM block labelled {label}, not CERTIFICATE or PUBLIC KEY"),
            };
        }
        catch (CryptographicException)
        {
            throw new FormatException($"{describe}holds a {label} PEM block that is not a valid RSA or EC key");
        }
    }

    private static SecurityKey FromCertificate(ReadOnlySpan<char> base64, string? kid)
    {
        var der = new byte[base64.Length];
        if (!Convert.TryFromBase64Chars(base64, der, out var length))
        {
            throw new CryptographicException();
        }
        using var certificate = X509CertificateLoader.LoadCertificate(der.AsSpan(0, length));
        // The key is copied out of the certificate: the certificate's expiry is not the token's business (as in
        // mod_auth_openidc), and an RsaSecurityKey/ECDsaSecurityKey outlives the disposed certificate.
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            return new RsaSecurityKey(rsa) { KeyId = kid };
        }
        if (certificate.GetECDsaPublicKey() is { } ecdsa)
        {
            return new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        }
        throw new FormatException($"{(kid is null ? "" : $"(kid {kid}) ")}holds a certificate whose key is neither RSA nor EC");
    }

    private static SecurityKey FromPublicKey(string pem, string? kid) => PemEntry.ImportRsaOrEcdsa(pem) switch
    {
        RSA rsa => new RsaSecurityKey(rsa) { KeyId = kid },
        var ecdsa => new ECDsaSecurityKey((ECDsa)ecdsa) { KeyId = kid },
    };

    /// <summary>
    /// mod_auth_openidc's record: <c>&lt;key&gt;</c>, <c>&lt;kid&gt;#&lt;key&gt;</c> or <c>&lt;encoding&gt;#[&lt;kid&gt;]#&lt;key&gt;</c>,
    /// optionally prefixed <c>sig:</c>; encodings <c>plain</c>, <c>b64</c>, <c>b64url</c>, <c>hex</c>.
    /// </summary>
    /// <exception cref="FormatException">The entry cannot be used; the message never contains the secret.</exception>
    internal static SymmetricSecurityKey LoadSharedKey(string entry)
    {
        var value = entry;
        if (value.StartsWith("sig:", StringComparison.Ordinal))
        {
            value = value[4..];
        }
        else if (value.StartsWith("enc:", StringComparison.Ordinal))
        {
            throw new FormatException("is marked enc: (an encryption key); only signature verification keys are used here");
        }
        string? kid = null;
        var encoding = "plain";
        var first = value.IndexOf('#', StringComparison.Ordinal);
        if (first >= 0)
        {
            var second = value.IndexOf('#', first + 1);
            if (second < 0)
            {
                kid = value[..first];
                value = value[(first + 1)..];
            }
            else
            {
                encoding = value[..first];
                kid = value[(first + 1)..second];
                value = value[(second + 1)..];
            }
        }
        kid = string.IsNullOrEmpty(kid) ? null : kid;
        var describe = kid is null ? "" : $"(kid {kid}) ";
        byte[] bytes;
        try
        {
            bytes = encoding switch
            {
                "plain" => Encoding.UTF8.GetBytes(value),
                "b64" => Convert.FromBase64String(value),
                "b64url" => Base64UrlEncoder.DecodeBytes(value),
                "hex" => Convert.FromHexString(value),
                _ => throw new FormatException($"{describe}has the unknown encoding {encoding} (plain, b64, b64url or hex)"),
            };
        }
        catch (FormatException) when (encoding is "b64" or "b64url" or "hex")
        {
            throw new FormatException($"{describe}is not valid {encoding}");
        }
        catch (ArgumentException)
        {
            throw new FormatException($"{describe}is not valid {encoding}");
        }
        if (bytes.Length < MinimumSharedKeyBytes)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"{describe}is {bytes.Length} bytes long; HS256 needs a shared key of at least {MinimumSharedKeyBytes} bytes"));
        }
        return new SymmetricSecurityKey(bytes) { KeyId = kid };
    }
}
