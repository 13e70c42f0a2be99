namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// JWT client assertions (RFC 7523, OIDC Core §9): the <c>client_secret_jwt</c> and <c>private_key_jwt</c> client
/// authentication of the RP at the token and revocation endpoints, and of the resource server at the introspection
/// endpoint.
/// </summary>
public sealed class OidcClientAssertionOptions
{
    /// <summary>
    /// The private keys for <c>private_key_jwt</c> (<c>OIDCPrivateKeyFiles</c>): each entry <c>[kid#]path</c> of a PEM
    /// file, or inline PEM, holding an RSA or EC private key (PKCS#8, PKCS#1 or SEC1), optionally followed by its
    /// X.509 certificate (then the assertion also carries the certificate's <c>x5t</c>, which Entra ID wants). Without a
    /// <c>kid</c> the key's RFC 7638 thumbprint is its <c>kid</c>. The first key signs; the public parts of all of them
    /// are published at <c>&lt;redirect_uri&gt;?jwks</c> so the OP can be registered with that <c>jwks_uri</c>.
    /// </summary>
    public IList<string> PrivateKeyFiles { get; } = [];

    /// <summary>
    /// The signing algorithm (the <c>:alg</c> of <c>private_key_jwt:&lt;alg&gt;</c>): default <c>HS256</c> for
    /// <c>client_secret_jwt</c>, <c>RS256</c> for an RSA key and <c>ES256</c>/<c>ES384</c>/<c>ES512</c> by curve for an EC key.
    /// </summary>
    public string? Algorithm { get; set; }

    /// <summary>How long an assertion is valid (its <c>exp</c> after <c>iat</c>); default 60 seconds, as mod_auth_openidc.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The assertion's <c>aud</c>: the endpoint it is sent to (the default) or the server's issuer.</summary>
    public ClientAssertionAudience Audience { get; set; } = ClientAssertionAudience.Endpoint;
}
