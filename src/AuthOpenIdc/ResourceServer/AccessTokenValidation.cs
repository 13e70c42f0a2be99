namespace AuthOpenIdc.ResourceServer;

/// <summary>How access tokens are validated.</summary>
public enum AccessTokenValidation
{
    /// <summary>Locally, as signed JWTs (RFC 9068), with keys from the authorization server's JWKS (<c>OIDCOAuthVerifyJwksUri</c>).</summary>
    Jwt = 0,

    /// <summary>By asking the authorization server (RFC 7662 token introspection, <c>OIDCOAuthIntrospectionEndpoint</c>).</summary>
    Introspection = 1,
}
