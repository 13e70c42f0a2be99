namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// What a request without a session gets (mod_auth_openidc <c>OIDCUnAuthAction</c>).
/// </summary>
public enum UnauthenticatedAction
{
    /// <summary>
    /// A browser navigation is sent to the OP to log in; a request that is not a navigation
    /// (XHR, fetch, an image, an API client) gets 401 so that it neither piles up state cookies nor loops.
    /// </summary>
    Authenticate = 0,

    /// <summary>The request goes on anonymously; the endpoint decides (mod_auth_openidc <c>pass</c>).</summary>
    Pass,

    /// <summary>401 Unauthorized, for APIs.</summary>
    Unauthorized,

    /// <summary>410 Gone, for paths that must never start a login.</summary>
    Gone,
}
