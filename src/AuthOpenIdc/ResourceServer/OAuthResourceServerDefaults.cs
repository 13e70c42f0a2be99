namespace AuthOpenIdc.ResourceServer;

/// <summary>Default names and values of the OAuth 2.0 Resource Server scheme.</summary>
public static class OAuthResourceServerDefaults
{
    /// <summary>The default authentication scheme name.</summary>
    public const string AuthenticationScheme = "OAuthResourceServer";

    /// <summary>The default display name of the scheme.</summary>
    public const string DisplayName = "OAuth 2.0 Resource Server";

    /// <summary>The configuration section that samples and docs bind the options from.</summary>
    public const string ConfigurationSection = "AuthOpenIdc:ResourceServer";

    /// <summary>The default name of the policy scheme added by <c>AddOidcOrBearer</c> (mixed mode).</summary>
    public const string OidcOrBearerScheme = "OidcOrBearer";

    /// <summary>The default cookie name when tokens are accepted from a cookie (mod_auth_openidc <c>PA.global</c>).</summary>
    public const string TokenCookieName = "PA.global";

    /// <summary>The form and query parameter that carries a token (RFC 6750 §2.2, §2.3).</summary>
    public const string AccessTokenParameter = "access_token";
}
