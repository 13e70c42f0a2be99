namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Default names and values of the OpenID Connect Relying Party scheme, in one place so that a typo
/// fails to compile rather than at run time.
/// </summary>
public static class OidcRelyingPartyDefaults
{
    /// <summary>The default authentication scheme name.</summary>
    public const string AuthenticationScheme = "OidcRelyingParty";

    /// <summary>The default display name of the scheme.</summary>
    public const string DisplayName = "OpenID Connect";

    /// <summary>The configuration section that samples and docs bind the options from.</summary>
    public const string ConfigurationSection = "AuthOpenIdc:RelyingParty";

    /// <summary>The default redirect_uri path (mod_auth_openidc <c>OIDCRedirectURI</c>).</summary>
    public const string RedirectUri = "/oidc/callback";

    /// <summary>The default session cookie name (mod_auth_openidc <c>OIDCCookie</c>).</summary>
    public const string SessionCookieName = "oidc_session";

    /// <summary>The default state cookie prefix (mod_auth_openidc <c>OIDCStateCookiePrefix</c>).</summary>
    public const string StateCookiePrefix = "oidc_state_";

    /// <summary>The claim type that carries the remote user; it is the identity's name claim type.</summary>
    public const string RemoteUserClaimType = "remote_user";

    /// <summary>The name of the named <see cref="System.Net.Http.HttpClient"/> used for calls to the OP.</summary>
    public const string BackchannelHttpClientName = "AuthOpenIdc.Backchannel";
}
