using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>Raised when the token endpoint answered the code exchange, before the ID token is validated.</summary>
public sealed class TokenResponseReceivedContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public TokenResponseReceivedContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties properties, JsonElement tokenResponse)
        : base(context, scheme, options, properties)
    {
        TokenResponse = tokenResponse;
    }

    /// <summary>The token response as the OP sent it.</summary>
    public JsonElement TokenResponse { get; }
}
