using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>Raised before the browser is sent to the OP's authorization endpoint.</summary>
public sealed class RedirectToIdentityProviderContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public RedirectToIdentityProviderContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties properties, IDictionary<string, string> parameters)
        : base(context, scheme, options, properties)
    {
        Parameters = parameters;
    }

    /// <summary>
    /// The authorization request parameters. Extra parameters may be added or changed; changes to the
    /// protocol parameters (state, nonce, code_challenge, redirect_uri, client_id, response_type) are ignored.
    /// </summary>
    public IDictionary<string, string> Parameters { get; }
}
