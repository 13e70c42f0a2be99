namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// The default identity header names, the same as mod_auth_openidc's, so a backend written for an Apache
/// front end keeps working behind this one.
/// </summary>
public static class ClaimHeadersDefaults
{
    /// <summary>The default claim header prefix (<c>OIDCClaimPrefix</c>).</summary>
    public const string Prefix = "OIDC_CLAIM_";

    /// <summary>The default delimiter between the values of a multi-valued claim (<c>OIDCClaimDelimiter</c>).</summary>
    public const string Delimiter = ",";

    /// <summary>
    /// The prefix of every header this middleware sets besides the claims; incoming headers starting with
    /// it are always removed.
    /// </summary>
    public const string ReservedPrefix = "OIDC_";

    /// <summary>The header carrying the access token (<c>OIDCPassAccessToken</c>).</summary>
    public const string AccessTokenHeader = "OIDC_access_token";

    /// <summary>The header carrying the access token's expiry as Unix seconds.</summary>
    public const string AccessTokenExpiresHeader = "OIDC_access_token_expires";
}
