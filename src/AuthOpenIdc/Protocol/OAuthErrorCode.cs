using System.Text.Json;

namespace AuthOpenIdc.Protocol;

/// <summary>OAuth error codes come from the network; only ones shaped like a code (RFC 6749 §5.2) reach a log line.</summary>
internal static class OAuthErrorCode
{
    public static string Sanitize(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.')
            ? code
            : "unknown";

    /// <summary>The <c>error</c> of an OAuth error response body (sanitized), or <c>unknown</c>.</summary>
    public static string FromBody(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String)
            {
                return Sanitize(error.GetString());
            }
        }
        catch (JsonException)
        {
        }
        return "unknown";
    }
}
