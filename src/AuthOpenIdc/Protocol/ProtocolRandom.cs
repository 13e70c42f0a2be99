using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>Random values for state, nonce, PKCE verifiers and session ids: 256 bits from the OS CSPRNG, base64url.</summary>
internal static class ProtocolRandom
{
    public static string NewValue(int bytes = 32)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Base64UrlEncoder.Encode(buffer.ToArray());
    }
}
