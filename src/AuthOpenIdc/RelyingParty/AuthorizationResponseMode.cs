namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// How the OP returns the authorization response (mod_auth_openidc <c>OIDCResponseMode</c>).
/// </summary>
public enum AuthorizationResponseMode
{
    /// <summary>Query parameters on a GET to the redirect_uri (the default for <c>code</c>).</summary>
    Query = 0,

    /// <summary>An auto-submitted HTML form POSTed to the redirect_uri (OAuth 2.0 Form Post Response Mode).</summary>
    FormPost,
}
