namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// What a failed access-token refresh leads to (the second argument of mod_auth_openidc
/// <c>OIDCRefreshAccessTokenBeforeExpiry</c>).
/// </summary>
public enum RefreshErrorAction
{
    /// <summary>Carry on with the tokens the session has (mod_auth_openidc's default); the failure is logged.</summary>
    Continue = 0,

    /// <summary>End the session (<c>logout_on_error</c>): the request continues unauthenticated.</summary>
    Logout,

    /// <summary>End the session and log in again (<c>authenticate_on_error</c>); a non-navigation gets 401.</summary>
    Reauthenticate,

    /// <summary>Answer 502 Bad Gateway (<c>502_on_error</c>) and keep the session.</summary>
    BadGateway,
}
