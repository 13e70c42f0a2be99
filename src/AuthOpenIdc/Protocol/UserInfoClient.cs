using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>The userinfo endpoint (OIDC Core §5.3): bearer header, a JSON object whose <c>sub</c> must be the ID token's.</summary>
internal sealed class UserInfoClient
{
    private readonly OpBackchannel _backchannel;
    private readonly IdTokenValidator _jwtValidator;

    public UserInfoClient(OpBackchannel backchannel, IdTokenValidator jwtValidator)
    {
        _backchannel = backchannel;
        _jwtValidator = jwtValidator;
    }

    public async Task<JsonElement> GetAsync(ProviderMetadata provider, string accessToken, string expectedSubject, CancellationToken cancellationToken)
    {
        var response = await _backchannel.GetAsync(provider.UserInfoEndpoint!, accessToken, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != 200)
        {
            throw response.StatusCode is >= 400 and < 500
                ? OidcProtocolException.InvalidUserInfo($"userinfo answered HTTP {response.StatusCode}")
                : OidcProtocolException.ProviderUnavailable($"userinfo answered HTTP {response.StatusCode}");
        }
        var body = response.Body;
        if (string.Equals(response.MediaType, "application/jwt", StringComparison.OrdinalIgnoreCase))
        {
            var signed = await _jwtValidator.ValidateSignedUserInfoAsync(body.Trim(), provider, cancellationToken).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(signed.EncodedPayload));
        }
        JsonElement claims;
        try
        {
            using var document = JsonDocument.Parse(body);
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
