namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Endpoint metadata that overrides <see cref="OidcRelyingPartyOptions.UnauthenticatedAction"/> for one
/// endpoint (the per-location <c>OIDCUnAuthAction</c>). Use it as an attribute, or with
/// <c>.WithMetadata(new OidcUnauthenticatedActionAttribute(...))</c> on a minimal API.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class OidcUnauthenticatedActionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public OidcUnauthenticatedActionAttribute(UnauthenticatedAction action)
    {
        Action = action;
    }

    /// <summary>The action for this endpoint.</summary>
    public UnauthenticatedAction Action { get; }
}
