using System.Security.Claims;
using AuthOpenIdc.Claims;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.Sessions;

/// <summary>The user the app sees: the session's merged claims plus the remote user as the name claim.</summary>
internal static class SessionPrincipalFactory
{
    /// <summary>
    /// A new principal per request (apps may change it), but the claims are mapped from the JSON once per decoded
    /// session: the identity copies the shared template claims, reusing their strings.
    /// </summary>
    public static ClaimsPrincipal Create(OidcSession session, string scheme, string roleClaimType)
    {
        var templates = session.Derived.Claims ??= Map(session);
        var identity = new ClaimsIdentity(templates, scheme, OidcRelyingPartyDefaults.RemoteUserClaimType, roleClaimType);
        return new ClaimsPrincipal(identity);
    }

    private static List<Claim> Map(OidcSession session)
    {
        var claims = new List<Claim>(24)
        {
            new(OidcRelyingPartyDefaults.RemoteUserClaimType, session.RemoteUser, ClaimValueTypes.String, session.Issuer),
        };
        JsonClaimsMapper.AddClaims(claims, session.Claims, session.Issuer);
        return claims;
    }
}
