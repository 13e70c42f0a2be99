using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// One snapshot of what the RP knows about its OP: the endpoints (discovered and static, static winning)
/// and the signing keys of the JWKS fetched with them.
/// </summary>
internal sealed class ProviderMetadata
{
    public required string Issuer { get; init; }
    public required string AuthorizationEndpoint { get; init; }
    public required string TokenEndpoint { get; init; }
    public string? UserInfoEndpoint { get; init; }
    public string? JwksUri { get; init; }
    public string? EndSessionEndpoint { get; init; }
    public string? RevocationEndpoint { get; init; }
    public string? CheckSessionIframe { get; init; }
    public bool IssParameterSupported { get; init; }
    public IReadOnlyList<SecurityKey> SigningKeys { get; init; } = [];
    public OpenIdConnectConfiguration? Discovery { get; init; }
    public DateTimeOffset FetchedAt { get; init; }
    public DateTimeOffset JwksFetchedAt { get; init; }

    public bool HasKey(string? kid) =>
        kid is not null && SigningKeys.Any(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));
}
