using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>
/// Raised after a login stored its session and set the cookie, before the browser returns to the original URL.
/// Changes to <see cref="Principal"/> are not stored: the principal is rebuilt from the session on every request.
/// <see cref="OidcRelyingPartyEventContext.HandleResponse"/> writes your own response instead of the redirect;
/// <see cref="OidcRelyingPartyEventContext.Fail"/> shows the error page, but the session stays.
/// </summary>
public sealed class SessionCreatedContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public SessionCreatedContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties properties, ClaimsPrincipal principal, string returnUrl)
        : base(context, scheme, options, properties)
    {
        Principal = principal;
        ReturnUrl = returnUrl;
    }

    /// <summary>The user as the app will see it.</summary>
    public ClaimsPrincipal Principal { get; }

    /// <summary>Where the browser goes next; an event may change it to another local URL.</summary>
    public string ReturnUrl { get; set; }
}
