using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// Third-party initiated login (OIDC Core §4, mod_auth_openidc §5.9): <c>GET &lt;redirect_uri&gt;?iss=&lt;issuer&gt;
/// [&amp;target_link_uri=&lt;url&gt;][&amp;login_hint=…]</c>, sent by the OP or a portal, starts a login at the configured
/// OP, which the RP's registration names as its <c>initiate_login_uri</c>. <c>iss</c> must be the configured issuer
/// exactly (one OP per scheme); <c>target_link_uri</c> passes the open-redirect check (CVE-2021-39191) or the request
/// is refused, and defaults to <c>/</c>. An authorization response also carries <c>iss</c> (RFC 9207), so any
/// <c>state</c>, <c>code</c> or <c>error</c> leaves the request to <see cref="AuthorizationResponseEndpoint"/>.
/// </summary>
internal sealed class ThirdPartyLoginEndpoint : IRedirectUriEndpoint
{
    public string Name => "third-party-login";

    public bool Matches(HttpRequest request)
    {
        var query = request.Query;
        return HttpMethods.IsGet(request.Method) && query.ContainsKey("iss")
            && !query.ContainsKey("state") && !query.ContainsKey("code") && !query.ContainsKey("error") && !query.ContainsKey("response");
    }

    public async Task HandleAsync(RedirectUriContext context)
    {
        var query = context.HttpContext.Request.Query;
        ProviderMetadata provider;
        try
        {
            provider = await context.Runtime.Provider.GetAsync(context.Aborted).ConfigureAwait(false);
        }
        catch (OidcProtocolException ex)
        {
            await context.FailAsync(ex.Error, ex.Message).ConfigureAwait(false);
            return;
        }
        if (query["iss"].Count != 1 || !string.Equals(query["iss"].ToString(), provider.Issuer, StringComparison.Ordinal))
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.IssuerMismatch, "The sign-in was started for an identity provider this application does not use.", 400), "third-party login for an unknown iss").ConfigureAwait(false);
            return;
        }
        var target = "/";
        if (query["target_link_uri"].Count > 0)
        {
            if (query["target_link_uri"].Count > 1 || context.Runtime.RedirectTargets.Validate(query["target_link_uri"].ToString(), context.HttpContext.Request) is not { } valid)
            {
                await context.FailAsync(new OidcError(OidcErrorCodes.InvalidRedirectTarget, "The sign-in target is not allowed.", 400), "the target_link_uri failed the open-redirect check").ConfigureAwait(false);
                return;
            }
            target = valid;
        }
        var properties = new AuthenticationProperties { RedirectUri = target };
        if (query["login_hint"].ToString() is { Length: > 0 and <= 1024 } hint)
        {
            properties.SetParameter("login_hint", hint);
        }
        await AuthorizationRequest.StartAsync(context, properties, endpoint: null).ConfigureAwait(false);
    }
}
