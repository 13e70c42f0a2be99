using System.Text.Json;

namespace AuthOpenIdc.Protocol;

/// <summary>A successful token endpoint response (RFC 6749 §5.1 plus the OIDC <c>id_token</c>).</summary>
internal sealed class TokenResponse
{
    public string? AccessToken { get; init; }
    public string? TokenType { get; init; }
    public long? ExpiresIn { get; init; }
    public string? IdToken { get; init; }
    public string? RefreshToken { get; init; }
    public string? Scope { get; init; }
    public JsonElement Raw { get; init; }

    public static TokenResponse Parse(string body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw OidcProtocolException.ProviderUnavailable("the token response is not JSON", ex);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw OidcProtocolException.ProviderUnavailable("the token response is not a JSON object");
        }
        return new TokenResponse
        {
            AccessToken = GetString(root, "access_token"),
            TokenType = GetString(root, "token_type"),
            ExpiresIn = GetExpiresIn(root),
            IdToken = GetString(root, "id_token"),
            RefreshToken = GetString(root, "refresh_token"),
            Scope = GetString(root, "scope"),
            Raw = root,
        };
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Accepts a number or a numeric string (some OPs send one); saturates absurd values.</summary>
    private static long? GetExpiresIn(JsonElement root)
    {
        if (!root.TryGetProperty("expires_in", out var value))
        {
            return null;
        }
        double seconds;
        if (value.ValueKind == JsonValueKind.Number)
        {
            seconds = value.GetDouble();
        }
        else if (value.ValueKind != JsonValueKind.String || !double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out seconds))
        {
            return null;
        }
        if (double.IsNaN(seconds) || seconds <= 0)
        {
            return 0;
        }
        return (long)Math.Min(seconds, TimeSpan.FromDays(3650).TotalSeconds);
    }
}
