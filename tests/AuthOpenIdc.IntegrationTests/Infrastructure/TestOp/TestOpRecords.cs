namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>A token endpoint request as the OP received it.</summary>
/// <param name="Form">The form fields (repeated fields are comma-joined).</param>
/// <param name="AuthorizationHeader">The raw Authorization header, if any.</param>
public sealed record RecordedTokenRequest(IReadOnlyDictionary<string, string> Form, string? AuthorizationHeader);

/// <summary>What an authorization code is bound to.</summary>
internal sealed class IssuedAuthorizationCode
{
    public required string ClientId { get; init; }
    public required string RedirectUri { get; init; }
    public string? Nonce { get; init; }
    public string? CodeChallenge { get; init; }
    public string? Scope { get; init; }
    public required string Sid { get; init; }
    public required DateTimeOffset AuthTime { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public bool Redeemed { get; set; }
}

/// <summary>The login a refresh token continues.</summary>
internal sealed class IssuedRefreshToken
{
    public required string ClientId { get; init; }
    public string? Scope { get; init; }
    public required string Sid { get; init; }
    public required DateTimeOffset AuthTime { get; init; }
    public bool Used { get; set; }
}

/// <summary>What an access token grants.</summary>
internal sealed record IssuedAccessToken(string ClientId, string Subject, string? Scope, DateTimeOffset ExpiresAt);

/// <summary>Inputs to one ID token.</summary>
internal sealed record IdTokenRequest(string ClientId, string? ClientSecret, string? Nonce, DateTimeOffset AuthTime, string Sid);
