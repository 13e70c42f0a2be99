using System.Text.Json.Serialization;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// The outcome of one refresh-token grant, kept briefly in the shared cache under the refresh token it redeemed,
/// so concurrent requests on any instance reuse it instead of redeeming that token again.
/// </summary>
internal sealed class RefreshResult
{
    [JsonPropertyName("ok")] public bool Succeeded { get; set; }
    [JsonPropertyName("at")] public string? AccessToken { get; set; }
    [JsonPropertyName("att")] public string? AccessTokenType { get; set; }
    [JsonPropertyName("ate")] public long? AccessTokenExpiresAt { get; set; }
    [JsonPropertyName("ati")] public long IssuedAt { get; set; }
    [JsonPropertyName("rt")] public string? RefreshToken { get; set; }
    [JsonPropertyName("idt")] public string? IdToken { get; set; }
    [JsonPropertyName("scp")] public string? Scope { get; set; }

    public static RefreshResult Failed(long now) => new() { Succeeded = false, IssuedAt = now };
}

[JsonSerializable(typeof(RefreshResult))]
internal sealed partial class RefreshResultJsonContext : JsonSerializerContext;
