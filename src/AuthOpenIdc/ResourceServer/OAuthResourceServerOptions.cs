using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// Options of the OAuth 2.0 Resource Server scheme (mod_auth_openidc <c>AuthType oauth20</c>). Every option binds
/// from configuration (section <c>AuthOpenIdc:ResourceServer</c> in the samples) and is checked at startup.
/// </summary>
public sealed class OAuthResourceServerOptions : AuthenticationSchemeOptions
{
    // ---- Authorization server ---------------------------------------------------------------------

    /// <summary>
    /// The authorization server's issuer (<c>OIDCOAuthVerifyIssuer</c>): a JWT's <c>iss</c> must equal it exactly,
    /// as must the <c>iss</c> of an introspection response that has one. With no <see cref="MetadataUrl"/>, the
    /// metadata is read from <c>{Issuer}/.well-known/openid-configuration</c>, then RFC 8414's
    /// <c>/.well-known/oauth-authorization-server</c>.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The authorization server's metadata URL (OIDC discovery or RFC 8414); optional.</summary>
    public string? MetadataUrl { get; set; }

    /// <summary>A static JWKS URI (<c>OIDCOAuthVerifyJwksUri</c>); overrides the metadata's <c>jwks_uri</c>.</summary>
    public string? JwksUri { get; set; }

    /// <summary>
    /// Static signing keys, in code. <see cref="SigningCertificates"/> and <see cref="SharedKeys"/> are loaded into this
    /// list at startup. When it is not empty and neither <see cref="JwksUri"/> nor <see cref="MetadataUrl"/> is set,
    /// these are the only keys (no JWKS is fetched, even with an <see cref="Issuer"/>). With a symmetric key in the
    /// list and <see cref="ValidAlgorithms"/> empty, HS256, HS384 and HS512 are accepted too.
    /// </summary>
    public IList<SecurityKey> SigningKeys { get; } = [];

    /// <summary>
    /// Static verification keys from configuration (<c>OIDCOAuthVerifyCertFiles</c>): each entry is
    /// <c>[&lt;kid&gt;#]&lt;path&gt;</c> of a PEM file, or <c>[&lt;kid&gt;#]</c> followed by inline PEM, holding an X.509
    /// certificate or a public key (RSA or EC: <c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c>, <c>CERTIFICATE</c>).
    /// Loaded into <see cref="SigningKeys"/> at startup; an unreadable entry fails startup validation.
    /// </summary>
    public IList<string> SigningCertificates { get; } = new List<string>();

    /// <summary>
    /// Shared HMAC secrets from configuration (<c>OIDCOAuthVerifySharedKeys</c>), in mod_auth_openidc's format:
    /// <c>&lt;key&gt;</c> (plain text), <c>&lt;kid&gt;#&lt;key&gt;</c>, or <c>&lt;encoding&gt;#[&lt;kid&gt;]#&lt;key&gt;</c>
    /// with encoding <c>plain</c>, <c>b64</c>, <c>b64url</c> or <c>hex</c>. Each must be at least 32 bytes (HS256).
    /// Loaded into <see cref="SigningKeys"/> at startup.
    /// </summary>
    public IList<string> SharedKeys { get; } = new List<string>();

    /// <summary>A static introspection endpoint (<c>OIDCOAuthIntrospectionEndpoint</c>); overrides the metadata's.</summary>
    public string? IntrospectionEndpoint { get; set; }

    /// <summary>Only https URLs for the metadata, JWKS and introspection endpoints (<c>OIDCOAuthSSLValidateServer</c>); default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Timeout of each call to the authorization server; default 10 seconds.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the metadata is cached; default 24 hours.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the JWKS is cached (<c>OIDCJWKSRefreshInterval</c>); default 1 hour.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The least time between two JWKS refreshes forced by an unknown <c>kid</c>; default 60 seconds.</summary>
    public TimeSpan JwksForcedRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    // ---- Validation -------------------------------------------------------------------------------

    /// <summary>Local JWT validation (the default) or introspection.</summary>
    public AccessTokenValidation Validation { get; set; } = AccessTokenValidation.Jwt;

    /// <summary>
    /// The accepted audiences (<c>OIDCOAuthVerifyAudience</c>): a token's <c>aud</c> must contain one of them. Leaving
    /// this empty disables the check and logs a warning at startup: any token of the issuer would then be accepted,
    /// including ones minted for another API.
    /// </summary>
    public IList<string> Audiences { get; } = [];

    /// <summary>
    /// The JWS algorithms accepted; empty (the default) means the asymmetric ones (RS, PS and ES, 256 to 512).
    /// <c>none</c> is never accepted.
    /// </summary>
    public IList<string> ValidAlgorithms { get; } = new List<string>();

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c>; default 60 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Require the JWT header <c>typ: at+jwt</c> (RFC 9068 §4); default false, as many servers send <c>JWT</c>.</summary>
    public bool RequireAccessTokenType { get; set; }

    /// <summary>Tokens longer than this are rejected without parsing; default 16 KiB.</summary>
    public int MaxTokenLength { get; set; } = 16 * 1024;

    // ---- Introspection ----------------------------------------------------------------------------

    /// <summary>The client id used at the introspection endpoint (<c>OIDCOAuthClientID</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret used at the introspection endpoint (<c>OIDCOAuthClientSecret</c>).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Client authentication at the introspection endpoint; default <see cref="IntrospectionAuthMethod.ClientSecretBasic"/>.</summary>
    public IntrospectionAuthMethod IntrospectionAuthMethod { get; set; } = IntrospectionAuthMethod.ClientSecretBasic;

    /// <summary>
    /// The HTTP method of the introspection call (<c>OIDCOAuthIntrospectionEndpointMethod</c>): POST (the default) or
    /// GET, which sends the token and parameters in the query string with the same client authentication.
    /// </summary>
    public IntrospectionMethod IntrospectionMethod { get; set; } = IntrospectionMethod.Post;

    /// <summary>
    /// RFC 9701 signed introspection responses: <see cref="IntrospectionSignedResponse.Off"/> (the default),
    /// <see cref="IntrospectionSignedResponse.Allow"/> (ask for one, accept plain JSON too) or
    /// <see cref="IntrospectionSignedResponse.Require"/>. A signed response must be signed by one of the authorization
    /// server's keys with an algorithm of <see cref="ValidAlgorithms"/>, carry header <c>typ: token-introspection+jwt</c>,
    /// <c>iss</c> equal to <see cref="Issuer"/>, <c>aud</c> equal to <see cref="ClientId"/> and an <c>iat</c>. A response
    /// that fails this is not trusted at all: the request answers 503, as when the server is down.
    /// </summary>
    public IntrospectionSignedResponse IntrospectionSignedResponse { get; set; } = IntrospectionSignedResponse.Off;

    /// <summary>
    /// The JWT client assertions of <see cref="IntrospectionAuthMethod.ClientSecretJwt"/> and
    /// <see cref="IntrospectionAuthMethod.PrivateKeyJwt"/> (keys in <c>OIDCPrivateKeyFiles</c>); their <c>aud</c> is the
    /// introspection endpoint, or the issuer.
    /// </summary>
    public OidcClientAssertionOptions ClientAssertion { get; } = new();

    /// <summary>The form parameter carrying the token (<c>OIDCOAuthIntrospectionTokenParamName</c>); default <c>token</c>.</summary>
    public string IntrospectionTokenParameterName { get; set; } = "token";

    /// <summary>Extra form parameters of the introspection request (<c>OIDCOAuthIntrospectionEndpointParams</c>).</summary>
    public IDictionary<string, string> IntrospectionParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// For servers whose introspection responses carry no <c>exp</c> (<c>OIDCOAuthTokenExpiryClaim</c>): the claim that
    /// holds the expiry instead; default <c>expires_in</c>.
    /// </summary>
    public string IntrospectionExpiryClaim { get; set; } = "expires_in";

    /// <summary>Whether <see cref="IntrospectionExpiryClaim"/> is an absolute NumericDate (true) or seconds from now (false, the default).</summary>
    public bool IntrospectionExpiryClaimAbsolute { get; set; }

    /// <summary>Reject active introspection responses that carry no expiry at all; default false.</summary>
    public bool IntrospectionExpiryRequired { get; set; }

    // ---- Token location ---------------------------------------------------------------------------

    /// <summary>Where tokens are accepted (<c>OIDCOAuthAcceptTokenAs</c>); default the Authorization header only.</summary>
    public AcceptTokenAs AcceptTokenAs { get; set; } = AcceptTokenAs.Header;

    /// <summary>The cookie read with <see cref="AcceptTokenAs.Cookie"/>; default <c>PA.global</c>.</summary>
    public string TokenCookieName { get; set; } = OAuthResourceServerDefaults.TokenCookieName;

    // ---- Result cache -----------------------------------------------------------------------------

    /// <summary>
    /// How long a validation result is cached (<c>OIDCOAuthTokenIntrospectionInterval</c>): <see cref="TimeSpan.Zero"/>
    /// (the default) until the token expires; a positive value at most that long (and never past expiry); any
    /// negative value (e.g. <c>-1</c>) turns the cache off. A result without an expiry is kept 60 seconds when zero.
    /// </summary>
    public TimeSpan CacheInterval { get; set; } = TimeSpan.Zero;

    /// <summary>How long an invalid or inactive token's result is cached, so floods of one bad token stay cheap; default 10 seconds, zero off.</summary>
    public TimeSpan NegativeCacheInterval { get; set; } = TimeSpan.FromSeconds(10);

    // ---- Identity and responses -------------------------------------------------------------------

    /// <summary>How the remote user is derived (<c>OIDCOAuthRemoteUserClaim</c>); default the <c>sub</c> claim.</summary>
    public OidcRemoteUserOptions RemoteUser { get; } = new();

    /// <summary>The claim type that <c>IsInRole</c> and role policies read; default <c>roles</c>.</summary>
    public string RoleClaimType { get; set; } = "roles";

    /// <summary>The <c>realm</c> of <c>WWW-Authenticate</c> challenges (the Apache <c>AuthName</c>); omitted when empty.</summary>
    public string? Realm { get; set; }

    /// <summary>Let CORS preflight requests (OPTIONS with <c>Access-Control-Request-Method</c>) pass without a token; default true.</summary>
    public bool AllowCorsPreflight { get; set; } = true;

    /// <summary>The configuration section the options were bound from (for validation messages).</summary>
    internal string ConfigurationPath { get; set; } = OAuthResourceServerDefaults.ConfigurationSection;

    /// <summary>Entries of <see cref="SigningCertificates"/> and <see cref="SharedKeys"/> that could not be loaded: (key, problem), reported by the validator.</summary>
    internal List<(string Key, string Problem, string Directive)> KeyProblems { get; } = [];
}
