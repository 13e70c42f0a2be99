using AuthOpenIdc.ResourceServer;

namespace AuthOpenIdc.Tests.ResourceServer;

public class OAuthResourceServerOptionsValidatorTests
{
    private const string Scheme = OAuthResourceServerDefaults.AuthenticationScheme;
    private const string P = "AuthOpenIdc:ResourceServer:";

    private readonly OAuthResourceServerOptionsValidator _validator = new(Scheme);

    private static OAuthResourceServerOptions Jwt()
    {
        var options = new OAuthResourceServerOptions { Issuer = "https://as.example" };
        options.Audiences.Add("urn:api");
        return options;
    }

    private IEnumerable<string> Failures(OAuthResourceServerOptions options) => _validator.Validate(Scheme, options).Failures ?? [];

    [Fact]
    public void Jwt_with_an_issuer_passes_and_other_schemes_are_skipped()
    {
        Assert.True(_validator.Validate(Scheme, Jwt()).Succeeded);
        Assert.True(_validator.Validate("other", new OAuthResourceServerOptions()).Skipped);
    }

    [Fact]
    public void Jwt_without_an_issuer_names_the_key_and_directive()
    {
        var failures = Failures(new OAuthResourceServerOptions());

        Assert.Contains(P + "Issuer is required for JWT validation: every token's iss must equal it (OIDCOAuthVerifyIssuer)", failures);
        Assert.Contains(P + "JwksUri or MetadataUrl, Issuer or SigningKeys is required for JWT validation (OIDCOAuthVerifyJwksUri)", failures);
    }

    [Fact]
    public void Introspection_needs_client_credentials_and_an_endpoint()
    {
        var failures = Failures(new OAuthResourceServerOptions { Validation = AccessTokenValidation.Introspection });

        Assert.Contains(P + "IntrospectionEndpoint or MetadataUrl or Issuer is required for introspection (OIDCOAuthIntrospectionEndpoint)", failures);
        Assert.Contains(P + "ClientId is required for introspection (OIDCOAuthClientID)", failures);
        Assert.Contains(P + "ClientSecret is required for introspection unless IntrospectionAuthMethod is PrivateKeyJwt (OIDCOAuthClientSecret)", failures);
    }

    [Fact]
    public void Bad_values_are_reported_together()
    {
        var options = Jwt();
        options.JwksUri = "http://as.example/jwks";
        options.ValidAlgorithms.Add("none");
        options.Audiences.Add(" ");
        options.AcceptTokenAs = 0;
        options.ClockSkew = TimeSpan.FromSeconds(-1);
        options.Realm = "a\"b";
        options.RemoteUser.Regex = "(";

        var failures = Failures(options).ToList();

        Assert.Contains(P + "JwksUri must be https while RequireHttpsMetadata is true (OIDCOAuthVerifyJwksUri)", failures);
        Assert.Contains(P + "ValidAlgorithms must not contain none: unsigned tokens are never accepted", failures);
        Assert.Contains(P + "Audiences must not contain empty values (OIDCOAuthVerifyAudience)", failures);
        Assert.Contains(P + "AcceptTokenAs must name one or more of Header, Form, Query, Cookie, Basic (OIDCOAuthAcceptTokenAs)", failures);
        Assert.Contains(P + "ClockSkew must not be negative", failures);
        Assert.Contains(P + "Realm must not contain quotes, backslashes or control characters (AuthName)", failures);
        Assert.Contains(P + "RemoteUser:Regex is not a valid regular expression (OIDCOAuthRemoteUserClaim)", failures);
    }

    [Fact]
    public void Signed_introspection_responses_need_an_issuer_and_unknown_enum_values_are_named()
    {
        var options = new OAuthResourceServerOptions
        {
            Validation = AccessTokenValidation.Introspection,
            IntrospectionEndpoint = "https://as.example/introspect",
            ClientId = "rs",
            ClientSecret = "secret",
            IntrospectionSignedResponse = IntrospectionSignedResponse.Require,
            IntrospectionMethod = (IntrospectionMethod)7,
        };
        options.Audiences.Add("urn:api");

        var failures = Failures(options).ToList();

        Assert.Contains(P + "Issuer is required for signed introspection responses: their iss must equal it (OIDCOAuthVerifyIssuer)", failures);
        Assert.Contains(P + "IntrospectionMethod must be Post or Get (OIDCOAuthIntrospectionEndpointMethod)", failures);
        options.Issuer = "https://as.example";
        options.IntrospectionMethod = IntrospectionMethod.Get;
        options.IntrospectionSignedResponse = (IntrospectionSignedResponse)9;
        Assert.Equal([P + "IntrospectionSignedResponse must be Off, Allow or Require"], Failures(options));
    }

    [Fact]
    public void A_cookie_location_needs_a_valid_cookie_name()
    {
        var options = Jwt();
        options.AcceptTokenAs = AcceptTokenAs.Cookie;
        options.TokenCookieName = "a b";

        Assert.Contains(P + "TokenCookieName must be a valid cookie name (OIDCOAuthAcceptTokenAs cookie:<name>)", Failures(options));
    }
}
