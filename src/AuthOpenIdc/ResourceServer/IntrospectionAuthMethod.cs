namespace AuthOpenIdc.ResourceServer;

/// <summary>How the resource server authenticates to the introspection endpoint (<c>OIDCOAuthIntrospectionEndpointAuth</c>).</summary>
public enum IntrospectionAuthMethod
{
    /// <summary>HTTP Basic with the client id and secret (RFC 6749 §2.3.1); the default.</summary>
    ClientSecretBasic = 0,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    ClientSecretPost = 1,

    /// <summary>A JWT client assertion signed with HMAC over the client secret (<c>client_secret_jwt</c>).</summary>
    ClientSecretJwt = 2,

    /// <summary>A JWT client assertion signed with a private key (<c>private_key_jwt</c>, <see cref="OAuthResourceServerOptions.ClientAssertion"/>).</summary>
    PrivateKeyJwt = 3,
}
