using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Tests.Authorization;

/// <summary>
/// Builds principals the way the RP and RS handlers do (the claims contract): one claim per JSON value,
/// arrays flattened into one claim per element, objects and nested arrays as JSON text.
/// </summary>
internal static class TestPrincipals
{
    public const string RemoteUserClaimType = "remote_user";

    public static ClaimsPrincipal FromJson(string json, string? remoteUser = null) =>
        new(FromJsonIdentity(json, remoteUser));

    public static ClaimsIdentity FromJsonIdentity(string json, string? remoteUser = null)
    {
        var identity = new ClaimsIdentity("test", RemoteUserClaimType, "roles");
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in property.Value.EnumerateArray())
                {
                    Add(identity, property.Name, element);
                }
            }
            else
            {
                Add(identity, property.Name, property.Value);
            }
        }

        if (remoteUser is not null)
        {
            identity.AddClaim(new Claim(RemoteUserClaimType, remoteUser));
        }

        return identity;
    }

    public static ClaimsPrincipal Anonymous() => new(new ClaimsIdentity());

    private static void Add(ClaimsIdentity identity, string type, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                identity.AddClaim(new Claim(type, value.GetString()!, ClaimValueTypes.String));
                break;
            case JsonValueKind.Number when value.TryGetInt64(out long integer):
                identity.AddClaim(new Claim(type, integer.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
                break;
            case JsonValueKind.Number:
                identity.AddClaim(new Claim(type, value.GetDouble().ToString("R", CultureInfo.InvariantCulture), ClaimValueTypes.Double));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                identity.AddClaim(new Claim(type, value.ValueKind == JsonValueKind.True ? "true" : "false", ClaimValueTypes.Boolean));
                break;
            case JsonValueKind.Object:
                identity.AddClaim(new Claim(type, value.GetRawText(), JsonClaimValueTypes.Json));
                break;
            case JsonValueKind.Array:
                identity.AddClaim(new Claim(type, value.GetRawText(), JsonClaimValueTypes.JsonArray));
                break;
        }
    }
}
