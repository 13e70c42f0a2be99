namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// Where the resource server looks for the access token (mod_auth_openidc <c>OIDCOAuthAcceptTokenAs</c>).
/// A request that carries a token in more than one accepted place is rejected with <c>invalid_request</c> (RFC 6750 §2).
/// </summary>
[Flags]
public enum AcceptTokenAs
{
    /// <summary>The <c>Authorization: Bearer</c> request header (RFC 6750 §2.1); the default.</summary>
    Header = 1,

    /// <summary>The <c>access_token</c> parameter of a form-encoded POST body (RFC 6750 §2.2).</summary>
    Form = 2,

    /// <summary>The <c>access_token</c> query parameter (RFC 6750 §2.3); opt-in, as URLs end up in logs.</summary>
    Query = 4,

    /// <summary>A cookie named by <see cref="OAuthResourceServerOptions.TokenCookieName"/>.</summary>
    Cookie = 8,

    /// <summary>The password of an <c>Authorization: Basic</c> header (for clients that can only send Basic).</summary>
    Basic = 16,
}
