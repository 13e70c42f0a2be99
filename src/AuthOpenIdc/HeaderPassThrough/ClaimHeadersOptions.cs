namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// Which identity headers <c>UseOidcClaimHeaders</c> hands to the application or the backend it proxies
/// to (mod_auth_openidc's <c>OIDCPassClaimsAs headers</c> family). Whatever is chosen here, incoming
/// headers that could be mistaken for these are always removed first, for anonymous requests too
/// (CVE-2017-6413), because a backend cannot tell a spoofed header from a real one.
/// </summary>
public sealed class ClaimHeadersOptions
{
    /// <summary>
    /// Put before each claim name to form its header name (<c>OIDCClaimPrefix</c>); incoming headers that
    /// start with it are removed. Only <c>A-Z a-z 0-9 - _</c>. May be empty only together with
    /// <see cref="IncludeClaims"/>, since otherwise a claim named like <c>Host</c> would overwrite that header.
    /// </summary>
    public string Prefix { get; set; } = ClaimHeadersDefaults.Prefix;

    /// <summary>
    /// Joins the values of a multi-valued claim (<c>OIDCClaimDelimiter</c>). A value containing the
    /// delimiter or a backslash has them backslash-escaped, so the backend can split unambiguously.
    /// </summary>
    public string Delimiter { get; set; } = ClaimHeadersDefaults.Delimiter;

    /// <summary>How values are encoded (<c>OIDCPassClaimsAs headers latin1|base64url|none</c>).</summary>
    public ClaimHeaderEncoding Encoding { get; set; } = ClaimHeaderEncoding.Latin1;

    /// <summary>
    /// Also sets <c>OIDC_access_token</c> and <c>OIDC_access_token_expires</c> (Unix seconds) when the
    /// session holds an access token (<c>OIDCPassAccessToken</c>). Off by default, unlike mod_auth_openidc,
    /// because a token in a header reaches every log and proxy the backend has.
    /// </summary>
    public bool PassAccessToken { get; set; }

    /// <summary>
    /// A header, such as <c>X-Remote-User</c> or <c>SM_USER</c>, that receives <c>Identity.Name</c>
    /// (<c>OIDCAuthNHeader</c>); incoming headers of that name are removed. It is never base64url-encoded,
    /// because backends compare it with user names.
    /// </summary>
    public string? AuthenticatedUserHeader { get; set; }

    /// <summary>If not empty, only these claim types are passed (<c>OIDCWhiteListedClaims</c>); compared case-sensitively.</summary>
    public ISet<string> IncludeClaims { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Claim types never passed, such as large or sensitive ones (<c>OIDCBlackListedClaims</c>); compared case-sensitively.</summary>
    public ISet<string> ExcludeClaims { get; } = new HashSet<string>(StringComparer.Ordinal);
}
