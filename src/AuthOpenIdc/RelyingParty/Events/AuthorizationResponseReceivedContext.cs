using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>Raised when a valid state cookie matched the authorization response, before the code is redeemed.</summary>
public sealed class AuthorizationResponseReceivedContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public AuthorizationResponseReceivedContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties properties, IReadOnlyDictionary<string, string> parameters)
        : base(context, scheme, options, properties)
    {
        Parameters = parameters;
    }

    /// <summary>The authorization response parameters (code, state, iss, session_state ...).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }
}
