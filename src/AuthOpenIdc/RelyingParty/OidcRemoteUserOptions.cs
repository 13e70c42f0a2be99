namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// How the remote user (<c>HttpContext.User.Identity.Name</c>) is derived from the claims
/// (mod_auth_openidc <c>OIDCRemoteUserClaim &lt;claim&gt;[@] [regex] [replacement]</c>).
/// </summary>
public sealed class OidcRemoteUserOptions
{
    /// <summary>The claim to take the remote user from; default <c>sub</c>.</summary>
    public string Claim { get; set; } = "sub";

    /// <summary>Append <c>@</c> and the issuer without its <c>https://</c> scheme (the trailing <c>@</c> of the directive).</summary>
    public bool AppendIssuer { get; set; }

    /// <summary>An optional regular expression the value must match; without a replacement the first group (or whole match) is kept.</summary>
    public string? Regex { get; set; }

    /// <summary>The replacement pattern applied with <see cref="Regex"/>, e.g. <c>$1</c>.</summary>
    public string? Replacement { get; set; }
}
