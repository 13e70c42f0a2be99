using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// Checks the resource server options at startup, reporting every problem at once, each naming its configuration
/// key and mod_auth_openidc directive, e.g. <c>AuthOpenIdc:ResourceServer:Issuer is required (OIDCOAuthVerifyIssuer)</c>.
/// </summary>
internal sealed class OAuthResourceServerOptionsValidator : IValidateOptions<OAuthResourceServerOptions>
{
    private readonly string _scheme;

    public OAuthResourceServerOptionsValidator(string scheme)
    {
        _scheme = scheme;
    }

    public ValidateOptionsResult Validate(string? name, OAuthResourceServerOptions options)
    {
        if (!string.Equals(name, _scheme, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }
        var errors = new List<string>();
        var path = options.ConfigurationPath;
        void Fail(string key, string problem, string? directive) =>
            errors.Add($"{path}:{key} {problem}{(directive is null ? "" : $" ({directive})")}");

        Url(options.Issuer, "Issuer", "OIDCOAuthVerifyIssuer", options, Fail, httpsRule: false);
        Url(options.MetadataUrl, "MetadataUrl", "OIDCProviderMetadataURL", options, Fail);
        Url(options.JwksUri, "JwksUri", "OIDCOAuthVerifyJwksUri", options, Fail);
        Url(options.IntrospectionEndpoint, "IntrospectionEndpoint", "OIDCOAuthIntrospectionEndpoint", options, Fail);

        var hasMetadata = !string.IsNullOrEmpty(options.Issuer) || !string.IsNullOrEmpty(options.MetadataUrl);
        if (options.Validation == AccessTokenValidation.Jwt)
        {
            if (string.IsNullOrEmpty(options.Issuer))
            {
                Fail("Issuer", "is required for JWT validation: every token's iss must equal it", "OIDCOAuthVerifyIssuer");
            }
            if (!hasMetadata && string.IsNullOrEmpty(options.JwksUri) && options.SigningKeys.Count == 0)
            {
                Fail("JwksUri", "or MetadataUrl, Issuer or SigningKeys is required for JWT validation", "OIDCOAuthVerifyJwksUri");
            }
        }
        else if (options.Validation == AccessTokenValidation.Introspection)
        {
            if (string.IsNullOrEmpty(options.IntrospectionEndpoint) && !hasMetadata)
            {
                Fail("IntrospectionEndpoint", "or MetadataUrl or Issuer is required for introspection", "OIDCOAuthIntrospectionEndpoint");
            }
            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                Fail("ClientId", "is required for introspection", "OIDCOAuthClientID");
            }
            if (string.IsNullOrEmpty(options.ClientSecret))
            {
                Fail("ClientSecret", "is required for introspection", "OIDCOAuthClientSecret");
            }
            if (string.IsNullOrWhiteSpace(options.IntrospectionTokenParameterName))
            {
                Fail("IntrospectionTokenParameterName", "must not be empty", "OIDCOAuthIntrospectionTokenParamName");
            }
            if (string.IsNullOrWhiteSpace(options.IntrospectionExpiryClaim))
            {
                Fail("IntrospectionExpiryClaim", "must not be empty", "OIDCOAuthTokenExpiryClaim");
            }
        }
        else
        {
            Fail("Validation", "must be Jwt or Introspection", null);
        }
        if (!Enum.IsDefined(options.IntrospectionAuthMethod))
        {
            Fail("IntrospectionAuthMethod", "must be ClientSecretBasic or ClientSecretPost", "OIDCOAuthIntrospectionEndpointAuth");
        }
        if (options.Audiences.Any(string.IsNullOrWhiteSpace))
        {
            Fail("Audiences", "must not contain empty values", "OIDCOAuthVerifyAudience");
        }
        if (options.ValidAlgorithms.Any(a => string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)))
        {
            Fail("ValidAlgorithms", "must not contain none: unsigned tokens are never accepted", null);
        }
        const AcceptTokenAs all = AcceptTokenAs.Header | AcceptTokenAs.Form | AcceptTokenAs.Query | AcceptTokenAs.Cookie | AcceptTokenAs.Basic;
        if (options.AcceptTokenAs == 0 || (options.AcceptTokenAs & ~all) != 0)
        {
            Fail("AcceptTokenAs", "must name one or more of Header, Form, Query, Cookie, Basic", "OIDCOAuthAcceptTokenAs");
        }
        if (options.AcceptTokenAs.HasFlag(AcceptTokenAs.Cookie) && !IsCookieName(options.TokenCookieName))
        {
            Fail("TokenCookieName", "must be a valid cookie name", "OIDCOAuthAcceptTokenAs cookie:<name>");
        }
        if (options.ClockSkew < TimeSpan.Zero)
        {
            Fail("ClockSkew", "must not be negative", null);
        }
        if (options.NegativeCacheInterval < TimeSpan.Zero)
        {
            Fail("NegativeCacheInterval", "must not be negative", null);
        }
        if (options.JwksForcedRefreshInterval < TimeSpan.Zero)
        {
            Fail("JwksForcedRefreshInterval", "must not be negative", null);
        }
        Positive(options.BackchannelTimeout, "BackchannelTimeout", null, Fail);
        Positive(options.MetadataRefreshInterval, "MetadataRefreshInterval", "OIDCProviderMetadataRefreshInterval", Fail);
        Positive(options.JwksRefreshInterval, "JwksRefreshInterval", "OIDCJWKSRefreshInterval", Fail);
        if (options.MaxTokenLength <= 0)
        {
            Fail("MaxTokenLength", "must be positive", null);
        }
        if (options.Realm is { } realm && realm.Any(c => c == '"' || c == '\\' || char.IsControl(c)))
        {
            Fail("Realm", "must not contain quotes, backslashes or control characters", "AuthName");
        }
        if (string.IsNullOrWhiteSpace(options.RemoteUser.Claim))
        {
            Fail("RemoteUser:Claim", "must not be empty", "OIDCOAuthRemoteUserClaim");
        }
        if (!string.IsNullOrEmpty(options.RemoteUser.Regex))
        {
            try
            {
                _ = new Regex(options.RemoteUser.Regex, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException)
            {
                Fail("RemoteUser:Regex", "is not a valid regular expression", "OIDCOAuthRemoteUserClaim");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Url(string? value, string key, string directive, OAuthResourceServerOptions options, Action<string, string, string?> fail, bool httpsRule = true)
    {
        if (string.IsNullOrEmpty(value))
        {
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
