using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Claims;

/// <summary>
/// Turns a JSON claims object (ID token, userinfo, access token, introspection) into .NET claims without
/// losing structure: strings, numbers and booleans become typed claims; an array becomes one claim per
/// element; an object stays one claim holding its JSON (value type <c>JSON</c>), so authorization can look
/// inside it (<c>realm_access.roles</c>). The RP and RS share this so policies work the same on both.
/// </summary>
internal static class JsonClaimsMapper
{
    public static void AddClaims(List<Claim> claims, JsonElement source, string issuer)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in source.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in property.Value.EnumerateArray())
                {
                    AddValue(claims, property.Name, element, issuer);
                }
            }
            else
            {
                AddValue(claims, property.Name, property.Value, issuer);
            }
        }
    }

    private static void AddValue(List<Claim> claims, string type, JsonElement value, string issuer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                claims.Add(new Claim(type, value.GetString()!, ClaimValueTypes.String, issuer));
                break;
            case JsonValueKind.Number:
                var integral = value.TryGetInt64(out _);
                claims.Add(new Claim(type, value.GetRawText(), integral ? ClaimValueTypes.Integer64 : ClaimValueTypes.Double, issuer));
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                claims.Add(new Claim(type, value.ValueKind == JsonValueKind.True ? "true" : "false", ClaimValueTypes.Boolean, issuer));
                break;
            case JsonValueKind.Object:
                claims.Add(new Claim(type, value.GetRawText(), JsonClaimValueTypes.Json, issuer));
                break;
            case JsonValueKind.Array:
                claims.Add(new Claim(type, value.GetRawText(), JsonClaimValueTypes.JsonArray, issuer));
                break;
            default:
                break; // null: omitted
        }
    }

    /// <summary>Merges claim objects left to right, later ones winning per top-level name.</summary>
    public static JsonElement Merge(params JsonElement?[] sources)
    {
        var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (source is { ValueKind: JsonValueKind.Object } obj)
            {
                foreach (var property in obj.EnumerateObject())
                {
                    merged[property.Name] = property.Value;
                }
            }
        }
        return JsonSerializer.SerializeToElement(merged, MergedClaimsJsonContext.Default.DictionaryStringJsonElement);
    }

    public static string ToInvariantString(long value) => value.ToString(CultureInfo.InvariantCulture);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class MergedClaimsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
