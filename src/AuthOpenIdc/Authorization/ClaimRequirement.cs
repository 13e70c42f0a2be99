using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// One mod_auth_openidc <c>Require claim</c> line as an ASP.NET Core requirement: a claim path with
/// either exact values (any one satisfies it) or a regular expression.
/// </summary>
/// <remarks>
/// <para>
/// The path descends with <c>.</c> into JSON object claims (Keycloak's <c>realm_access.roles</c>).
/// Because claim names may themselves contain dots (<c>https://example.com/roles</c>), the claim whose
/// type is the <em>longest</em> prefix of the path at a <c>.</c> boundary is used, and the same rule
/// picks members inside nested objects; claim types and member names compare case-sensitively, as JWT
/// claim names do. A value that is an array matches when any element matches; arrays inside arrays,
/// objects and JSON <c>null</c> never match, as in mod_auth_openidc.
/// </para>
/// <para>
/// Exact values compare by the JSON type of the claim: a string by ordinal equality, a number
/// numerically (<c>age:42</c>), a boolean against <c>true</c>/<c>false</c>. A regular expression only
/// applies to strings and, like PCRE in mod_auth_openidc, is <em>unanchored</em>: <c>email~@example\.com</c>
/// also matches <c>x@example.com.evil</c>, so write <c>^…$</c> when the whole value must match. Each
/// match is limited to <see cref="MatchTimeout"/>; a pattern that runs longer counts as no match, so a
/// catastrophic pattern cannot stall requests.
/// </para>
/// <para>
/// The requirement is evaluated by a handler that <c>AddAuthOpenIdcAuthorization()</c> registers; without
/// it no handler succeeds it, so a policy fails closed rather than open.
/// </para>
/// </remarks>
public sealed class ClaimRequirement : IAuthorizationRequirement
{
    /// <summary>
    /// How long one regular-expression match may run before it counts as no match; short because a
    /// claim value is small, and a longer match is a sign of catastrophic backtracking.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly string[] _values;

    private ClaimRequirement(string path, string[] values, Regex? pattern)
    {
        Path = path;
        _values = values;
        Values = Array.AsReadOnly(values);
        Pattern = pattern;
    }

    /// <summary>The claim path, such as <c>realm_access.roles</c>; dots descend into JSON objects.</summary>
    public string Path { get; }

    /// <summary>The exact values, any of which satisfies the requirement; empty when <see cref="Pattern"/> is set.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The exact values as a span, so the per-request comparison loop allocates no enumerator.</summary>
    internal ReadOnlySpan<string> ExactValues => _values;

    /// <summary>The regular expression a string value must match, or <see langword="null"/> for exact values.</summary>
    public Regex? Pattern { get; }

    /// <summary>
    /// Parses a mod_auth_openidc <c>Require claim</c> expression: <c>path:value</c> for an exact value or
    /// <c>path~regex</c> for a regular expression.
    /// </summary>
    /// <remarks>
    /// The first <c>:</c> or <c>~</c> ends the path, so values may contain either character. A <c>:</c>
    /// followed by <c>//</c> is taken as part of a URL claim name (<c>https://example.com/roles:admin</c>);
    /// for a claim name with any other <c>:</c> or <c>~</c> (a URN, a port), use <see cref="AnyOf"/> or
    /// <see cref="Matching"/>, which take the path separately.
    /// </remarks>
    /// <exception cref="FormatException">The expression is empty, has no separator, has an empty path or
    /// path segment, or an invalid or empty regular expression.</exception>
    public static ClaimRequirement Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new FormatException("A claim expression must not be empty; expected 'path:value' or 'path~regex'.");
        }

        int separator = FindSeparator(expression);
        if (separator < 0)
        {
            throw new FormatException(
                $"The claim expression '{expression}' has neither ':' (exact value) nor '~' (regular expression) after its claim path.");
        }

        string path = expression[..separator];
        if (ValidatePath(path) is { } pathError)
        {
            throw new FormatException($"The claim expression '{expression}' {pathError}.");
        }

        string operand = expression[(separator + 1)..];
        if (expression[separator] == ':')
        {
            return new ClaimRequirement(path, [operand], null);
        }

        if (operand.Length == 0)
        {
            throw new FormatException(
                $"The claim expression '{expression}' has an empty regular expression, which would match every value.");
        }

        try
        {
            return new ClaimRequirement(path, [], CreateRegex(operand));
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(
                $"The claim expression '{expression}' has an invalid regular expression: {ex.Message}", ex);
        }
    }

    /// <summary>Creates a requirement met when the value at <paramref name="path"/> equals any of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The path is empty or has an empty segment, or no value is given.</exception>
    public static ClaimRequirement AnyOf(string path, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(values);
        ThrowIfInvalidPath(path);
        if (values.Length == 0)
        {
            throw new ArgumentException("At least one value is required.", nameof(values));
        }

        if (Array.IndexOf(values, null) >= 0)
        {
            throw new ArgumentException("A value must not be null.", nameof(values));
        }

        return new ClaimRequirement(path, (string[])values.Clone(), null);
    }

    /// <summary>Creates a requirement met when a string value at <paramref name="path"/> matches <paramref name="pattern"/> (unanchored).</summary>
    /// <exception cref="ArgumentException">The path is invalid, or the pattern is empty or not a valid regular expression.</exception>
    public static ClaimRequirement Matching(string path, string pattern)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ThrowIfInvalidPath(path);
        try
        {
            return new ClaimRequirement(path, [], CreateRegex(pattern));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The regular expression for claim path '{path}' is invalid: {ex.Message}", nameof(pattern), ex);
        }
    }

    /// <summary>
    /// The requirement in mod_auth_openidc syntax, which ASP.NET Core's authorization log prints when a
    /// policy fails; it holds only configured values, never the user's claims.
    /// </summary>
    public override string ToString() => Pattern is not null
        ? $"claim {Path}~{Pattern}"
        : string.Join(" or ", _values.Select(value => $"claim {Path}:{value}"));

    private static Regex CreateRegex(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant, MatchTimeout);

    private static int FindSeparator(string expression)
    {
        for (int i = 0; i < expression.Length; i++)
        {
            char c = expression[i];
            if (c == '~')
            {
                return i;
            }

            if (c == ':' && !expression.AsSpan(i + 1).StartsWith("//", StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static void ThrowIfInvalidPath(string path)
    {
        if (ValidatePath(path) is { } error)
        {
            throw new ArgumentException($"The claim path '{path}' {error}.", nameof(path));
        }
    }

    private static string? ValidatePath(string path)
    {
        if (path.Length == 0)
        {
            return "has an empty claim path";
        }

        if (char.IsWhiteSpace(path[0]) || char.IsWhiteSpace(path[^1]))
        {
            return "has white space around its claim path";
        }

        if (path[0] == '.' || path[^1] == '.' || path.Contains("..", StringComparison.Ordinal))
        {
            return "has an empty segment in its claim path";
        }

        return null;
    }
}
