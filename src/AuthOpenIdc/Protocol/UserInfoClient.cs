using System.Text.Json;

namespace AuthOpenIdc.Protocol;

/// <summary>The userinfo endpoint (OIDC Core §5.3): bearer header, a JSON object whose <c>sub</c> must be the ID token's.</summary>
internal sealed class UserInfoClient
{
    private readonly OpBackchannel _backchannel;

    public UserInfoClient(OpBackchannel backchannel)
    {
        _backchannel = backchannel;
    }

    public async Task<JsonElement> GetAsync(string endpoint, string accessToken, string expectedSubject, CancellationToken cancellationToken)
    {
        var response = await _backchannel.GetAsync(endpoint, accessToken, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != 200)
        {
            throw response.StatusCode is >= 400 and < 500
                ? OidcProtocolException.InvalidUserInfo($"userinfo answered HTTP {response.StatusCode}")
                : OidcProtocolException.ProviderUnavailable($"userinfo answered HTTP {response.StatusCode}");
        }
        if (string.Equals(response.MediaType, "application/jwt", StringComparison.OrdinalIgnoreCase))
        {
            throw OidcProtocolException.InvalidUserInfo("signed userinfo responses are not supported yet");
        }
        JsonElement claims;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            claims = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw OidcProtocolException.InvalidUserInfo("the userinfo response is not JSON", ex);
        }
        if (claims.ValueKind != JsonValueKind.Object)
        {
            throw OidcProtocolException.InvalidUserInfo("the userinfo response is not a JSON object");
        }
        if (!claims.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String
            || !string.Equals(sub.GetString(), expectedSubject, StringComparison.Ordinal))
        {
            throw OidcProtocolException.InvalidUserInfo("the userinfo sub differs from the ID token's sub");
        }
        return claims;
    }
}
