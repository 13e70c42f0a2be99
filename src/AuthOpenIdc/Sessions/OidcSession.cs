using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// What the RP remembers of one login. Stored server-side (encrypted, see <see cref="Caching.ProtectedCache"/>);
/// the browser holds only the protected session id. Times are Unix seconds (64-bit: no 2038 problem).
/// </summary>
internal sealed class OidcSession
{
    /// <summary>Format version, so a future change can read or discard old sessions deliberately.</summary>
    [JsonPropertyName("v")] public int Version { get; set; } = 1;

    [JsonPropertyName("iss")] public required string Issuer { get; set; }
    [JsonPropertyName("sub")] public required string Subject { get; set; }
    [JsonPropertyName("sid")] public string? Sid { get; set; }
    [JsonPropertyName("ru")] public required string RemoteUser { get; set; }

    /// <summary>Userinfo claims overlaid with the ID token's (the ID token wins, as in mod_auth_openidc §4.7).</summary>
    [JsonPropertyName("c")] public JsonElement Claims { get; set; }

    /// <summary>The userinfo response alone, for the info hook's <c>userinfo</c> field.</summary>
    [JsonPropertyName("ui")] public JsonElement? UserInfo { get; set; }

    /// <summary>When userinfo was last fetched, for <c>UserInfoRefreshInterval</c>.</summary>
    [JsonPropertyName("uia")] public long UserInfoFetchedAt { get; set; }

    [JsonPropertyName("idt")] public string? IdToken { get; set; }
    [JsonPropertyName("at")] public string? AccessToken { get; set; }
    [JsonPropertyName("att")] public string? AccessTokenType { get; set; }
    [JsonPropertyName("ate")] public long? AccessTokenExpiresAt { get; set; }

    /// <summary>When the access token was obtained (login or last refresh), for <c>access_token_refresh_interval</c>.</summary>
    [JsonPropertyName("ati")] public long AccessTokenIssuedAt { get; set; }
    [JsonPropertyName("rt")] public string? RefreshToken { get; set; }
    [JsonPropertyName("scp")] public string? Scope { get; set; }
    [JsonPropertyName("ss")] public string? SessionState { get; set; }

    [JsonPropertyName("ct")] public long CreatedAt { get; set; }
    [JsonPropertyName("la")] public long LastActivityAt { get; set; }
    [JsonPropertyName("exp")] public long ExpiresAt { get; set; }

    /// <summary>The state of the login that made this session, so a replayed response (browser back) finds its way home.</summary>
    [JsonPropertyName("st")] public string? State { get; set; }
    [JsonPropertyName("ou")] public string? ReturnUrl { get; set; }

    /// <summary>
    /// Values derived from this session, shared by the copies of one decoded session (a reference the copies share),
    /// so requests do not rebuild them; replaced when the tokens change.
    /// </summary>
    [JsonIgnore] public DerivedValues Derived { get; set; } = new();

    /// <summary>See <see cref="Derived"/>.</summary>
    internal sealed class DerivedValues
    {
        /// <summary>The <c>AuthenticationProperties</c> items: tokens, issued and expiry times.</summary>
        public IDictionary<string, string?>? PropertyItems;

        /// <summary>The session's JSON claims mapped to .NET claims, as templates the per-request identities copy.</summary>
        public List<System.Security.Claims.Claim>? Claims;
    }

    /// <summary>A copy for one request, so that what it changes (activity time, refreshed tokens) stays its own until saved.</summary>
    public OidcSession Copy() => (OidcSession)MemberwiseClone();
}

[JsonSerializable(typeof(OidcSession))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class OidcSessionJsonContext : JsonSerializerContext;
