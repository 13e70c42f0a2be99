using System.Text.Json.Serialization;

namespace AuthOpenIdc.RelyingParty;

/// <summary>What one pending login remembers in its state cookie (mod_auth_openidc §1.10).</summary>
internal sealed class StateData
{
    [JsonPropertyName("s")] public required string State { get; set; }
    [JsonPropertyName("n")] public required string Nonce { get; set; }
    [JsonPropertyName("pv")] public required string CodeVerifier { get; set; }
    [JsonPropertyName("ou")] public required string ReturnUrl { get; set; }
    [JsonPropertyName("om")] public string Method { get; set; } = "GET";
    [JsonPropertyName("t")] public long CreatedAt { get; set; }
    [JsonPropertyName("rm")] public AuthorizationResponseMode ResponseMode { get; set; }
    [JsonPropertyName("ma")] public bool MaxAgeRequested { get; set; }
    [JsonPropertyName("ru")] public required string RedirectUri { get; set; }

    /// <summary>The <c>prompt</c> sent, so a failed silent (<c>prompt=none</c>) check can end the session instead of showing an error.</summary>
    [JsonPropertyName("pr")] public string? Prompt { get; set; }
}

[JsonSerializable(typeof(StateData))]
internal sealed partial class StateDataJsonContext : JsonSerializerContext;
