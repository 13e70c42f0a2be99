using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Checks the options at startup (<c>ValidateOnStart</c>), reporting every problem at once, each naming
/// its configuration key and mod_auth_openidc directive, e.g.
/// <c>AuthOpenIdc:RelyingParty:ClientId is required (OIDCClientID)</c>.
/// </summary>
internal sealed class OidcRelyingPartyOptionsValidator : IValidateOptions<OidcRelyingPartyOptions>
{
    private readonly string _scheme;

    public OidcRelyingPartyOptionsValidator(string scheme)
    {
        _scheme = scheme;
    }

    public ValidateOptionsResult Validate(string? name, OidcRelyingPartyOptions options)
    {
        if (!string.Equals(name, _scheme, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }
        var problems = new OptionsProblems(options.ConfigurationPath);
        void Fail(string key, string problem, string? directive) => problems.Fail(key, problem, directive);

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            Fail("ClientId", "is required", "OIDCClientID");
        }
        problems.ClientAuthentication(options.TokenEndpointAuthMethod, options.ClientSecret, options.ClientAssertion,
            "is required unless TokenEndpointAuthMethod is None or PrivateKeyJwt", "OIDCClientSecret", "OIDCProviderTokenEndpointAuth");
        if (options.DisableDiscovery)
        {
            problems.Url(options.Issuer, "Issuer", "OIDCProviderIssuer", true, false);
            problems.Url(options.AuthorizationEndpoint, "AuthorizationEndpoint", "OIDCProviderAuthorizationEndpoint", true, options.RequireHttpsMetadata);
            problems.Url(options.TokenEndpoint, "TokenEndpoint", "OIDCProviderTokenEndpoint", true, options.RequireHttpsMetadata);
        }
        else if (string.IsNullOrEmpty(options.Issuer) && string.IsNullOrEmpty(options.MetadataUrl))
        {
            Fail("Issuer", "or MetadataUrl is required", "OIDCProviderIssuer / OIDCProviderMetadataURL");
        }
        else
        {
            problems.Url(options.Issuer, "Issuer", "OIDCProviderIssuer", false, options.RequireHttpsMetadata);
            problems.Url(options.MetadataUrl, "MetadataUrl", "OIDCProviderMetadataURL", false, options.RequireHttpsMetadata);
            problems.Url(options.AuthorizationEndpoint, "AuthorizationEndpoint", "OIDCProviderAuthorizationEndpoint", false, options.RequireHttpsMetadata);
            problems.Url(options.TokenEndpoint, "TokenEndpoint", "OIDCProviderTokenEndpoint", false, options.RequireHttpsMetadata);
        }
        problems.Url(options.UserInfoEndpoint, "UserInfoEndpoint", "OIDCProviderUserInfoEndpoint", false, options.RequireHttpsMetadata);
        problems.Url(options.JwksUri, "JwksUri", "OIDCProviderJwksUri", false, options.RequireHttpsMetadata);
        problems.Url(options.EndSessionEndpoint, "EndSessionEndpoint", "OIDCProviderEndSessionEndpoint", false, options.RequireHttpsMetadata);

        var redirect = options.RedirectUri;
        if (string.IsNullOrEmpty(redirect) || (!redirect.StartsWith('/') && !(Uri.TryCreate(redirect, UriKind.Absolute, out var r) && (r.Scheme == Uri.UriSchemeHttp || r.Scheme == Uri.UriSchemeHttps))) || redirect.StartsWith("//", StringComparison.Ordinal))
        {
            Fail("RedirectUri", "must be a path starting with / or an absolute http(s) URL", "OIDCRedirectURI");
        }
        if (string.IsNullOrWhiteSpace(options.Scope))
        {
            Fail("Scope", "must not be empty", "OIDCScope");
        }
        if (options.IdTokenSigningAlgorithms.Any(a => string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)))
        {
            Fail("IdTokenSigningAlgorithms", "must not contain none: unsigned ID tokens are never accepted", "OIDCIDTokenSignedResponseAlg");
        }
        problems.Positive(options.State.Timeout, "State:Timeout", "OIDCStateTimeout");
        problems.Positive(options.Session.InactivityTimeout, "Session:InactivityTimeout", "OIDCSessionInactivityTimeout");
        problems.Positive(options.Session.MaxDuration, "Session:MaxDuration", "OIDCSessionMaxDuration");
        problems.Positive(options.BackchannelTimeout, "BackchannelTimeout", null);
        problems.Positive(options.MetadataRefreshInterval, "MetadataRefreshInterval", "OIDCProviderMetadataRefreshInterval");
        problems.Positive(options.JwksRefreshInterval, "JwksRefreshInterval", "OIDCJWKSRefreshInterval");
        if (options.IdTokenIatSlack < TimeSpan.Zero)
        {
            Fail("IdTokenIatSlack", "must not be negative", "OIDCIDTokenIatSlack");
        }
        if (options.MaxAge < TimeSpan.Zero)
        {
            Fail("MaxAge", "must not be negative", "OIDCAuthRequestParams max_age");
        }
        if (options.ClockSkew < TimeSpan.Zero)
        {
            Fail("ClockSkew", "must not be negative", null);
        }
        if (options.JwksForcedRefreshInterval < TimeSpan.Zero)
        {
            Fail("JwksForcedRefreshInterval", "must not be negative", null);
        }
        if (options.State.MaxCookies < 0)
        {
            Fail("State:MaxCookies", "must be 0 (no limit) or more", "OIDCStateMaxNumberOfCookies");
        }
        if (!OptionsProblems.IsCookieName(options.State.CookiePrefix))
        {
            Fail("State:CookiePrefix", "must be a valid cookie name", "OIDCStateCookiePrefix");
        }
        if (!OptionsProblems.IsCookieName(options.Session.CookieName))
        {
            Fail("Session:CookieName", "must be a valid cookie name", "OIDCCookie");
        }
        if (options.Session.CookieName.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(options.Session.CookieDomain))
        {
            Fail("Session:CookieDomain", "must be empty for a __Host- cookie", "OIDCCookieDomain");
        }
        if (options.Session.CookieSameSite == SameSiteMode.None && options.Session.CookieSecurePolicy == CookieSecurePolicy.None)
        {
            Fail("Session:CookieSameSite", "None requires Secure cookies; CookieSecurePolicy must not be None", "OIDCCookieSameSite");
        }
        if (options.UnauthorizedAction == UnauthorizedAction.Redirect && string.IsNullOrEmpty(options.UnauthorizedRedirectUrl))
        {
            Fail("UnauthorizedRedirectUrl", "is required when UnauthorizedAction is Redirect", "OIDCUnAutzAction 302");
        }
        foreach (var pattern in options.AllowedRedirectUrls)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException)
            {
                Fail("AllowedRedirectUrls", $"has an invalid regular expression '{pattern}'", "OIDCRedirectURLsAllowed");
            }
        }
        foreach (var field in options.InfoHookFields.Where(f => !InfoHookFieldNames.Contains(f)))
        {
            Fail("InfoHookFields", $"has the unknown field '{field}' (known: {string.Join(", ", InfoHookFieldNames)})", "OIDCInfoHook");
        }
        if (options.RefreshAccessTokenBeforeExpiry < TimeSpan.Zero)
        {
            Fail("RefreshAccessTokenBeforeExpiry", "must not be negative", "OIDCRefreshAccessTokenBeforeExpiry");
        }
        if (string.IsNullOrWhiteSpace(options.LogoutFrameOptions))
        {
            Fail("LogoutFrameOptions", "must not be empty", "OIDCLogoutXFrameOptions");
        }
        if (string.IsNullOrWhiteSpace(options.RemoteUser.Claim))
        {
            Fail("RemoteUser:Claim", "must not be empty", "OIDCRemoteUserClaim");
        }
        if (!string.IsNullOrEmpty(options.RemoteUser.Regex))
        {
            try
            {
                _ = new Regex(options.RemoteUser.Regex, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException)
            {
                Fail("RemoteUser:Regex", "is not a valid regular expression", "OIDCRemoteUserClaim");
            }
        }
        return problems.Result;
    }

    private static readonly string[] InfoHookFieldNames =
    [
        "iat", "access_token", "access_token_type", "access_token_expires", "id_token", "id_token_hint", "userinfo", "refresh_token", "exp", "timeout", "remote_user", "session",
    ];
}
