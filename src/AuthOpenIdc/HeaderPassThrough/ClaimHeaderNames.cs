namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// Header-name rules. Matching treats names case-insensitively and <c>-</c> as <c>_</c>, as
/// mod_auth_openidc's scrubbing does, because CGI, PHP and many proxies turn <c>OIDC-CLAIM-sub</c> into
/// the same variable as <c>OIDC_CLAIM_sub</c>; stripping only the exact spelling would let a spoof through.
/// </summary>
internal static class ClaimHeaderNames
{
    /// <summary>Replaces every character outside <c>[A-Za-z0-9-_]</c> with <c>-</c>, so any claim name yields a valid header name.</summary>
    public static string Normalize(string claimType)
    {
        int first = claimType.AsSpan().IndexOfAnyExcept(HeaderNameCharacters);
        if (first < 0)
        {
            return claimType;
        }

        return string.Create(claimType.Length, (claimType, first), static (span, state) =>
        {
            state.claimType.AsSpan().CopyTo(span);
            for (int i = state.first; i < span.Length; i++)
            {
                if (!IsHeaderNameCharacter(span[i]))
                {
                    span[i] = '-';
                }
            }
        });
    }

    /// <summary>Whether <paramref name="value"/> consists of <c>[A-Za-z0-9-_]</c> only.</summary>
    public static bool IsValid(string value) => !value.AsSpan().ContainsAnyExcept(HeaderNameCharacters);

    /// <summary>Whether <paramref name="name"/> starts with <paramref name="prefix"/>, ignoring case and the difference between <c>-</c> and <c>_</c>.</summary>
    public static bool StartsWithEquivalent(string name, string prefix) =>
        name.Length >= prefix.Length && EquivalentPrefix(name, prefix, prefix.Length);

    /// <summary>Whether the names are equal, ignoring case and the difference between <c>-</c> and <c>_</c>.</summary>
    public static bool EqualsEquivalent(string name, string other) =>
        name.Length == other.Length && EquivalentPrefix(name, other, other.Length);

    private static bool EquivalentPrefix(string a, string b, int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (Fold(a[i]) != Fold(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static char Fold(char c) => c switch
    {
        '-' => '_',
        >= 'a' and <= 'z' => (char)(c - ('a' - 'A')),
        _ => c,
    };

    private static bool IsHeaderNameCharacter(char c) => HeaderNameCharacters.Contains(c);

    private static readonly System.Buffers.SearchValues<char> HeaderNameCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
