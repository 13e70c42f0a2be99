namespace AuthOpenIdc.Protocol;

/// <summary>OAuth error codes come from the network; only ones shaped like a code (RFC 6749 §5.2) reach a log line.</summary>
internal static class OAuthErrorCode
{
    public static string Sanitize(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.')
            ? code
            : "unknown";
}
