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
        var errors = new List<string>();
        var path = options.ConfigurationPath;
        void Fail(string key, string problem, string? directive) =>
            errors.Add($"{path}:{key} {problem}{(directive is null ? "" : $" ({directive})")}");

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            Fail("ClientId", "is required", "OIDCClientID");
        }
        if (options.TokenEndpointAuthMethod != TokenEndpointAuthMethod.None && string.IsNullOrEmpty(options.ClientSecret))
        {
            Fail("ClientSecret", "is required unless TokenEndpointAuthMethod is None", "OIDCClientSecret");
        }
        if (options.DisableDiscovery)
        {
            RequireUrl(options.Issuer, "Issuer", "OIDCProviderIssuer", required: true, options, Fail, httpsRule: false);
            RequireUrl(options.AuthorizationEndpoint, "AuthorizationEndpoint", "OIDCProviderAuthorizationEndpoint", required: true, options, Fail);
            RequireUrl(options.TokenEndpoint, "TokenEndpoint", "OIDCProviderTokenEndpoint", required: true, options, Fail);
        }
        else if (string.IsNullOrEmpty(options.Issuer) && string.IsNullOrEmpty(options.MetadataUrl))
        {
            Fail("Issuer", "or MetadataUrl is required", "OIDCProviderIssuer / OIDCProviderMetadataURL");
        }
        else
        {
            RequireUrl(options.Issuer, "Issuer", "OIDCProviderIssuer", required: false, options, Fail);
            RequireUrl(options.MetadataUrl, "MetadataUrl", "OIDCProviderMetadataURL", required: false, options, Fail);
            RequireUrl(options.AuthorizationEndpoint, "AuthorizationEndpoint", "OIDCProviderAuthorizationEndpoint", required: false, options, Fail);
            RequireUrl(options.TokenEndpoint, "TokenEndpoint", "OIDCProviderTokenEndpoint", required: false, options, Fail);
        }
        RequireUrl(options.UserInfoEndpoint, "UserInfoEndpoint", "OIDCProviderUserInfoEndpoint", required: false, options, Fail);
        RequireUrl(options.JwksUri, "JwksUri", "OIDCProviderJwksUri", required: false, options, Fail);
        RequireUrl(options.EndSessionEndpoint, "EndSessionEndpoint", "OIDCProviderEndSessionEndpoint", required: false, options, Fail);

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
        Positive(options.State.Timeout, "State:Timeout", "OIDCStateTimeout", Fail);
        Positive(options.Session.InactivityTimeout, "Session:InactivityTimeout", "OIDCSessionInactivityTimeout", Fail);
        Positive(options.Session.MaxDuration, "Session:MaxDuration", "OIDCSessionMaxDuration", Fail);
        Positive(options.BackchannelTimeout, "BackchannelTimeout", null, Fail);
        Positive(options.MetadataRefreshInterval, "MetadataRefreshInterval", "OIDCProviderMetadataRefreshInterval", Fail);
        Positive(options.JwksRefreshInterval, "JwksRefreshInterval", "OIDCJWKSRefreshInterval", Fail);
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
        if (!IsCookieName(options.State.CookiePrefix))
        {
            Fail("State:CookiePrefix", "must be a valid cookie name", "OIDCStateCookiePrefix");
        }
        if (!IsCookieName(options.Session.CookieName))
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
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static readonly string[] InfoHookFieldNames =
    [
        "iat", "access_token", "access_token_type", "access_token_expires", "id_token", "id_token_hint", "userinfo", "refresh_token", "exp", "timeout", "remote_user", "session",
    ];

    private static void RequireUrl(string? value, string key, string directive, bool required, OidcRelyingPartyOptions options, Action<string, string, string?> fail, bool httpsRule = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                fail(key, "is required", directive);
            }
            return;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            fail(key, "must be an absolute http(s) URL", directive);
        }
        else if (httpsRule && options.RequireHttpsMetadata && uri.Scheme != Uri.UriSchemeHttps)
        {
            fail(key, "must be https while RequireHttpsMetadata is true", directive);
        }
    }

    private static void Positive(TimeSpan value, string key, string? directive, Action<string, string, string?> fail)
    {
        if (value <= TimeSpan.Zero)
        {
            fail(key, "must be positive", directive);
        }
    }

    /// <summary>RFC 6265 token characters.</summary>
    private static bool IsCookieName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".IndexOf(c, StringComparison.Ordinal) < 0);
}
