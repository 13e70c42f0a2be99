using Microsoft.AspNetCore.Authentication;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Options of the OpenID Connect Relying Party scheme. Every option binds from configuration
/// (section <c>AuthOpenIdc:RelyingParty</c> in the samples) and is checked at startup;
/// docs/configuration.md maps each one to its mod_auth_openidc directive.
/// </summary>
public sealed class OidcRelyingPartyOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with the library's defaults.</summary>
    public OidcRelyingPartyOptions()
    {
        Events = new OidcRelyingPartyEvents();
    }

    // ---- Provider -----------------------------------------------------------------------------

    /// <summary>
    /// The OP's issuer identifier (<c>OIDCProviderIssuer</c>). With no <see cref="MetadataUrl"/>,
    /// discovery is read from <c>{Issuer}/.well-known/openid-configuration</c>; its <c>issuer</c>
    /// must then equal this value exactly.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The OP's discovery document URL (<c>OIDCProviderMetadataURL</c>).</summary>
    public string? MetadataUrl { get; set; }

    /// <summary>
    /// Use only the static endpoints below and do not fetch discovery (the static configuration of
    /// mod_auth_openidc). Static endpoints always override discovered ones.
    /// </summary>
    public bool DisableDiscovery { get; set; }

    /// <summary>Static authorization endpoint (<c>OIDCProviderAuthorizationEndpoint</c>).</summary>
    public string? AuthorizationEndpoint { get; set; }

    /// <summary>Static token endpoint (<c>OIDCProviderTokenEndpoint</c>).</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Static userinfo endpoint (<c>OIDCProviderUserInfoEndpoint</c>).</summary>
    public string? UserInfoEndpoint { get; set; }

    /// <summary>Static JWKS URI (<c>OIDCProviderJwksUri</c>).</summary>
    public string? JwksUri { get; set; }

    /// <summary>Static end-session endpoint (<c>OIDCProviderEndSessionEndpoint</c>).</summary>
    public string? EndSessionEndpoint { get; set; }

    /// <summary>
    /// Static RFC 7009 revocation endpoint (<c>OIDCProviderRevocationEndpoint</c>); discovery's
    /// <c>revocation_endpoint</c> otherwise. At logout the refresh token, then the access token, are revoked there.
    /// </summary>
    public string? RevocationEndpoint { get; set; }

    /// <summary>Revoke the session's tokens at the OP's revocation endpoint at logout (default true, when the OP has one).</summary>
    public bool RevokeTokensOnLogout { get; set; } = true;

    /// <summary>Static OIDC Session Management <c>check_session_iframe</c> (<c>OIDCProviderCheckSessionIFrame</c>).</summary>
    public string? CheckSessionIframe { get; set; }

    /// <summary>
    /// Extra parameters of the RP-initiated logout request (<c>OIDCLogoutRequestParams</c>), e.g. <c>client_id</c>
    /// for OPs that want it; they cannot replace <c>id_token_hint</c> or <c>post_logout_redirect_uri</c>.
    /// </summary>
    public IDictionary<string, string> LogoutRequestParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long discovery is cached (<c>OIDCProviderMetadataRefreshInterval</c>); default 24 hours.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the JWKS is cached (<c>OIDCJWKSRefreshInterval</c>); default 1 hour.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two refreshes forced by an unknown <c>kid</c> (mod_auth_openidc
    /// <c>OIDC_JWKS_FORCED_REFRESH_INTERVAL</c>); default 60 seconds, so forged tokens cannot drive a fetch storm.
    /// </summary>
    public TimeSpan JwksForcedRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Refuse http:// metadata, JWKS and endpoint URLs (default true; turn off only for loopback development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Timeout of each call to the OP (discovery, JWKS, token, userinfo); default 10 seconds.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // ---- Client -------------------------------------------------------------------------------

    /// <summary>The client identifier registered at the OP (<c>OIDCClientID</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (<c>OIDCClientSecret</c>); also the HMAC key for HS* ID tokens.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Client authentication at the token endpoint (<c>OIDCProviderTokenEndpointAuth</c>).</summary>
    public TokenEndpointAuthMethod TokenEndpointAuthMethod { get; set; } = TokenEndpointAuthMethod.ClientSecretBasic;

    /// <summary>The JWT client assertions of <see cref="TokenEndpointAuthMethod.ClientSecretJwt"/> and <see cref="TokenEndpointAuthMethod.PrivateKeyJwt"/>.</summary>
    public OidcClientAssertionOptions ClientAssertion { get; } = new();

    /// <summary>Extra form parameters of the token request (<c>OIDCProviderTokenEndpointParams</c>).</summary>
    public IDictionary<string, string> TokenEndpointParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The redirect_uri (<c>OIDCRedirectURI</c>): a path inside the app (made absolute from each request's
    /// scheme and host) or an absolute URL. Default <c>/oidc/callback</c>. It never serves content of the app.
    /// </summary>
    public string RedirectUri { get; set; } = OidcRelyingPartyDefaults.RedirectUri;

    // ---- Authorization request ----------------------------------------------------------------

    /// <summary>Space-separated scopes (<c>OIDCScope</c>); default <c>openid</c>. <c>openid</c> is always sent.</summary>
    public string Scope { get; set; } = "openid";

    /// <summary>Response mode (<c>OIDCResponseMode</c>); default query.</summary>
    public AuthorizationResponseMode ResponseMode { get; set; } = AuthorizationResponseMode.Query;

    /// <summary><c>prompt</c> parameter, e.g. <c>login</c> or <c>consent</c> (via <c>OIDCAuthRequestParams</c>).</summary>
    public string? Prompt { get; set; }

    /// <summary><c>acr_values</c> parameter (via <c>OIDCAuthRequestParams</c>).</summary>
    public string? AcrValues { get; set; }

    /// <summary><c>max_age</c> parameter (via <c>OIDCAuthRequestParams</c>); <c>auth_time</c> is then required in the ID token.</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary><c>ui_locales</c> parameter (via <c>OIDCAuthRequestParams</c>).</summary>
    public string? UiLocales { get; set; }

    /// <summary><c>display</c> parameter (via <c>OIDCAuthRequestParams</c>).</summary>
    public string? Display { get; set; }

    /// <summary><c>login_hint</c> parameter (via <c>OIDCAuthRequestParams</c>).</summary>
    public string? LoginHint { get; set; }

    /// <summary>
    /// Static extra authorization request parameters (<c>OIDCAuthRequestParams</c>). They can never
    /// replace a protocol parameter (state, nonce, PKCE, redirect_uri, client_id, response_type, ...).
    /// </summary>
    public IDictionary<string, string> AuthorizationParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    // ---- Validation ---------------------------------------------------------------------------

    /// <summary>
    /// ID-token signature algorithms accepted (<c>OIDCIDTokenSignedResponseAlg</c> pins one). Default: the RS, PS,
    /// ES and HS families. <c>none</c> is never accepted, whatever this says.
    /// </summary>
    public IList<string> IdTokenSigningAlgorithms { get; } = new List<string>();

    /// <summary>Check the ID token's <c>iss</c> exactly (<c>OIDCValidateIssuer</c>); turn off only for multi-tenant OPs.</summary>
    public bool ValidateIssuer { get; set; } = true;

    /// <summary>How far <c>iat</c> may be from now (<c>OIDCIDTokenIatSlack</c>); default 600 seconds.</summary>
    public TimeSpan IdTokenIatSlack { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Clock skew allowed on <c>exp</c> and <c>nbf</c>; default 60 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Require the RFC 9207 <c>iss</c> authorization response parameter (op key <c>response_require_iss</c>).
    /// It is always checked when present, and required anyway when the OP advertises
    /// <c>authorization_response_iss_parameter_supported</c>.
    /// </summary>
    public bool RequireIssuerInAuthorizationResponse { get; set; }

    /// <summary>Call the userinfo endpoint after the code exchange when the OP has one (default true).</summary>
    public bool UseUserInfo { get; set; } = true;

    // ---- State, sessions, principal -----------------------------------------------------------

    /// <summary>State cookie settings.</summary>
    public OidcStateOptions State { get; } = new();

    /// <summary>Session and session cookie settings.</summary>
    public OidcSessionOptions Session { get; } = new();

    /// <summary>How the remote user (<c>Identity.Name</c>) is derived (<c>OIDCRemoteUserClaim</c>).</summary>
    public OidcRemoteUserOptions RemoteUser { get; } = new();

    /// <summary>The claim type used for roles in <c>IsInRole</c> and <c>[Authorize(Roles=...)]</c>; default <c>roles</c>.</summary>
    public string RoleClaimType { get; set; } = "roles";

    /// <summary>What a request without a session gets (<c>OIDCUnAuthAction</c>); endpoint metadata can override it.</summary>
    public UnauthenticatedAction UnauthenticatedAction { get; set; } = UnauthenticatedAction.Authenticate;

    /// <summary>What a user failing a policy gets (<c>OIDCUnAutzAction</c>); endpoint metadata can override it.</summary>
    public UnauthorizedAction UnauthorizedAction { get; set; } = UnauthorizedAction.Forbidden;

    /// <summary>Target of <see cref="UnauthorizedAction.Redirect"/> (the argument of <c>OIDCUnAutzAction 302</c>).</summary>
    public string? UnauthorizedRedirectUrl { get; set; }

    /// <summary>
    /// Refresh the access token with the refresh token when it expires within this time
    /// (<c>OIDCRefreshAccessTokenBeforeExpiry</c>); default null, off. One refresh per session runs at a time,
    /// across every instance sharing the cache, so a rotating refresh token is never used twice.
    /// </summary>
    public TimeSpan? RefreshAccessTokenBeforeExpiry { get; set; }

    /// <summary>
    /// Fetch userinfo again, with the session's access token, when the claims are older than this
    /// (<c>OIDCUserInfoRefreshInterval</c>); default null, never. A failure follows <see cref="RefreshErrorAction"/>.
    /// </summary>
    public TimeSpan? UserInfoRefreshInterval { get; set; }

    /// <summary>What a failed refresh leads to (the error argument of <c>OIDCRefreshAccessTokenBeforeExpiry</c>).</summary>
    public RefreshErrorAction RefreshErrorAction { get; set; } = RefreshErrorAction.Continue;

    /// <summary>
    /// The fields the session info hook <c>&lt;redirect_uri&gt;?info=json</c> returns (<c>OIDCInfoHook</c>): any of
    /// <c>iat</c>, <c>access_token</c>, <c>access_token_type</c>, <c>access_token_expires</c>, <c>id_token</c>,
    /// <c>id_token_hint</c>, <c>userinfo</c>, <c>refresh_token</c>, <c>exp</c>, <c>timeout</c>, <c>remote_user</c>,
    /// <c>session</c>. Empty (the default): the hook is off and answers 404.
    /// </summary>
    public IList<string> InfoHookFields { get; } = new List<string>();

    /// <summary>An authorization policy the user must pass to read the info hook (403 otherwise); default none.</summary>
    public string? InfoHookPolicy { get; set; }

    /// <summary>
    /// Regular expressions an absolute redirect target from a request (logout URL, refresh return URL, login_uri)
    /// must match (<c>OIDCRedirectURLsAllowed</c>); default none, which allows only the request's own host. Local
    /// paths are always allowed; the smuggling checks always apply. Anchor them (<c>^https://app\.example\.com/</c>).
    /// </summary>
    public IList<string> AllowedRedirectUrls { get; } = new List<string>();

    /// <summary>
    /// The authorization policy the caller's session must pass to use the admin functions <c>?revoke_session=</c>
    /// and <c>?remove_at_cache=</c>; default none, which refuses them (403).
    /// </summary>
    public string? AdminPolicy { get; set; }

    /// <summary>The <c>X-Frame-Options</c> of the front-channel logout response (<c>OIDCLogoutXFrameOptions</c>); default <c>DENY</c>.</summary>
    public string LogoutFrameOptions { get; set; } = "DENY";

    /// <summary>Where <c>?logout=</c> with no URL goes (<c>OIDCDefaultLoggedOutURL</c>); default a built-in page.</summary>
    public string? DefaultLoggedOutUrl { get; set; }

    /// <summary>The scheme's long-lived parts, built by post-configuration.</summary>
    internal RelyingPartyRuntime? Runtime { get; set; }

    /// <summary>The configuration path the options were bound from, for error messages.</summary>
    internal string ConfigurationPath { get; set; } = OidcRelyingPartyDefaults.ConfigurationSection;

    /// <summary>Event callbacks; see docs/events.md.</summary>
    public new OidcRelyingPartyEvents Events
    {
        get => (OidcRelyingPartyEvents)base.Events!;
        set => base.Events = value;
    }
}
