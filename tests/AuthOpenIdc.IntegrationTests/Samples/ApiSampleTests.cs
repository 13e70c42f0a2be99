using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Samples;

namespace AuthOpenIdc.IntegrationTests.Samples;

/// <summary>
/// The API sample (<c>src/samples/AuthOpenIdc.Samples.Api</c>) with its own appsettings, pointed at the npm OP:
/// bearer tokens of the OP for the sample's resource indicator, validated locally as JWTs (the default) or by
/// introspection (the <c>Introspection</c> environment).
/// </summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class ApiSampleTests
{
    private readonly NodeOidcProviderFixture _op;

    public ApiSampleTests(NodeOidcProviderFixture op)
    {
        _op = op;
    }

    private NodeOidcProvider Op => _op.Provider;

    private Task<SampleApp> StartApiAsync(string environment = "Production") => SampleApp.StartAsync(SampleProject.Api,
        new Dictionary<string, string> { ["AuthOpenIdc:ResourceServer:Issuer"] = Op.IssuerString }, environment);

    private static async Task<HttpResponseMessage> CallAsync(SampleApp api, HttpMethod method, string path, string? token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, api.Url(path));
        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { item = "Milk frother", quantity = 1 });
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Health_is_public_and_the_api_without_a_token_answers_401_with_a_bearer_challenge()
    {
        await using var api = await StartApiAsync();

        using var health = await CallAsync(api, HttpMethod.Get, "/health", token: null);
        using var whoami = await CallAsync(api, HttpMethod.Get, "/api/whoami", token: null);
        using var orders = await CallAsync(api, HttpMethod.Get, "/api/orders", token: null);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, whoami.StatusCode);
        Assert.Equal("Bearer", whoami.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Equal("Bearer", orders.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_jwt_access_token_for_the_api_gets_its_claims_and_the_orders()
    {
        var token = await Op.ClientCredentialsTokenAsync(NodeOpClients.TestApiResource);
        await using var api = await StartApiAsync();

        using var whoami = await CallAsync(api, HttpMethod.Get, "/api/whoami", token);
        using var orders = await CallAsync(api, HttpMethod.Get, "/api/orders", token);
        using var create = await CallAsync(api, HttpMethod.Post, "/api/orders", token);

        var body = await whoami.Content.ReadAsStringAsync();
        Assert.True(whoami.StatusCode == HttpStatusCode.OK, $"{whoami.StatusCode} {whoami.Headers.WwwAuthenticate}{Environment.NewLine}{api.AllLogs()}");
        var json = JsonNode.Parse(body)!;
        Assert.Equal(NodeOpClients.ResourceServerClientId, (string?)json["name"]);
        Assert.Equal("Jwt", (string?)json["validation"]);
        Assert.Equal(["api:read", "api:write"], json["scopes"]!.AsArray().Select(s => (string?)s).Order());
        var claims = json["claims"]!.AsArray().Select(c => ((string?)c!["type"], (string?)c["value"])).ToList();
        Assert.Contains(("aud", NodeOpClients.TestApiResource), claims);
        Assert.Contains(("iss", Op.IssuerString), claims);
        Assert.Contains(("client_id", NodeOpClients.ResourceServerClientId), claims);
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(3, JsonNode.Parse(await orders.Content.ReadAsStringAsync())!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal("Milk frother", (string?)JsonNode.Parse(await create.Content.ReadAsStringAsync())!["order"]!["item"]);
    }

    [Fact]
    public async Task A_token_without_the_write_scope_may_read_but_not_create_orders()
    {
        var token = await Op.ClientCredentialsTokenAsync(NodeOpClients.TestApiResource, scope: "api:read");
        await using var api = await StartApiAsync();

        using var orders = await CallAsync(api, HttpMethod.Get, "/api/orders", token);
        using var create = await CallAsync(api, HttpMethod.Post, "/api/orders", token);

        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.StartsWith("Bearer error=\"insufficient_scope\"", create.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_of_another_audience_or_forged_ones_are_refused()
    {
        var opaque = await Op.ClientCredentialsTokenAsync(NodeOpClients.TestApiOpaqueResource);
        var jwt = await Op.ClientCredentialsTokenAsync(NodeOpClients.TestApiResource);
        await using var api = await StartApiAsync();

        using var notAJwt = await CallAsync(api, HttpMethod.Get, "/api/whoami", opaque);
        using var forged = await CallAsync(api, HttpMethod.Get, "/api/whoami", jwt[..^6] + "AAAAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, notAJwt.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", notAJwt.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", forged.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_the_Introspection_environment_opaque_tokens_are_introspected_with_the_same_scope_rules()
    {
        var token = await Op.ClientCredentialsTokenAsync(NodeOpClients.TestApiOpaqueResource, scope: "api:read");
        Assert.DoesNotContain('.', token);
        await using var api = await StartApiAsync("Introspection");

        using var anonymous = await CallAsync(api, HttpMethod.Get, "/api/whoami", token: null);
        using var whoami = await CallAsync(api, HttpMethod.Get, "/api/whoami", token);
        using var orders = await CallAsync(api, HttpMethod.Get, "/api/orders", token);
        using var create = await CallAsync(api, HttpMethod.Post, "/api/orders", token);
        using var inactive = await CallAsync(api, HttpMethod.Get, "/api/whoami", token[..^4] + "AAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.True(whoami.StatusCode == HttpStatusCode.OK, $"{whoami.StatusCode} {whoami.Headers.WwwAuthenticate}{Environment.NewLine}{api.AllLogs()}");
        var json = JsonNode.Parse(await whoami.Content.ReadAsStringAsync())!;
        Assert.Equal("Introspection", (string?)json["validation"]);
        Assert.Contains(("aud", NodeOpClients.TestApiOpaqueResource), json["claims"]!.AsArray().Select(c => ((string?)c!["type"], (string?)c["value"])));
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.StartsWith("Bearer error=\"insufficient_scope\"", create.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, inactive.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"the token is not active\"", inactive.Headers.WwwAuthenticate.ToString());
    }
}
