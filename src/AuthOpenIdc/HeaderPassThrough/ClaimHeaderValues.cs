using System.Buffers.Text;
using System.Text;

namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// Turns claim values into header values: joining multi-valued claims reversibly and encoding the result
/// so that no claim, whatever the OP or user put in it, can break out of its header.
/// </summary>
internal static class ClaimHeaderValues
{
    /// <summary>
    /// Joins values with <paramref name="delimiter"/>, escaping a delimiter or backslash inside a value with
    /// a backslash, so <c>a,b</c> and <c>a\,b</c> stay distinguishable after the backend splits.
    /// </summary>
    public static string Join(IReadOnlyList<string> values, string delimiter)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(delimiter);
            }

            AppendEscaped(builder, values[i], delimiter);
        }

        return builder.ToString();
    }

    /// <summary>Encodes a value as <paramref name="encoding"/> says.</summary>
    public static string Encode(string value, ClaimHeaderEncoding encoding) => encoding switch
    {
        ClaimHeaderEncoding.Base64Url => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value)),
        ClaimHeaderEncoding.None => RemoveControlCharacters(value),
        _ => ToLatin1(value),
    };

    /// <summary>
    /// Keeps ISO-8859-1 characters, replaces each other code point (a surrogate pair counts once, as one
    /// UTF-8 sequence does in mod_auth_openidc) with <c>?</c>, and drops control characters.
    /// </summary>
    public static string ToLatin1(string value)
    {
        if (!NeedsLatin1Work(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsControl(c))
            {
                continue;
            }

            if (c <= '\u00FF')
            {
                builder.Append(c);
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }

            builder.Append('?');
        }

        return builder.ToString();
    }

    /// <summary>Drops control characters (CR, LF, NUL, DEL, C1), the ones that could split or truncate a header.</summary>
    public static string RemoveControlCharacters(string value)
    {
        if (!value.AsSpan().ContainsAnyInRange('\u0000', '\u001F') && !value.AsSpan().ContainsAnyInRange('\u007F', '\u009F'))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (!char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsLatin1Work(string value)
    {
        foreach (char c in value)
        {
            if (c > '\u00FF' || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static void AppendEscaped(StringBuilder builder, string value, string delimiter)
    {
        for (int i = 0; i < value.Length;)
        {
            if (value[i] == '\\')
            {
                builder.Append('\\').Append('\\');
                i++;
            }
            else if (value.AsSpan(i).StartsWith(delimiter, StringComparison.Ordinal))
            {
                builder.Append('\\').Append(delimiter);
                i += delimiter.Length;
            }
            else
            {
                builder.Append(value[i]);
                i++;
            }
        }
    }
}
