using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace AuthOpenIdc.Tests.Protocol;

/// <summary>
/// A scriptable OP on the backchannel: serves a discovery document and a JWKS of <see cref="Keys"/>, counts
/// every call per path, and is its own <see cref="IHttpClientFactory"/> so the real <c>OpBackchannel</c> uses it.
/// </summary>
internal sealed class FakeOp : HttpMessageHandler, IHttpClientFactory
{
    public const string Issuer = "https://op.example.com";
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string JwksPath = "/jwks";

    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

    public List<TestSigningKey> Keys { get; } = [];

    /// <summary>The discovery document; tests edit it (issuer, endpoints) or replace it.</summary>
    public JsonObject Discovery { get; set; } = new()
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["userinfo_endpoint"] = Issuer + "/userinfo",
        ["jwks_uri"] = Issuer + JwksPath,
        ["end_session_endpoint"] = Issuer + "/logout",
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256", "ES256"),
    };

    /// <summary>When set, answers instead of the normal routes (status code and body), per path.</summary>
    public Dictionary<string, (HttpStatusCode Status, string Body, string MediaType)> Scripted { get; } = new(StringComparer.Ordinal);

    public int Calls(string path) => _calls.GetValueOrDefault(path);

    public int TotalCalls => _calls.Values.Sum();

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        _calls[path] = Calls(path) + 1;
        if (Scripted.TryGetValue(path, out var scripted))
        {
            return Task.FromResult(Respond(scripted.Status, scripted.Body, scripted.MediaType));
        }
        return Task.FromResult(path switch
        {
            DiscoveryPath => Respond(HttpStatusCode.OK, Discovery.ToJsonString(), "application/json"),
            JwksPath or "/static/jwks" => Respond(HttpStatusCode.OK, Jwks(), "application/json"),
            _ => Respond(HttpStatusCode.NotFound, "{}", "application/json"),
        });
    }

    private string Jwks() => new JsonObject { ["keys"] = new JsonArray([.. Keys.Select(k => (JsonNode)k.ToJson())]) }.ToJsonString();

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, string mediaType) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, mediaType),
    };
}
