using Microsoft.Extensions.Logging;

namespace AuthOpenIdc;

/// <summary>
/// Every log message of the library, with its event id and name (docs/diagnostics.md). Each capability owns
/// an id range and a section below. They are one class because the LoggerMessage source generator orders
/// classes differently from build to build, which would make <c>dotnet pack</c> non-deterministic; one class
/// keeps the output byte-identical. Messages never contain a token, code, cookie, key or secret.
/// </summary>
internal static partial class AuthOpenIdcLog
{
    // ---- RelyingParty: 1000-1099 -----------------------------------------------

    [LoggerMessage(1000, LogLevel.Warning, "Sign-in request failed with {ErrorCode}: {Detail}.", EventName = "RequestFailed")]
    public static partial void RequestFailed(ILogger logger, string errorCode, string detail);

    [LoggerMessage(1001, LogLevel.Error, "Unexpected failure in redirect_uri function {Endpoint}.", EventName = "UnexpectedFailure")]
    public static partial void UnexpectedFailure(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(1002, LogLevel.Information, "Login completed; a new session was created.", EventName = "LoginCompleted")]
    public static partial void LoginCompleted(ILogger logger);

    [LoggerMessage(1003, LogLevel.Debug, "The session expired ({Reason}).", EventName = "SessionExpired")]
    public static partial void SessionExpired(ILogger logger, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "The browser holds the maximum number of state cookies; the login was refused with 503.", EventName = "StateCookieLimitReached")]
    public static partial void StateCookieLimitReached(ILogger logger);

    [LoggerMessage(1005, LogLevel.Debug, "Request without a session or permission answered with {Outcome}.", EventName = "Challenge")]
    public static partial void Challenge(ILogger logger, string outcome);

    [LoggerMessage(1006, LogLevel.Information, "A replayed authorization response matched the current session; redirecting to its original URL.", EventName = "ReplayedResponseRedirected")]
    public static partial void ReplayedResponseRedirected(ILogger logger);

    [LoggerMessage(1007, LogLevel.Information, "The local session was ended (logout).", EventName = "LoggedOut")]
    public static partial void LoggedOut(ILogger logger);

    [LoggerMessage(1008, LogLevel.Warning, "The OP's end-session endpoint is unknown because its metadata could not be loaded; logging out locally only.", EventName = "LogoutWithoutMetadata")]
    public static partial void LogoutWithoutMetadata(ILogger logger);

    [LoggerMessage(1009, LogLevel.Error, "The session store failed; the request was answered without it.", EventName = "SessionStoreFailed")]
    public static partial void SessionStoreFailed(ILogger logger);

    [LoggerMessage(1010, LogLevel.Information, "Back-channel logout ended {Count} sessions.", EventName = "BackChannelLogout")]
    public static partial void BackChannelLogout(ILogger logger, int count);

    [LoggerMessage(1011, LogLevel.Warning, "The OP refused to revoke the session's {TokenTypeHint} at logout.", EventName = "RevocationRefused")]
    public static partial void RevocationRefused(ILogger logger, string tokenTypeHint);

    [LoggerMessage(1014, LogLevel.Debug, "The OP does not revoke {TokenTypeHint}s (unsupported_token_type); revoking the refresh token ends the grant.", EventName = "RevocationUnsupported")]
    public static partial void RevocationUnsupported(ILogger logger, string tokenTypeHint);

    [LoggerMessage(1012, LogLevel.Information, "A silent session check (prompt=none) returned {Error}; the local session ends.", EventName = "SilentCheckFailed")]
    public static partial void SilentCheckFailed(ILogger logger, string error);

    [LoggerMessage(1013, LogLevel.Information, "An administrator revoked a session (found: {Found}).", EventName = "AdminSessionRevoke")]
    public static partial void AdminSessionRevoke(ILogger logger, bool found);

    // ---- Protocol: 2000-2099 ---------------------------------------------------

    [LoggerMessage(2000, LogLevel.Information, "Provider metadata loaded for issuer {Issuer} with {KeyCount} signing keys.", EventName = "MetadataLoaded")]
    public static partial void MetadataLoaded(ILogger logger, string issuer, int keyCount);

    [LoggerMessage(2001, LogLevel.Warning, "Provider metadata refresh failed ({Reason}); the cached copy stays in use.", EventName = "MetadataRefreshFailedUsingStale")]
    public static partial void MetadataRefreshFailedUsingStale(ILogger logger, string reason);

    [LoggerMessage(2002, LogLevel.Information, "A token names a signing key the cached JWKS lacks; refreshing the JWKS.", EventName = "ForcedJwksRefresh")]
    public static partial void ForcedJwksRefresh(ILogger logger);

    [LoggerMessage(2003, LogLevel.Warning, "A token names an unknown signing key, but the JWKS was force-refreshed less than the minimum interval ago.", EventName = "ForcedJwksRefreshRateLimited")]
    public static partial void ForcedJwksRefreshRateLimited(ILogger logger);

    [LoggerMessage(2004, LogLevel.Warning, "The ID token has several audiences and no azp claim.", EventName = "IdTokenMultipleAudiencesWithoutAzp")]
    public static partial void IdTokenMultipleAudiencesWithoutAzp(ILogger logger);

    [LoggerMessage(2005, LogLevel.Warning, "The cache failed, so the nonce replay check was skipped (FallbackToCookie); the one-time state cookie still applies.", EventName = "NonceReplayCheckSkipped")]
    public static partial void NonceReplayCheckSkipped(ILogger logger);

    // ---- Sessions: 3000-3099 ---------------------------------------------------

    [LoggerMessage(3000, LogLevel.Warning, "The cache failed; the new session is kept in the browser instead (FallbackToCookie).", EventName = "SessionFellBackToCookie")]
    public static partial void FellBackToCookie(ILogger logger);

    [LoggerMessage(3001, LogLevel.Warning, "The cache failed, so the browser's server-side session could not be read; it is treated as absent (FallbackToCookie).", EventName = "SessionUnreadableCacheFailed")]
    public static partial void CacheFailedSessionUnreadable(ILogger logger);

    [LoggerMessage(3002, LogLevel.Information, "The access token was refreshed.", EventName = "TokensRefreshed")]
    public static partial void TokensRefreshed(ILogger logger);

    [LoggerMessage(3003, LogLevel.Warning, "The access-token refresh failed with {ErrorCode}: {Detail}.", EventName = "RefreshFailed")]
    public static partial void RefreshFailed(ILogger logger, string errorCode, string detail);

    [LoggerMessage(3004, LogLevel.Warning, "Another instance held the refresh lock and published no result in time; this request carries on without a refresh.", EventName = "RefreshWaitTimedOut")]
    public static partial void RefreshWaitTimedOut(ILogger logger);

    // ---- Caching: 4000-4099 ----------------------------------------------------

    [LoggerMessage(4000, LogLevel.Warning, "A cache value in section '{Section}' failed authentication or is malformed and was ignored.", EventName = "CacheValueRejected")]
    public static partial void ValueRejected(ILogger logger, char section);

    [LoggerMessage(4001, LogLevel.Error, "The cache backend failed ({ExceptionType}).", EventName = "CacheBackendFailed")]
    public static partial void BackendFailed(ILogger logger, string exceptionType);

    [LoggerMessage(4002, LogLevel.Warning, "No AuthOpenIdc:Cache:CryptoPassphrases are configured: cache keys are random for this process. Sessions end when it restarts, and instances of a farm cannot share the cache.", EventName = "EphemeralCacheKeys")]
    public static partial void EphemeralKeys(ILogger logger);

    // ---- Caching (file backend): 4100-4199 -------------------------------------

    [LoggerMessage(4100, LogLevel.Warning, "A file cache entry was unusable ({Reason}) and was discarded.", EventName = "FileCacheEntryDiscarded")]
    public static partial void FileCacheEntryDiscarded(ILogger logger, string reason);

    [LoggerMessage(4101, LogLevel.Debug, "The file cache cleanup removed {Removed} files; {Entries} entries of about {Kilobytes} KB remain.", EventName = "FileCacheCleanedUp")]
    public static partial void FileCacheCleanedUp(ILogger logger, int removed, int entries, long kilobytes);

    [LoggerMessage(4102, LogLevel.Warning, "The file cache reached its cap of {MaxMegabytes} MB and evicted {Evicted} live entries closest to expiry; consider a larger AuthOpenIdc:Cache:FileMaxMegabytes.", EventName = "FileCacheEvicted")]
    public static partial void FileCacheEvicted(ILogger logger, int maxMegabytes, int evicted);

    [LoggerMessage(4103, LogLevel.Error, "The periodic file cache cleanup failed ({ExceptionType}).", EventName = "FileCacheCleanupFailed")]
    public static partial void FileCacheCleanupFailed(ILogger logger, string exceptionType);

    [LoggerMessage(4104, LogLevel.Warning, "The file cache directory can be listed by group or others: entries are encrypted and owner-only, but their number and sizes are visible. Consider chmod 700.", EventName = "FileCacheDirectoryListable")]
    public static partial void FileCacheDirectoryListable(ILogger logger);

    // ---- ResourceServer: 5000-5099 --------------------------------------------

    [LoggerMessage(5000, LogLevel.Information, "Scheme {Scheme} refused a bearer token: {Reason}.", EventName = "ResourceServerTokenRefused")]
    public static partial void ResourceServerTokenRefused(ILogger logger, string scheme, string reason);

    [LoggerMessage(5001, LogLevel.Information, "Scheme {Scheme} refused a request as invalid_request: {Reason}.", EventName = "ResourceServerInvalidRequest")]
    public static partial void ResourceServerInvalidRequest(ILogger logger, string scheme, string reason);

    [LoggerMessage(5002, LogLevel.Warning, "Scheme {Scheme} could not validate a token, the authorization server is unavailable: {Detail}.", EventName = "ResourceServerAuthorizationServerUnavailable")]
    public static partial void ResourceServerAuthorizationServerUnavailable(ILogger logger, string scheme, string detail);

    [LoggerMessage(5003, LogLevel.Warning, "Scheme {Scheme} has no audience configured ({Key}, OIDCOAuthVerifyAudience): tokens issued for any other API of the issuer are accepted.", EventName = "ResourceServerNoAudience")]
    public static partial void ResourceServerNoAudience(ILogger logger, string scheme, string key);

    [LoggerMessage(5004, LogLevel.Debug, "Scheme {Scheme} loaded {KeyCount} signing keys.", EventName = "ResourceServerJwksLoaded")]
    public static partial void ResourceServerJwksLoaded(ILogger logger, string scheme, int keyCount);

    [LoggerMessage(5005, LogLevel.Warning, "Scheme {Scheme} could not use the validation-result cache ({Operation}); validating without it.", EventName = "ResourceServerCacheFailed")]
    public static partial void ResourceServerCacheFailed(ILogger logger, string scheme, string operation);

    [LoggerMessage(5006, LogLevel.Warning, "Scheme {Scheme} could not refresh the authorization server's keys or metadata, keeping the previous ones: {Detail}.", EventName = "ResourceServerKeysRefreshFailed")]
    public static partial void ResourceServerKeysRefreshFailed(ILogger logger, string scheme, string detail);

    [LoggerMessage(5007, LogLevel.Warning, "Scheme {Scheme} did not trust the authorization server's introspection response (RFC 9701), so the token could not be validated: {Reason}.", EventName = "ResourceServerSignedIntrospectionRejected")]
    public static partial void ResourceServerSignedIntrospectionRejected(ILogger logger, string scheme, string reason);

    [LoggerMessage(5008, LogLevel.Information, "An administrator removed a cached access-token validation result (resource-server schemes: {SchemeCount}, evicted in: {EvictedCount}).", EventName = "AdminAccessTokenCacheRemove")]
    public static partial void AdminAccessTokenCacheRemove(ILogger logger, int schemeCount, int evictedCount);

    // ---- Authorization: 7000-7099 ----------------------------------------------

    [LoggerMessage(7000, LogLevel.Warning, "A regular expression of the claim requirement on path {Path} ran longer than {TimeoutMilliseconds} ms and counted as no match; the pattern may backtrack catastrophically.", EventName = "ClaimRegexTimedOut")]
    public static partial void ClaimRegexTimedOut(ILogger logger, string path, double timeoutMilliseconds);

    [LoggerMessage(7001, LogLevel.Warning, "A claim on path {Path} is typed as a JSON object but is not valid JSON, so the claim requirement could not descend into it.", EventName = "ClaimJsonInvalid")]
    public static partial void ClaimJsonInvalid(ILogger logger, string path);

    // ---- HeaderPassThrough: 7100-7199 ------------------------------------------

    [LoggerMessage(7100, LogLevel.Warning, "Removed the incoming request header {HeaderName}: its name is reserved for identity headers set by this application, so it may be a spoofing attempt.", EventName = "SpoofedIdentityHeaderRemoved")]
    public static partial void SpoofedIdentityHeaderRemoved(ILogger logger, string headerName);

    [LoggerMessage(7101, LogLevel.Debug, "Passed {Count} identity headers to the application.", EventName = "IdentityHeadersSet")]
    public static partial void IdentityHeadersSet(ILogger logger, int count);
}
