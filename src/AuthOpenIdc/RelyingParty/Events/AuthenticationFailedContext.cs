using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>
/// Raised when a login or a redirect_uri request fails, before the error page is written.
/// Call <see cref="OidcRelyingPartyEventContext.HandleResponse"/> to write your own page.
/// </summary>
public sealed class AuthenticationFailedContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public AuthenticationFailedContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties? properties, OidcError error)
        : base(context, scheme, options, properties)
    {
        Error = error;
    }

    /// <summary>The failure: a stable code (docs/errors.md), a safe description and the HTTP status.</summary>
    public OidcError Error { get; }
}
