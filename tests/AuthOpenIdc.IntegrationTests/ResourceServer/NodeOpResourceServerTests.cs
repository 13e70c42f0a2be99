using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using AuthOpenIdc.ResourceServer;
using Xunit.Abstractions;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>
/// The resource server against the real npm <c>oidc-provider</c>: its RS256 JWT access tokens (resource indicator
/// <see cref="NodeOpClients.TestApiResource"/>) validated locally, and its opaque tokens through its introspection endpoint.
/// </summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class NodeOpResourceServerTests
{
    private readonly NodeOidcProviderFixture _fixture;
    private readonly ITestOutputHelper _output;

    public NodeOpResourceServerTests(NodeOidcProviderFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private NodeOidcProvider Op => _fixture.Provider;

    /// <summary>A client_credentials token of <c>rs-client</c>; with <paramref name="resource"/> a JWT for that API.</summary>
    private Task<string> ClientCredentialsTokenAsync(string? resource) => Op.ClientCredentialsTokenAsync(resource);

    private static async Task<HttpResponseMessage> CallAsync(RsApp rs, string token, string path = "/api/me")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await rs.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_jwt_access_token_for_the_api_is_validated_locally()
    {
        var token = await ClientCredentialsTokenAsync(NodeOpClients.TestApiResource);
        Assert.Equal(3, token.Split('.').Length);
        await using var rs = await RsApp.StartAsync(o =>
        {
            o.Issuer = Op.IssuerString;
            o.Audiences.Add(NodeOpClients.TestApiResource);
            o.RequireAccessTokenType = true;
            o.RequireHttpsMetadata = false;
            o.RemoteUser.Claim = "client_id";
        });

        using var me = await CallAsync(rs, token);
        using var write = await CallAsync(rs, token, "/api/write");
        using var admin = await CallAsync(rs, token, "/api/admin");

        var body = await me.Content.ReadAsStringAsync();
        _output.WriteLine(body);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var json = JsonNode.Parse(body)!;
        Assert.Equal(NodeOpClients.ResourceServerClientId, (string?)json["name"]);
        Assert.Contains("api:read", json["scopes"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Contains("insufficient_scope", admin.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, rs.Runtime.Validations);
    }

    [Fact]
    public async Task A_jwt_for_the_api_is_refused_by_a_resource_server_of_another_audience()
    {
        var token = await ClientCredentialsTokenAsync(NodeOpClients.TestApiResource);
        await using var rs = await RsApp.StartAsync(o =>
        {
            o.Issuer = Op.IssuerString;
            o.Audiences.Add("urn:authopenidc:other-api");
            o.RequireHttpsMetadata = false;
        });

        using var response = await CallAsync(rs, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"the token's audience is not accepted\"", response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>
    /// Plain JSON; RFC 9701 ES256 JWTs for the client registered with <c>introspection_signed_response_alg</c>; and RS256
    /// JWTs (oidc-provider's default alg once jwtIntrospection is on) for a client that merely asks for them.
    /// </summary>
    [Theory]
    [InlineData(NodeOpClients.ResourceServerClientId, NodeOpClients.ResourceServerClientSecret, IntrospectionSignedResponse.Off)]
    [InlineData(NodeOpClients.SignedIntrospectionClientId, NodeOpClients.SignedIntrospectionClientSecret, IntrospectionSignedResponse.Require)]
    [InlineData(NodeOpClients.ResourceServerClientId, NodeOpClients.ResourceServerClientSecret, IntrospectionSignedResponse.Allow)]
    public async Task An_opaque_token_is_validated_by_introspection_and_an_unknown_one_is_inactive(string clientId, string clientSecret, IntrospectionSignedResponse signed)
    {
        var token = await ClientCredentialsTokenAsync(resource: null);
        Assert.DoesNotContain('.', token);
        await using var rs = await RsApp.StartAsync(o =>
        {
            o.Validation = AccessTokenValidation.Introspection;
            o.Issuer = Op.IssuerString;
            o.ClientId = clientId;
            o.ClientSecret = clientSecret;
            o.IntrospectionSignedResponse = signed;
            o.RequireHttpsMetadata = false;
            o.RemoteUser.Claim = "client_id";
        });

        using var valid = await CallAsync(rs, token);
        using var again = await CallAsync(rs, token);
        using var inactive = await CallAsync(rs, token[..^4] + "AAAA");

        var body = await valid.Content.ReadAsStringAsync();
        _output.WriteLine(body);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(NodeOpClients.ResourceServerClientId, (string?)JsonNode.Parse(body)!["name"]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, inactive.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"the token is not active\"", inactive.Headers.WwwAuthenticate.ToString());
        Assert.Equal(2, rs.Runtime.Validations);
        Assert.DoesNotContain(rs.Logs, l => l.Contains("ResourceServerSignedIntrospectionRejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mixed_mode_sends_bearer_requests_to_the_resource_server_and_browsers_to_the_login()
    {
        var token = await ClientCredentialsTokenAsync(NodeOpClients.TestApiResource);
        await using var app = await RpApp.StartAsync(
            o =>
            {
                o.Issuer = Op.IssuerString;
                o.ClientId = NodeOpClients.TestClientId;
                o.ClientSecret = NodeOpClients.TestClientSecret;
                o.RequireHttpsMetadata = false;
            },
            services =>
            {
                services.AddAuthentication()
                    .AddOAuthResourceServer(o =>
                    {
                        o.Issuer = Op.IssuerString;
                        o.Audiences.Add(NodeOpClients.TestApiResource);
                        o.RequireHttpsMetadata = false;
                        o.RemoteUser.Claim = "client_id";
                    })
                    .AddOidcOrBearer();
                services.Configure<AuthenticationOptions>(o =>
                {
                    o.DefaultScheme = OAuthResourceServerDefaults.OidcOrBearerScheme;
                    o.DefaultChallengeScheme = OAuthResourceServerDefaults.OidcOrBearerScheme;
                });
            });
        using var browser = RpApp.NewBrowser();

        using var login = await browser.GetAsync(app.Url("/protected"));
        using var bearer = new HttpRequestMessage(HttpMethod.Get, app.Url("/protected"));
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var api = await browser.SendAsync(bearer);
        using var forged = new HttpRequestMessage(HttpMethod.Get, app.Url("/protected"));
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token[..^6] + "AAAAAA");
        using var refused = await browser.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith(Op.AuthorizationEndpoint.ToString(), login.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("hello " + NodeOpClients.ResourceServerClientId, await api.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
