using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Protocol;

/// <summary>Log messages of the protocol layer; event ids 2000-2099 (docs/diagnostics.md). Never a token.</summary>
internal static partial class ProtocolLog
{
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
}
