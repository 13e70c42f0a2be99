namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// What an authenticated user who fails an authorization policy gets (mod_auth_openidc <c>OIDCUnAutzAction</c>).
/// </summary>
public enum UnauthorizedAction
{
    /// <summary>403 Forbidden (the default).</summary>
    Forbidden = 0,

    /// <summary>401 Unauthorized.</summary>
    Unauthorized,

    /// <summary>302 to <see cref="OidcRelyingPartyOptions.UnauthorizedRedirectUrl"/>.</summary>
    Redirect,

    /// <summary>
    /// Log in again at the OP (step-up), with the endpoint's extra authorization parameters such as
    /// <c>acr_values</c>. A request that is not a navigation gets 401 instead.
    /// </summary>
    Reauthenticate,
}
