namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Endpoint metadata with extra scopes and authorization request parameters for logins started by this
/// endpoint (<c>OIDCPathScope</c>, <c>OIDCPathAuthRequestParams</c>). Protocol parameters cannot be overridden.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class OidcAuthorizationRequestAttribute : Attribute
{
    /// <summary>Space-separated scopes added to the configured ones.</summary>
    public string? Scope { get; set; }

    /// <summary>Extra parameters in query-string form, e.g. <c>acr_values=urn:mfa&amp;prompt=login</c>.</summary>
    public string? Parameters { get; set; }
}
