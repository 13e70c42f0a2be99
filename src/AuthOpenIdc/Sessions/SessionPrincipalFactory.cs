using System.Security.Claims;
using AuthOpenIdc.Claims;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.Sessions;

/// <summary>The user the app sees: the session's merged claims plus the remote user as the name claim.</summary>
internal static class SessionPrincipalFactory
{
    public static ClaimsPrincipal Create(OidcSession session, string scheme, string roleClaimType)
    {
        var claims = new List<Claim>(24)
        {
            new(OidcRelyingPartyDefaults.RemoteUserClaimType, session.RemoteUser, ClaimValueTypes.String, session.Issuer),
        };
        JsonClaimsMapper.AddClaims(claims, session.Claims, session.Issuer);
        var identity = new ClaimsIdentity(claims, scheme, OidcRelyingPartyDefaults.RemoteUserClaimType, roleClaimType);
        return new ClaimsPrincipal(identity);
    }
}
