using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Log messages of claims authorization; event ids 7000-7099 (docs/diagnostics.md). They name the
/// configured path, never a claim value.
/// </summary>
internal static partial class AuthorizationLog
{
    [LoggerMessage(7000, LogLevel.Warning, "A regular expression of the claim requirement on path {Path} ran longer than {TimeoutMilliseconds} ms and counted as no match; the pattern may backtrack catastrophically.", EventName = "ClaimRegexTimedOut")]
    public static partial void ClaimRegexTimedOut(ILogger logger, string path, double timeoutMilliseconds);

    [LoggerMessage(7001, LogLevel.Warning, "A claim on path {Path} is typed as a JSON object but is not valid JSON, so the claim requirement could not descend into it.", EventName = "ClaimJsonInvalid")]
    public static partial void ClaimJsonInvalid(ILogger logger, string path);
}
