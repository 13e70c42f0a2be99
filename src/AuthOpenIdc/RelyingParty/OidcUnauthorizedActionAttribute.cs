namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Endpoint metadata that overrides <see cref="OidcRelyingPartyOptions.UnauthorizedAction"/> for one
/// endpoint (the per-location <c>OIDCUnAutzAction</c>), e.g. step-up with <see cref="UnauthorizedAction.Reauthenticate"/>
/// plus <see cref="OidcAuthorizationRequestAttribute"/> carrying <c>acr_values</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class OidcUnauthorizedActionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public OidcUnauthorizedActionAttribute(UnauthorizedAction action)
    {
        Action = action;
    }

    /// <summary>The action for this endpoint.</summary>
    public UnauthorizedAction Action { get; }

    /// <summary>The target of <see cref="UnauthorizedAction.Redirect"/>.</summary>
    public string? RedirectUrl { get; set; }
}
