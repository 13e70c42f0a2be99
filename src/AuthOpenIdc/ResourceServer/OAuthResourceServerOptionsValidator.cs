using System.Text.RegularExpressions;
using AuthOpenIdc.RelyingParty;
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
        var problems = new OptionsProblems(options.ConfigurationPath);
        void Fail(string key, string problem, string? directive) => problems.Fail(key, problem, directive);

        problems.Url(options.Issuer, "Issuer", "OIDCOAuthVerifyIssuer", false, false);
        problems.Url(options.MetadataUrl, "MetadataUrl", "OIDCProviderMetadataURL", false, options.RequireHttpsMetadata);
        problems.Url(options.JwksUri, "JwksUri", "OIDCOAuthVerifyJwksUri", false, options.RequireHttpsMetadata);
        problems.Url(options.IntrospectionEndpoint, "IntrospectionEndpoint", "OIDCOAuthIntrospectionEndpoint", false, options.RequireHttpsMetadata);

        var hasMetadata = !string.IsNullOrEmpty(options.Issuer) || !string.IsNullOrEmpty(options.MetadataUrl);
        if (options.Validation == AccessTokenValidation.Jwt)
        {
            if (string.IsNullOrEmpty(options.Issuer))
            {
                Fail("Issuer", "is required for JWT validation: every token's iss must equal it", "OIDCOAuthVerifyIssuer");
            }
            if (!hasMetadata && string.IsNullOrEmpty(options.JwksUri) && options.SigningKeys.Count == 0 && options.KeyProblems.Count == 0)
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
            if (Enum.IsDefined(options.IntrospectionAuthMethod))
            {
                problems.ClientAuthentication(ClientAuthenticationMethod(options.IntrospectionAuthMethod), options.ClientSecret, options.ClientAssertion,
                    "is required for introspection unless IntrospectionAuthMethod is PrivateKeyJwt", "OIDCOAuthClientSecret", "OIDCOAuthIntrospectionEndpointAuth");
            }
            if (string.IsNullOrWhiteSpace(options.IntrospectionTokenParameterName))
            {
                Fail("IntrospectionTokenParameterName", "must not be empty", "OIDCOAuthIntrospectionTokenParamName");
            }
            if (string.IsNullOrWhiteSpace(options.IntrospectionExpiryClaim))
            {
                Fail("IntrospectionExpiryClaim", "must not be empty", "OIDCOAuthTokenExpiryClaim");
            }
            if (options.IntrospectionSignedResponse != IntrospectionSignedResponse.Off && string.IsNullOrEmpty(options.Issuer))
            {
                Fail("Issuer", "is required for signed introspection responses: their iss must equal it", "OIDCOAuthVerifyIssuer");
            }
        }
        else
        {
            Fail("Validation", "must be Jwt or Introspection", null);
        }
        if (!Enum.IsDefined(options.IntrospectionAuthMethod))
        {
            Fail("IntrospectionAuthMethod", "must be ClientSecretBasic, ClientSecretPost, ClientSecretJwt or PrivateKeyJwt", "OIDCOAuthIntrospectionEndpointAuth");
        }
        if (!Enum.IsDefined(options.IntrospectionMethod))
        {
            Fail("IntrospectionMethod", "must be Post or Get", "OIDCOAuthIntrospectionEndpointMethod");
        }
        if (!Enum.IsDefined(options.IntrospectionSignedResponse))
        {
            Fail("IntrospectionSignedResponse", "must be Off, Allow or Require", null);
        }
        foreach (var (key, problem, directive) in options.KeyProblems)
        {
            Fail(key, problem, directive);
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
        if (options.AcceptTokenAs.HasFlag(AcceptTokenAs.Cookie) && !OptionsProblems.IsCookieName(options.TokenCookieName))
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
        problems.Positive(options.BackchannelTimeout, "BackchannelTimeout", null);
        problems.Positive(options.MetadataRefreshInterval, "MetadataRefreshInterval", "OIDCProviderMetadataRefreshInterval");
        problems.Positive(options.JwksRefreshInterval, "JwksRefreshInterval", "OIDCJWKSRefreshInterval");
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
        return problems.Result;
    }

    /// <summary>The introspection client authentication in the terms the shared client-authentication code uses.</summary>
    internal static TokenEndpointAuthMethod ClientAuthenticationMethod(IntrospectionAuthMethod method) => method switch
    {
        IntrospectionAuthMethod.ClientSecretPost => TokenEndpointAuthMethod.ClientSecretPost,
        IntrospectionAuthMethod.ClientSecretJwt => TokenEndpointAuthMethod.ClientSecretJwt,
        IntrospectionAuthMethod.PrivateKeyJwt => TokenEndpointAuthMethod.PrivateKeyJwt,
        _ => TokenEndpointAuthMethod.ClientSecretBasic,
    };
}
