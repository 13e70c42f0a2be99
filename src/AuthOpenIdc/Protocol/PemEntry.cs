using System.Security.Cryptography;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// One key entry of configuration in mod_auth_openidc's <c>[&lt;kid&gt;#]&lt;file&gt;</c> form, where the file may also be
/// inline PEM (one line works, for environment variables): the RP's private keys and the resource server's
/// verification certificates are both given this way.
/// </summary>
internal readonly record struct PemEntry(string? Kid, string Pem)
{
    private const string PemStart = "-----BEGIN ";

    /// <summary>"(kid x) " when the entry names one, for messages.</summary>
    public string Describe => Kid is null ? "" : $"(kid {Kid}) ";

    /// <summary>Splits off the kid and reads the file unless the PEM is inline.</summary>
    /// <exception cref="FormatException">The entry is empty or its file cannot be read; the message never holds key material.</exception>
    public static PemEntry Read(string entry)
    {
        var value = entry.Trim();
        string? kid = null;
        var separator = value.IndexOf('#', StringComparison.Ordinal);
        if (separator > 0 && !value.AsSpan(0, separator).Contains(PemStart, StringComparison.Ordinal))
        {
            kid = value[..separator];
            value = value[(separator + 1)..].Trim();
        }
        var describe = kid is null ? "" : $"(kid {kid}) ";
        if (value.StartsWith(PemStart, StringComparison.Ordinal))
        {
            return new PemEntry(kid, value);
        }
        if (value.Length == 0)
        {
            throw new FormatException($"{describe}is empty: give a PEM file path or inline PEM");
        }
        if (!File.Exists(value))
        {
            throw new FormatException($"{describe}names the file {value}, which does not exist");
        }
        try
        {
            return new PemEntry(kid, File.ReadAllText(value));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{describe}names the file {value}, which cannot be read ({ex.GetType().Name})");
        }
    }

    /// <summary>
    /// The RSA or EC key of <paramref name="pem"/> (public or private; the platform's <c>ImportFromPem</c> picks the
    /// block), RSA tried first: a PKCS#8 or SPKI block does not say which it holds.
    /// </summary>
    /// <exception cref="CryptographicException">It is neither.</exception>
    public static AsymmetricAlgorithm ImportRsaOrEcdsa(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
        }
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return ecdsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            throw new CryptographicException("the PEM block is not an RSA or EC key", ex);
        }
    }
}
