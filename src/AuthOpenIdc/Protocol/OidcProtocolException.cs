namespace AuthOpenIdc.Protocol;

/// <summary>
/// A protocol failure on the cold path (login, metadata): carries the user-visible <see cref="OidcError"/>
/// and a log detail that is safe to log (never a token or secret).
/// </summary>
internal sealed class OidcProtocolException : Exception
{
    public OidcProtocolException(OidcError error, string logDetail, Exception? inner = null)
        : base(logDetail, inner)
    {
        Error = error;
    }

    public OidcError Error { get; }

    public static OidcProtocolException ProviderUnavailable(string logDetail, Exception? inner = null) =>
        new(new OidcError(OidcErrorCodes.ProviderUnavailable, "The identity provider could not be reached or sent an invalid response. Please try again later.", 502), logDetail, inner);

    public static OidcProtocolException InvalidMetadata(string logDetail, Exception? inner = null) =>
        new(new OidcError(OidcErrorCodes.InvalidProviderMetadata, "The identity provider's configuration is not usable.", 502), logDetail, inner);

    public static OidcProtocolException InvalidIdToken(string logDetail, Exception? inner = null) =>
        new(new OidcError(OidcErrorCodes.InvalidIdToken, "The identity provider's ID token failed validation.", 401), logDetail, inner);

    public static OidcProtocolException InvalidUserInfo(string logDetail, Exception? inner = null) =>
        new(new OidcError(OidcErrorCodes.InvalidUserInfo, "The identity provider's user information failed validation.", 401), logDetail, inner);

    public static OidcProtocolException TokenRequestFailed(string logDetail) =>
        new(new OidcError(OidcErrorCodes.TokenRequestFailed, "The identity provider refused to issue tokens for this login.", 401), logDetail);
}
