namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// How the RP authenticates to the token endpoint (mod_auth_openidc <c>OIDCProviderTokenEndpointAuth</c>).
/// </summary>
public enum TokenEndpointAuthMethod
{
    /// <summary>HTTP Basic with the form-encoded client id and secret (RFC 6749 §2.3.1); the default.</summary>
    ClientSecretBasic = 0,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    ClientSecretPost,

    /// <summary>A public client: only <c>client_id</c>, protected by PKCE.</summary>
    None,

    /// <summary>A JWT client assertion signed with HMAC over the client secret (<c>client_secret_jwt</c>).</summary>
    ClientSecretJwt,

    /// <summary>A JWT client assertion signed with the RP's private key (<c>private_key_jwt</c>, <see cref="OidcClientAssertionOptions.PrivateKeyFiles"/>).</summary>
    PrivateKeyJwt,
}
