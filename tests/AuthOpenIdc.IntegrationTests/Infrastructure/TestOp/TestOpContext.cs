using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>Everything the endpoints share: behaviour, state, keys, token minting, and the issuer identifier.</summary>
internal sealed class TestOpContext : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public TestOpContext()
    {
        Keys = new TestOpKeyStore();
        IdTokens = new TestOpIdTokenFactory(Keys, () => IssuerIdentifier);
        LogoutTokens = new TestOpLogoutTokens(Keys, () => IssuerIdentifier);
        State.AddClient(ScriptableOp.DefaultClientId, ScriptableOp.DefaultClientSecret);
    }

    public ScriptableOpBehavior Behavior { get; } = new();

    public TestOpState State { get; } = new();

    public TestOpKeyStore Keys { get; }

    public TestOpIdTokenFactory IdTokens { get; }

    public TestOpLogoutTokens LogoutTokens { get; }

    /// <summary>The exact issuer string (no trailing slash); set once Kestrel has bound its port.</summary>
    public string IssuerIdentifier { get; set; } = string.Empty;

    /// <summary>Cancelled when the OP stops, so artificial delays end promptly.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public string EndpointUrl(string path) => IssuerIdentifier + path;

    public void SignalStopping() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        Keys.Dispose();
    }
}

/// <summary>Small HTTP helpers shared by the test OP endpoints.</summary>
internal static class TestOpHttp
{
    public static Task WriteJsonAsync(HttpContext http, JsonNode body, int status = StatusCodes.Status200OK)
        => WriteRawAsync(http, status, "application/json; charset=utf-8", body.ToJsonString());

    public static Task WriteOAuthErrorAsync(HttpContext http, int status, string error, string? description = null)
    {
        var body = new JsonObject { ["error"] = error };
        if (description is not null)
        {
            body["error_description"] = description;
        }

        http.Response.Headers.CacheControl = "no-store";
        return WriteJsonAsync(http, body, status);
    }

    public static async Task WriteRawAsync(HttpContext http, int status, string contentType, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>An HTML error page, the way a misconfigured proxy or a crashing OP answers.</summary>
    public static Task WriteHtmlErrorAsync(HttpContext http, int status)
        => WriteRawAsync(http, status, "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>" + status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + " Something went wrong</h1><p>The test OP was told to fail.</p></body></html>");

    /// <summary>The query (GET) or form body (POST with a form content type), as name → comma-joined values.</summary>
    public static async Task<Dictionary<string, string>> ReadParametersAsync(HttpContext http)
    {
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            return ToDictionary(form);
        }

        return ToDictionary(http.Request.Query);
    }

    public static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            result[name] = value.ToString();
        }

        return result;
    }

    public static string? Get(this IReadOnlyDictionary<string, string> parameters, string name)
        => parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public static JsonNode? ToJsonNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value),
    };
}
