using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>
/// Base of the Relying Party event contexts. An event can take over the response
/// (<see cref="HandleResponse"/>) or fail the login (<see cref="Fail"/>).
/// </summary>
public abstract class OidcRelyingPartyEventContext : PropertiesContext<OidcRelyingPartyOptions>
{
    /// <summary>Creates the context.</summary>
    protected OidcRelyingPartyEventContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties? properties)
        : base(context, scheme, options, properties)
    {
    }

    /// <summary>True once the event wrote the response itself; the handler then stops.</summary>
    public bool Handled { get; private set; }

    /// <summary>The reason given to <see cref="Fail"/>, or null.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>Tell the handler that the event wrote the response itself.</summary>
    public void HandleResponse() => Handled = true;

    /// <summary>
    /// Reject the login: the user gets the error page with error code <c>event_rejected</c>.
    /// The reason is logged, never shown.
    /// </summary>
    public void Fail(string reason) => FailureReason = reason ?? "rejected by an event";
}
