namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// How identity header values are encoded (the second argument of mod_auth_openidc's
/// <c>OIDCPassClaimsAs</c>). A choice exists because claims are UTF-8 while HTTP header values are, in
/// practice, Latin-1 or ASCII, and backends differ in what they can decode.
/// </summary>
public enum ClaimHeaderEncoding
{
    /// <summary>
    /// Characters outside ISO-8859-1 become <c>?</c> and control characters are removed: readable by any
    /// backend, lossy for non-Latin scripts. The default, as in mod_auth_openidc.
    /// </summary>
    Latin1,

    /// <summary>
    /// The UTF-8 bytes, base64url-encoded without padding: lossless and header-safe, but the backend must
    /// decode every value.
    /// </summary>
    Base64Url,

    /// <summary>
    /// The value unchanged except that control characters (CR, LF and the like) are removed, so a claim can
    /// never split or inject a header. Only for backends that read non-Latin-1 header values.
    /// </summary>
    None,
}
