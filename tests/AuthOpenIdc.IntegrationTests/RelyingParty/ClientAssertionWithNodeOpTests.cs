using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.ResourceServer;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.ResourceServer;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>
/// The OP with three clients authenticating by JWT assertion: <c>client_secret_jwt</c>, and <c>private_key_jwt</c>
/// with an EC key and with an RSA key plus certificate. The OP knows the public keys from the RP's own <c>?jwks</c>
/// output (read before the OP starts), so the published set is checked by a certified verifier too.
/// </summary>
public sealed class ClientAssertionOpFixture : NodeOidcProviderFixture
{
    public const string SecretJwtClient = "secret-jwt-client";
    public const string SecretJwtSecret = "secret-jwt-client-secret-0123456789abcdef";
    public const string EcClient = "pkjwt-ec-client";
    public const string RsaClient = "pkjwt-rsa-client";
    public const string IntrospectionClient = "pkjwt-rs-client";

    public ClientAssertionOpFixture()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        EcKeyPem = ec.ExportPkcs8PrivateKeyPem();
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=authopenidc-rp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        RsaKeyPem = "rp-rsa-1#" + rsa.ExportRSAPrivateKeyPem() + "\n" + certificate.ExportCertificatePem();
    }

    public string EcKeyPem { get; }

    public string RsaKeyPem { get; }

    /// <summary>The RP's published JWKS for one key entry, as the OP's inline <c>jwks</c> of that client.</summary>
    private static JsonNode PublishedJwks(string entry) =>
        JsonNode.Parse(AuthOpenIdc.Protocol.ClientKeys.Load([entry]).PublicJwks)!;

    protected override IDictionary<string, string>? ProviderEnvironment => new Dictionary<string, string>
    {
        [NodeOidcProvider.ExtraClientsVariable] = new JsonArray(
            Client(SecretJwtClient, "client_secret_jwt", secret: SecretJwtSecret),
            Client(EcClient, "private_key_jwt", jwks: PublishedJwks(EcKeyPem)),
            Client(RsaClient, "private_key_jwt", jwks: PublishedJwks(RsaKeyPem)),
            ResourceServerClient(IntrospectionClient, PublishedJwks(EcKeyPem))).ToJsonString(),
    };

    /// <summary>A client that only introspects (a resource server), authenticating with private_key_jwt.</summary>
    private static JsonObject ResourceServerClient(string id, JsonNode jwks) => new()
    {
        ["client_id"] = id,
        ["redirect_uris"] = new JsonArray(),
        ["response_types"] = new JsonArray(),
        ["grant_types"] = new JsonArray("client_credentials"),
        ["token_endpoint_auth_method"] = "private_key_jwt",
        ["jwks"] = jwks,
    };

    private static JsonObject Client(string id, string method, string? secret = null, JsonNode? jwks = null)
    {
        var client = new JsonObject
        {
            ["client_id"] = id,
            ["application_type"] = "native",
            ["redirect_uris"] = new JsonArray("http://127.0.0.1/oidc/callback"),
            ["post_logout_redirect_uris"] = new JsonArray("http://127.0.0.1/"),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = method,
        };
        if (secret is not null)
        {
            client["client_secret"] = secret;
        }
        if (jwks is not null)
        {
            client["jwks"] = jwks;
        }
        return client;
    }
}

public sealed class ClientAssertionWithNodeOpTests : IClassFixture<ClientAssertionOpFixture>
{
    private readonly ClientAssertionOpFixture _op;

    public ClientAssertionWithNodeOpTests(ClientAssertionOpFixture op)
    {
        _op = op;
    }

    private Task<RpApp> StartRpAsync(string clientId, TokenEndpointAuthMethod method, Action<OidcRelyingPartyOptions>? tweak = null) => RpApp.StartAsync(o =>
    {
        o.Issuer = _op.Provider.IssuerString;
        o.RequireHttpsMetadata = false;
        o.ClientId = clientId;
        o.TokenEndpointAuthMethod = method;
        tweak?.Invoke(o);
    });

    /// <summary>Logs in, then logs out with revocation: the OP must accept the assertion at the token and revocation endpoints.</summary>
    private async Task LoginUseAndLogoutAsync(RpApp rp, string user)
    {
        using var browser = RpApp.NewBrowser();
        using var login = await OidcLoginDriver.LoginAsync(browser, rp.Url("/protected"), user);
        Assert.True(login.Body == "hello " + user, login + "\n" + rp.AllLogs() + "\n" + string.Join('\n', _op.Provider.GetRecentStandardError()));

        using var tokens = JsonDocument.Parse(await browser.GetStringAsync(rp.Url("/tokens")));
        var accessToken = tokens.RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await UserInfoStatusAsync(accessToken));

        using var logout = await browser.GetAsync(rp.Url("/oidc/callback?logout=%2F"));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.DoesNotContain("RevocationRefused", rp.AllLogs(), StringComparison.Ordinal);
        // Revoked at logout with a second assertion: the OP no longer honours the access token.
        Assert.Equal(HttpStatusCode.Unauthorized, await UserInfoStatusAsync(accessToken));
    }

    private async Task<HttpStatusCode> UserInfoStatusAsync(string accessToken)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _op.Provider.UserInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Client_secret_jwt_logs_in_and_revokes()
    {
        await using var rp = await StartRpAsync(ClientAssertionOpFixture.SecretJwtClient, TokenEndpointAuthMethod.ClientSecretJwt, o => o.ClientSecret = ClientAssertionOpFixture.SecretJwtSecret);

        await LoginUseAndLogoutAsync(rp, "jwt-alice");
    }

    [Fact]
    public async Task Private_key_jwt_with_an_ec_key_logs_in_and_revokes()
    {
        await using var rp = await StartRpAsync(ClientAssertionOpFixture.EcClient, TokenEndpointAuthMethod.PrivateKeyJwt, o => o.ClientAssertion.PrivateKeyFiles.Add(_op.EcKeyPem));

        await LoginUseAndLogoutAsync(rp, "ec-bob");
    }

    [Fact]
    public async Task Private_key_jwt_with_an_rsa_certificate_key_file_and_issuer_audience_logs_in_and_revokes()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (kid, pem) = (_op.RsaKeyPem[..8], _op.RsaKeyPem[9..]);
            await File.WriteAllTextAsync(file, pem);
            await using var rp = await StartRpAsync(ClientAssertionOpFixture.RsaClient, TokenEndpointAuthMethod.PrivateKeyJwt, o =>
            {
                o.ClientAssertion.PrivateKeyFiles.Add(kid + "#" + file);
                o.ClientAssertion.Algorithm = SecurityAlgorithms.RsaSsaPssSha256;
                o.ClientAssertion.Audience = ClientAssertionAudience.Issuer;
            });

            await LoginUseAndLogoutAsync(rp, "rsa-carol");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_key_the_op_does_not_know_is_refused_with_an_error_page_not_a_500()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var rp = await StartRpAsync(ClientAssertionOpFixture.EcClient, TokenEndpointAuthMethod.PrivateKeyJwt, o => o.ClientAssertion.PrivateKeyFiles.Add(stranger.ExportPkcs8PrivateKeyPem()));
        using var browser = RpApp.NewBrowser();

        using var login = await OidcLoginDriver.LoginAsync(browser, rp.Url("/protected"), "mallory");

        Assert.True((int)login.StatusCode is >= 400 and < 500 or 502, login.ToString());
        Assert.NotEqual("hello mallory", login.Body);
    }

    [Fact]
    public async Task The_rp_publishes_the_public_keys_at_its_jwks_function()
    {
        await using var rp = await StartRpAsync(ClientAssertionOpFixture.EcClient, TokenEndpointAuthMethod.PrivateKeyJwt, o => o.ClientAssertion.PrivateKeyFiles.Add(_op.EcKeyPem));
        using var client = new HttpClient();

        using var response = await client.GetAsync(rp.Url("/oidc/callback?jwks"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        var set = new JsonWebKeySet(await response.Content.ReadAsStringAsync());
        var key = Assert.Single(set.Keys);
        Assert.Equal("EC", key.Kty);
        Assert.Null(key.D);
    }

    [Theory]
    [InlineData(IntrospectionAuthMethod.PrivateKeyJwt)]
    [InlineData(IntrospectionAuthMethod.ClientSecretJwt)]
    public async Task The_resource_server_introspects_with_a_jwt_client_assertion(IntrospectionAuthMethod method)
    {
        var opaque = await _op.Provider.ClientCredentialsTokenAsync(resource: null);
        var jwt = await _op.Provider.ClientCredentialsTokenAsync(NodeOpClients.TestApiResource);
        await using var rs = await RsApp.StartAsync(o =>
        {
            o.Validation = AccessTokenValidation.Introspection;
            o.Issuer = _op.Provider.IssuerString;
            o.RequireHttpsMetadata = false;
            o.IntrospectionAuthMethod = method;
            if (method == IntrospectionAuthMethod.PrivateKeyJwt)
            {
                o.ClientId = ClientAssertionOpFixture.IntrospectionClient;
                o.ClientAssertion.PrivateKeyFiles.Add(_op.EcKeyPem);
            }
            else
            {
                o.ClientId = ClientAssertionOpFixture.SecretJwtClient;
                o.ClientSecret = ClientAssertionOpFixture.SecretJwtSecret;
            }
        });

        using var valid = await CallAsync(rs, opaque);
        using var notOpaque = await CallAsync(rs, jwt);

        Assert.True(valid.StatusCode == HttpStatusCode.OK, valid + "\n" + string.Join('\n', rs.Logs));
        // The OP does not introspect its JWT access tokens (400 unsupported_token_type): refused, not a 503.
        Assert.Equal(HttpStatusCode.Unauthorized, notOpaque.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"the authorization server does not introspect this kind of token\"", notOpaque.Headers.WwwAuthenticate.ToString());
    }

    private static async Task<HttpResponseMessage> CallAsync(RsApp rs, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await rs.Client.SendAsync(request);
    }
}
