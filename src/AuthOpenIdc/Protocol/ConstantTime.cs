using System.Security.Cryptography;
using System.Text;

namespace AuthOpenIdc.Protocol;

/// <summary>Comparisons of secrets (state, nonce, tokens) whose time does not depend on where they differ.</summary>
internal static class ConstantTime
{
    public static bool Equal(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
