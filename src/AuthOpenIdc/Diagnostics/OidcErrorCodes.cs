namespace AuthOpenIdc;

/// <summary>
/// The stable error codes of every failure a user can see. Tests assert these, not the wording;
/// docs/errors.md explains each.
/// </summary>
public static class OidcErrorCodes
{
    /// <summary>The authorization response has no state, or no state cookie matches it.</summary>
    public const string StateNotFound = "state_not_found";

    /// <summary>The state cookie belongs to another state than the response carries.</summary>
    public const string StateInvalid = "state_invalid";

    /// <summary>The login took longer than the state timeout.</summary>
    public const string StateExpired = "state_expired";

    /// <summary>Too many logins are pending in this browser (the state cookie limit).</summary>
    public const string TooManyPendingLogins = "too_many_pending_logins";

    /// <summary>The authorization response is malformed (missing code, a repeated parameter, wrong response mode).</summary>
    public const string InvalidAuthorizationResponse = "invalid_authorization_response";

    /// <summary>The RFC 9207 <c>iss</c> parameter is missing or names another issuer.</summary>
    public const string IssuerMismatch = "issuer_mismatch";

    /// <summary>The OP answered the authorization request with an error.</summary>
    public const string ProviderError = "provider_error";

    /// <summary>The token endpoint refused the code exchange.</summary>
    public const string TokenRequestFailed = "token_request_failed";

    /// <summary>The ID token failed validation (signature, iss, aud, exp, iat, nonce, sub ...).</summary>
    public const string InvalidIdToken = "invalid_id_token";

    /// <summary>The userinfo response was unusable or its <c>sub</c> differs from the ID token's.</summary>
    public const string InvalidUserInfo = "invalid_userinfo";

    /// <summary>The OP could not be reached, timed out, or sent something that is not a valid response.</summary>
    public const string ProviderUnavailable = "provider_unavailable";

    /// <summary>The OP's discovery document or JWKS is unusable (e.g. its issuer differs from the configured one).</summary>
    public const string InvalidProviderMetadata = "invalid_provider_metadata";

    /// <summary>The claim the remote user is taken from is missing, or does not match <c>RemoteUser:Regex</c>.</summary>
    public const string RemoteUserUnavailable = "remote_user_unavailable";

    /// <summary>An event rejected the login.</summary>
    public const string EventRejected = "event_rejected";

    /// <summary>A request to the redirect_uri matched none of its functions.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>A redirect target from the request failed the open-redirect check.</summary>
    public const string InvalidRedirectTarget = "invalid_redirect_target";

    /// <summary>A back-channel logout token failed validation.</summary>
    public const string InvalidLogoutToken = "invalid_logout_token";

    /// <summary>Refreshing the access token failed and <c>RefreshErrorAction</c> is <c>BadGateway</c>.</summary>
    public const string RefreshFailed = "refresh_failed";

    /// <summary>The session store could not be reached.</summary>
    public const string SessionStoreUnavailable = "session_store_unavailable";
}
