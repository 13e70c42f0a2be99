namespace AuthOpenIdc;

/// <summary>
/// A failure a user can see: a stable <see cref="Code"/> from <see cref="OidcErrorCodes"/>
/// (listed in docs/errors.md), a description that never contains request input, and the HTTP status.
/// </summary>
public sealed class OidcError
{
    /// <summary>Creates an error.</summary>
    public OidcError(string code, string description, int statusCode)
    {
        Code = code;
        Description = description;
        StatusCode = statusCode;
    }

    /// <summary>The stable error code.</summary>
    public string Code { get; }

    /// <summary>A human-readable description, safe to show: it never echoes request input.</summary>
    public string Description { get; }

    /// <summary>The HTTP status the response gets.</summary>
    public int StatusCode { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Description}";
}
