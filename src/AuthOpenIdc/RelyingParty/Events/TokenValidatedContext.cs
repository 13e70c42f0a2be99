using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>Raised when the ID token passed every check, before userinfo is fetched.</summary>
public sealed class TokenValidatedContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public TokenValidatedContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties properties, JsonWebToken idToken)
        : base(context, scheme, options, properties)
    {
        IdToken = idToken;
    }

    /// <summary>The validated ID token.</summary>
    public JsonWebToken IdToken { get; }
}
