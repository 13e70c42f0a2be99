using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>RFC 7636 PKCE with S256 (plain is never offered).</summary>
internal static class Pkce
{
    public const string Method = "S256";

    /// <summary>A 43-character verifier (256 bits), the shortest RFC 7636 allows and plenty.</summary>
    public static string NewVerifier() => ProtocolRandom.NewValue(32);

    public static string Challenge(string verifier) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
