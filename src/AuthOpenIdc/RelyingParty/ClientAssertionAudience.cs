namespace AuthOpenIdc.RelyingParty;

/// <summary>The <c>aud</c> of a JWT client assertion.</summary>
public enum ClientAssertionAudience
{
    /// <summary>
    /// The endpoint URL (the default, as mod_auth_openidc and OIDC Core §9): the token endpoint for every RP request
    /// (code, refresh, revocation), the introspection endpoint for the resource server.
    /// </summary>
    Endpoint = 0,

    /// <summary>
    /// The server's issuer identifier, as a single string: what FAPI 2.0 and the 2025 OpenID errata recommend,
    /// since an assertion whose audience is one server's issuer cannot be replayed at another.
    /// </summary>
    Issuer = 1,
}
