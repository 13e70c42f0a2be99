using Microsoft.Extensions.Options;

namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// Checks <see cref="ClaimHeadersOptions"/> when the pipeline is built, so a setting that would make the
/// headers unsafe or unparseable stops startup; every failure is reported together and names the
/// mod_auth_openidc directive it corresponds to.
/// </summary>
internal static class ClaimHeadersOptionsValidator
{
    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every invalid setting.</summary>
    public static void ThrowIfInvalid(ClaimHeadersOptions options)
    {
        var failures = Validate(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ClaimHeadersOptions), failures);
        }
    }

    private static List<string> Validate(ClaimHeadersOptions options)
    {
        const string Name = nameof(ClaimHeadersOptions);
        var failures = new List<string>();
        if (options.Prefix is null)
        {
            failures.Add($"{Name}.{nameof(options.Prefix)} must not be null (OIDCClaimPrefix).");
        }
        else if (!ClaimHeaderNames.IsValid(options.Prefix))
        {
            failures.Add($"{Name}.{nameof(options.Prefix)} may only contain A-Z, a-z, 0-9, '-' and '_' (OIDCClaimPrefix).");
        }
        else if (options.Prefix.Length == 0 && options.IncludeClaims.Count == 0)
        {
            failures.Add($"An empty {Name}.{nameof(options.Prefix)} requires {nameof(options.IncludeClaims)}: without a prefix any claim name becomes a header name, and a claim named like Host would overwrite that header (OIDCClaimPrefix, OIDCWhiteListedClaims).");
        }

        if (string.IsNullOrEmpty(options.Delimiter))
        {
            failures.Add($"{Name}.{nameof(options.Delimiter)} must not be empty (OIDCClaimDelimiter).");
        }
        else if (options.Delimiter.Contains('\\', StringComparison.Ordinal) || options.Delimiter.Any(char.IsControl))
        {
            failures.Add($"{Name}.{nameof(options.Delimiter)} must not contain a backslash (the escape character) or a control character (OIDCClaimDelimiter).");
        }

        if (!Enum.IsDefined(options.Encoding))
        {
            failures.Add($"{Name}.{nameof(options.Encoding)} must be Latin1, Base64Url or None (OIDCPassClaimsAs).");
        }

        if (options.AuthenticatedUserHeader is { } header && (header.Length == 0 || !ClaimHeaderNames.IsValid(header)))
        {
            failures.Add($"{Name}.{nameof(options.AuthenticatedUserHeader)} must be a header name of A-Z, a-z, 0-9, '-' and '_' (OIDCAuthNHeader).");
        }

        if (options.IncludeClaims.Contains(null!) || options.ExcludeClaims.Contains(null!))
        {
            failures.Add($"{Name}.{nameof(options.IncludeClaims)} and {nameof(options.ExcludeClaims)} must not contain null (OIDCWhiteListedClaims, OIDCBlackListedClaims).");
        }

        return failures;
    }
}
