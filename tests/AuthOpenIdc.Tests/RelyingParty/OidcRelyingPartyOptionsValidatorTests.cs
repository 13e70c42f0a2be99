using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Tests.RelyingParty;

public class OidcRelyingPartyOptionsValidatorTests
{
    private const string Scheme = OidcRelyingPartyDefaults.AuthenticationScheme;
    private const string P = "AuthOpenIdc:RelyingParty:";

    private readonly OidcRelyingPartyOptionsValidator _validator = new(Scheme);

    [Fact]
    public void A_fully_valid_configuration_passes()
    {
        var options = Valid();
        options.MetadataUrl = "https://op.example.com/.well-known/openid-configuration";
        options.UserInfoEndpoint = "https://op.example.com/userinfo";
        options.JwksUri = "https://op.example.com/jwks";
        options.EndSessionEndpoint = "https://op.example.com/logout";
        options.RedirectUri = "https://app.example.com/oidc/callback";
        options.IdTokenSigningAlgorithms.Add("RS256");
        options.Session.CookieName = "__Host-session";
        options.Session.CookieSameSite = SameSiteMode.None;
        options.State.MaxCookies = 0;
        options.IdTokenIatSlack = TimeSpan.Zero;
        options.ClockSkew = TimeSpan.Zero;
        options.JwksForcedRefreshInterval = TimeSpan.Zero;
        options.UnauthorizedAction = UnauthorizedAction.Redirect;
        options.UnauthorizedRedirectUrl = "/denied";
        options.RemoteUser.Regex = "^(.*)@example\\.com$";

        var result = _validator.Validate(Scheme, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_with_issuer_client_and_secret_pass()
    {
        Assert.True(_validator.Validate(Scheme, Valid()).Succeeded);
    }

    [Theory]
    [InlineData("OtherScheme")]
    [InlineData("oidcrelyingparty")]
    [InlineData(null)]
    public void Options_of_another_scheme_are_skipped(string? name)
    {
        Assert.True(_validator.Validate(name, new OidcRelyingPartyOptions()).Skipped);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ClientId_is_required(string? clientId)
    {
        var options = Valid();
        options.ClientId = clientId;

        AssertSingleFailure(options, P + "ClientId is required (OIDCClientID)");
    }

    [Fact]
    public void ClientSecret_is_required_unless_the_client_is_public()
    {
        var options = Valid();
        options.ClientSecret = null;

        AssertSingleFailure(options, P + "ClientSecret is required unless TokenEndpointAuthMethod is None or PrivateKeyJwt (OIDCClientSecret)");
        options.TokenEndpointAuthMethod = TokenEndpointAuthMethod.ClientSecretPost;
        AssertSingleFailure(options, P + "ClientSecret is required unless TokenEndpointAuthMethod is None or PrivateKeyJwt (OIDCClientSecret)");
        options.TokenEndpointAuthMethod = TokenEndpointAuthMethod.None;
        Assert.True(_validator.Validate(Scheme, options).Succeeded);
    }

    [Fact]
    public void Issuer_or_MetadataUrl_is_required()
    {
        var options = Valid();
        options.Issuer = null;

        AssertSingleFailure(options, P + "Issuer or MetadataUrl is required (OIDCProviderIssuer / OIDCProviderMetadataURL)");
        options.MetadataUrl = "https://op.example.com/.well-known/openid-configuration";
        Assert.True(_validator.Validate(Scheme, options).Succeeded);
    }

    [Theory]
    [InlineData("Issuer", "OIDCProviderIssuer")]
    [InlineData("MetadataUrl", "OIDCProviderMetadataURL")]
    [InlineData("AuthorizationEndpoint", "OIDCProviderAuthorizationEndpoint")]
    [InlineData("TokenEndpoint", "OIDCProviderTokenEndpoint")]
    [InlineData("UserInfoEndpoint", "OIDCProviderUserInfoEndpoint")]
    [InlineData("JwksUri", "OIDCProviderJwksUri")]
    [InlineData("EndSessionEndpoint", "OIDCProviderEndSessionEndpoint")]
    public void Provider_urls_must_be_https_while_RequireHttpsMetadata_is_on(string key, string directive)
    {
        var options = Valid();
        SetUrl(options, key, "http://op.example.com/x");

        AssertSingleFailure(options, $"{P}{key} must be https while RequireHttpsMetadata is true ({directive})");
        options.RequireHttpsMetadata = false;
        Assert.True(_validator.Validate(Scheme, options).Succeeded);
    }

    [Theory]
    [InlineData("Issuer", "OIDCProviderIssuer", "op.example.com")]
    [InlineData("MetadataUrl", "OIDCProviderMetadataURL", "/.well-known/openid-configuration")]
    [InlineData("TokenEndpoint", "OIDCProviderTokenEndpoint", "ftp://op.example.com/token")]
    [InlineData("JwksUri", "OIDCProviderJwksUri", "not a url")]
    [InlineData("UserInfoEndpoint", "OIDCProviderUserInfoEndpoint", "javascript:alert(1)")]
    public void Provider_urls_must_be_absolute_http_urls(string key, string directive, string value)
    {
        var options = Valid();
        SetUrl(options, key, value);

        AssertSingleFailure(options, $"{P}{key} must be an absolute http(s) URL ({directive})");
    }

    [Fact]
    public void DisableDiscovery_requires_issuer_authorization_and_token_endpoints()
    {
        var options = Valid();
        options.Issuer = null;
        options.DisableDiscovery = true;

        AssertFailures(options,
            P + "Issuer is required (OIDCProviderIssuer)",
            P + "AuthorizationEndpoint is required (OIDCProviderAuthorizationEndpoint)",
            P + "TokenEndpoint is required (OIDCProviderTokenEndpoint)");
    }

    [Fact]
    public void DisableDiscovery_with_static_endpoints_passes_and_the_issuer_is_only_an_identifier()
    {
        var options = Valid();
        options.DisableDiscovery = true;
        options.Issuer = "http://op.example.com"; // never fetched, so the https rule does not apply
        options.AuthorizationEndpoint = "https://op.example.com/authorize";
        options.TokenEndpoint = "https://op.example.com/token";

        Assert.True(_validator.Validate(Scheme, options).Succeeded);
        options.TokenEndpoint = "http://op.example.com/token";
        AssertSingleFailure(options, P + "TokenEndpoint must be https while RequireHttpsMetadata is true (OIDCProviderTokenEndpoint)");
    }

    [Theory]
    [InlineData("")]
    [InlineData("oidc/callback")]
    [InlineData("//evil.example.com/callback")]
    [InlineData("ftp://app.example.com/callback")]
    [InlineData("https//app.example.com/callback")]
    public void RedirectUri_must_be_a_path_or_an_absolute_http_url(string redirectUri)
    {
        var options = Valid();
        options.RedirectUri = redirectUri;

        AssertSingleFailure(options, P + "RedirectUri must be a path starting with / or an absolute http(s) URL (OIDCRedirectURI)");
    }

    [Theory]
    [InlineData("/callback")]
    [InlineData("https://app.example.com/oidc/callback")]
    [InlineData("http://localhost:5000/oidc/callback")]
    public void RedirectUri_accepts_paths_and_absolute_urls(string redirectUri)
    {
        var options = Valid();
        options.RedirectUri = redirectUri;

        Assert.True(_validator.Validate(Scheme, options).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Scope_must_not_be_empty(string scope)
    {
        var options = Valid();
        options.Scope = scope;

        AssertSingleFailure(options, P + "Scope must not be empty (OIDCScope)");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("NONE")]
    [InlineData("None")]
    public void None_in_the_algorithms_is_refused(string none)
    {
        var options = Valid();
        options.IdTokenSigningAlgorithms.Add("RS256");
        options.IdTokenSigningAlgorithms.Add(none);

        AssertSingleFailure(options, P + "IdTokenSigningAlgorithms must not contain none: unsigned ID tokens are never accepted (OIDCIDTokenSignedResponseAlg)");
    }

    public static TheoryData<string, string, long> TimeSpans() => new()
    {
        { "State:Timeout", " must be positive (OIDCStateTimeout)", 0 },
        { "State:Timeout", " must be positive (OIDCStateTimeout)", -1 },
        { "Session:InactivityTimeout", " must be positive (OIDCSessionInactivityTimeout)", 0 },
        { "Session:MaxDuration", " must be positive (OIDCSessionMaxDuration)", -60 },
        { "BackchannelTimeout", " must be positive", 0 },
        { "MetadataRefreshInterval", " must be positive (OIDCProviderMetadataRefreshInterval)", 0 },
        { "JwksRefreshInterval", " must be positive (OIDCJWKSRefreshInterval)", -5 },
        { "IdTokenIatSlack", " must not be negative (OIDCIDTokenIatSlack)", -1 },
        { "ClockSkew", " must not be negative", -1 },
        { "JwksForcedRefreshInterval", " must not be negative", -1 },
    };

    [Theory]
    [MemberData(nameof(TimeSpans))]
    public void Zero_or_negative_timespans_are_refused(string key, string problem, long seconds)
    {
        var options = Valid();
        var value = TimeSpan.FromSeconds(seconds);
        switch (key)
        {
            case "State:Timeout": options.State.Timeout = value; break;
            case "Session:InactivityTimeout": options.Session.InactivityTimeout = value; break;
            case "Session:MaxDuration": options.Session.MaxDuration = value; break;
            case "BackchannelTimeout": options.BackchannelTimeout = value; break;
            case "MetadataRefreshInterval": options.MetadataRefreshInterval = value; break;
            case "JwksRefreshInterval": options.JwksRefreshInterval = value; break;
            case "IdTokenIatSlack": options.IdTokenIatSlack = value; break;
            case "ClockSkew": options.ClockSkew = value; break;
            default: options.JwksForcedRefreshInterval = value; break;
        }

        AssertSingleFailure(options, P + key + problem);
    }

    [Fact]
    public void Negative_MaxAge_is_refused()
    {
        // max_age is a non-negative number of seconds (OIDC Core §3.1.2.1); zero is legal (forces a fresh login).
        var options = Valid();
        options.MaxAge = TimeSpan.Zero;
        Assert.True(_validator.Validate(Scheme, options).Succeeded);

        options.MaxAge = TimeSpan.FromSeconds(-1);
        var failure = Assert.Single(_validator.Validate(Scheme, options).Failures ?? []);
        Assert.StartsWith(P + "MaxAge ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_MaxCookies_is_refused()
    {
        var options = Valid();
        options.State.MaxCookies = -1;

        AssertSingleFailure(options, P + "State:MaxCookies must be 0 (no limit) or more (OIDCStateMaxNumberOfCookies)");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("eq=uals")]
    [InlineData("comma,")]
    [InlineData("quote\"")]
    [InlineData("slash/")]
    [InlineData("t\u00e9")]
    [InlineData("tab\t")]
    public void Cookie_names_must_be_rfc6265_tokens(string name)
    {
        var options = Valid();
        options.Session.CookieName = name;
        options.State.CookiePrefix = name;

        AssertFailures(options,
            P + "State:CookiePrefix must be a valid cookie name (OIDCStateCookiePrefix)",
            P + "Session:CookieName must be a valid cookie name (OIDCCookie)");
    }

    [Theory]
    [InlineData("__Host-session")]
    [InlineData("__Secure-session")]
    [InlineData("my_session.v2-x")]
    public void Cookie_names_accept_tokens_and_prefixes(string name)
    {
        var options = Valid();
        options.Session.CookieName = name;

        Assert.True(_validator.Validate(Scheme, options).Succeeded);
    }

    [Fact]
    public void Host_prefixed_cookie_must_not_have_a_domain()
    {
        var options = Valid();
        options.Session.CookieName = "__Host-session";
        options.Session.CookieDomain = "example.com";

        AssertSingleFailure(options, P + "Session:CookieDomain must be empty for a __Host- cookie (OIDCCookieDomain)");
    }

    [Fact]
    public void SameSite_None_requires_secure_cookies()
    {
        var options = Valid();
        options.Session.CookieSameSite = SameSiteMode.None;
        options.Session.CookieSecurePolicy = CookieSecurePolicy.None;

        AssertSingleFailure(options, P + "Session:CookieSameSite None requires Secure cookies; CookieSecurePolicy must not be None (OIDCCookieSameSite)");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Redirect_action_requires_a_url(string? url)
    {
        var options = Valid();
        options.UnauthorizedAction = UnauthorizedAction.Redirect;
        options.UnauthorizedRedirectUrl = url;

        AssertSingleFailure(options, P + "UnauthorizedRedirectUrl is required when UnauthorizedAction is Redirect (OIDCUnAutzAction 302)");
    }

    [Fact]
    public void Remote_user_claim_must_not_be_empty()
    {
        var options = Valid();
        options.RemoteUser.Claim = " ";

        AssertSingleFailure(options, P + "RemoteUser:Claim must not be empty (OIDCRemoteUserClaim)");
    }

    [Theory]
    [InlineData("([a-z]")]
    [InlineData("*abc")]
    [InlineData("(?<name")]
    public void Bad_remote_user_regex_is_refused(string regex)
    {
        var options = Valid();
        options.RemoteUser.Regex = regex;

        AssertSingleFailure(options, P + "RemoteUser:Regex is not a valid regular expression (OIDCRemoteUserClaim)");
    }

    [Fact]
    public void Every_failure_is_reported_together()
    {
        var options = new OidcRelyingPartyOptions
        {
            RedirectUri = "callback",
            UnauthorizedAction = UnauthorizedAction.Redirect,
            ClockSkew = TimeSpan.FromSeconds(-1),
        };
        options.State.Timeout = TimeSpan.Zero;
        options.IdTokenSigningAlgorithms.Add("none");

        var result = _validator.Validate(Scheme, options);

        string[] expected =
        [
            P + "ClientId is required (OIDCClientID)",
            P + "ClientSecret is required unless TokenEndpointAuthMethod is None or PrivateKeyJwt (OIDCClientSecret)",
            P + "Issuer or MetadataUrl is required (OIDCProviderIssuer / OIDCProviderMetadataURL)",
            P + "RedirectUri must be a path starting with / or an absolute http(s) URL (OIDCRedirectURI)",
            P + "IdTokenSigningAlgorithms must not contain none: unsigned ID tokens are never accepted (OIDCIDTokenSignedResponseAlg)",
            P + "State:Timeout must be positive (OIDCStateTimeout)",
            P + "ClockSkew must not be negative",
            P + "UnauthorizedRedirectUrl is required when UnauthorizedAction is Redirect (OIDCUnAutzAction 302)",
        ];
        Assert.True(result.Failed);
        Assert.Equal(expected, result.Failures);
        Assert.All(expected, e => Assert.Contains(e, result.FailureMessage, StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_name_the_configuration_path_the_options_were_bound_from()
    {
        var options = Valid();
        options.ConfigurationPath = "Tenants:Contoso:Oidc";
        options.ClientId = null;

        AssertSingleFailure(options, "Tenants:Contoso:Oidc:ClientId is required (OIDCClientID)");
    }

    private static OidcRelyingPartyOptions Valid() => new()
    {
        Issuer = "https://op.example.com",
        ClientId = "client-1",
        ClientSecret = "secret-1",
    };

    private static void SetUrl(OidcRelyingPartyOptions options, string key, string value)
    {
        switch (key)
        {
            case "Issuer": options.Issuer = value; break;
            case "MetadataUrl": options.MetadataUrl = value; break;
            case "AuthorizationEndpoint": options.AuthorizationEndpoint = value; break;
            case "TokenEndpoint": options.TokenEndpoint = value; break;
            case "UserInfoEndpoint": options.UserInfoEndpoint = value; break;
            case "JwksUri": options.JwksUri = value; break;
            default: options.EndSessionEndpoint = value; break;
        }
    }

    private void AssertSingleFailure(OidcRelyingPartyOptions options, string expected) => AssertFailures(options, expected);

    private void AssertFailures(OidcRelyingPartyOptions options, params string[] expected)
    {
        var result = _validator.Validate(Scheme, options);
        Assert.True(result.Failed, "validation passed");
        Assert.Equal(expected, result.Failures);
    }

    [Fact]
    public void Jwt_client_authentication_needs_a_long_secret_or_loadable_keys_fitting_the_algorithm()
    {
        var shortSecret = Valid();
        shortSecret.TokenEndpointAuthMethod = TokenEndpointAuthMethod.ClientSecretJwt;
        shortSecret.ClientSecret = "too-short";
        shortSecret.ClientAssertion.Algorithm = "RS256";
        var noKeys = Valid();
        noKeys.TokenEndpointAuthMethod = TokenEndpointAuthMethod.PrivateKeyJwt;
        noKeys.ClientSecret = null;
        var wrongAlg = Valid();
        wrongAlg.TokenEndpointAuthMethod = TokenEndpointAuthMethod.PrivateKeyJwt;
        using var ec = System.Security.Cryptography.ECDsa.Create();
        wrongAlg.ClientAssertion.PrivateKeyFiles.Add(ec.ExportPkcs8PrivateKeyPem());
        wrongAlg.ClientAssertion.Algorithm = "RS256";
        var good = Valid();
        good.TokenEndpointAuthMethod = TokenEndpointAuthMethod.PrivateKeyJwt;
        good.ClientSecret = null;
        good.ClientAssertion.PrivateKeyFiles.Add(ec.ExportPkcs8PrivateKeyPem());

        var failures = _validator.Validate(Scheme, shortSecret).Failures!;
        Assert.Contains(P + "ClientSecret must be at least 32 bytes for ClientSecretJwt (an HMAC key under 256 bits is refused) (OIDCClientSecret)", failures);
        Assert.Contains(P + "ClientAssertion:Algorithm must be HS256, HS384 or HS512 for ClientSecretJwt (OIDCProviderTokenEndpointAuth)", failures);
        Assert.Contains(P + "ClientAssertion:PrivateKeyFiles needs at least one private key for PrivateKeyJwt (OIDCPrivateKeyFiles)", _validator.Validate(Scheme, noKeys).Failures!);
        Assert.Contains(P + "ClientAssertion:PrivateKeyFiles has no key for the algorithm RS256 (OIDCPrivateKeyFiles)", _validator.Validate(Scheme, wrongAlg).Failures!);
        Assert.True(_validator.Validate(Scheme, good).Succeeded, _validator.Validate(Scheme, good).FailureMessage);
    }
}
