using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty.Events;

/// <summary>Raised when userinfo was fetched and its <c>sub</c> matched the ID token's.</summary>
public sealed class UserInfoReceivedContext : OidcRelyingPartyEventContext
{
    /// <summary>Creates the context.</summary>
    public UserInfoReceivedContext(HttpContext context, AuthenticationScheme scheme, OidcRelyingPartyOptions options, AuthenticationProperties properties, JsonElement userInfo)
        : base(context, scheme, options, properties)
    {
        UserInfo = userInfo;
    }

    /// <summary>The userinfo claims.</summary>
    public JsonElement UserInfo { get; }
}
