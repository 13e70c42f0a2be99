using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// Log messages of identity header pass-through; event ids 7100-7199 (docs/diagnostics.md). They carry
/// header names only: a value could be a token or personal data.
/// </summary>
internal static partial class ClaimHeadersLog
{
    [LoggerMessage(7100, LogLevel.Warning, "Removed the incoming request header {HeaderName}: its name is reserved for identity headers set by this application, so it may be a spoofing attempt.", EventName = "SpoofedIdentityHeaderRemoved")]
    public static partial void SpoofedIdentityHeaderRemoved(ILogger logger, string headerName);

    [LoggerMessage(7101, LogLevel.Debug, "Passed {Count} identity headers to the application.", EventName = "IdentityHeadersSet")]
    public static partial void IdentityHeadersSet(ILogger logger, int count);
}
