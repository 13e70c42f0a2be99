using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>Tampering the scriptable OP applies to the tokens it signs (ID tokens, logout tokens).</summary>
internal static class TestOpTokenTampering
{
    /// <summary>The same header and payload with every seventh signature byte flipped: a signature that cannot verify.</summary>
    public static string WithBadSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        for (var i = 0; i < signature.Length; i += 7)
        {
            signature[i] ^= 0xA5;
        }
        return parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature);
    }
}
