using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.RelyingParty;

/// <summary>Log messages of the Relying Party; event ids 1000-1099 (docs/diagnostics.md). Never a token, code or cookie.</summary>
internal static partial class RelyingPartyLog
{
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
}
