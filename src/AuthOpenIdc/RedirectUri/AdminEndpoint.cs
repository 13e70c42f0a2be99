using AuthOpenIdc.ResourceServer;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// The admin functions <c>?revoke_session=&lt;id&gt;</c> (end a server-side session by its id, as the info hook's
/// <c>session.id</c> shows it) and <c>?remove_at_cache=&lt;access token&gt;</c> (evict a cached token validation
/// result in every resource-server scheme of the app) (mod_auth_openidc §6.15, §6.16). mod_auth_openidc leaves them unauthenticated and asks operators to
/// restrict the location; here they are refused (403) unless <c>AdminPolicy</c> names a policy the caller's
/// session passes.
/// </summary>
internal sealed class AdminEndpoint : IRedirectUriEndpoint
{
    public string Name => "admin";

    public bool Matches(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && (request.Query.ContainsKey("revoke_session") || request.Query.ContainsKey("remove_at_cache"));

    public bool RequiresSession => true;

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var response = http.Response;
        RedirectUriContext.NoStore(response);
        if (context.Options.AdminPolicy is not { } policy)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var user = SessionPrincipalFactory.Create(context.Session!.Session, context.Scheme.Name, context.Options.RoleClaimType);
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        if (!(await authorization.AuthorizeAsync(user, policy).ConfigureAwait(false)).Succeeded)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var query = http.Request.Query;
        if (query.ContainsKey("revoke_session"))
        {
            var id = query["revoke_session"].ToString();
            var revoked = id.Length > 0 && await context.Runtime.Sessions.RevokeAsync(id, context.Aborted).ConfigureAwait(false);
            AuthOpenIdcLog.AdminSessionRevoke(context.Runtime.Logger, revoked);
            response.StatusCode = revoked ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
            return;
        }
        // The RP caches no token validation results; the resource-server schemes of the app do (mixed mode). As in
        // mod_auth_openidc, 404 when nothing was cached for the token, or when there is no resource server at all.
        var token = query["remove_at_cache"].ToString();
        var (schemes, evicted) = token.Length > 0 && http.RequestServices.GetService<ResourceServerRuntimes>() is { } runtimes
            ? await runtimes.RemoveAsync(token, context.Aborted).ConfigureAwait(false)
            : (0, 0);
        AuthOpenIdcLog.AdminAccessTokenCacheRemove(context.Runtime.Logger, schemes, evicted);
        response.StatusCode = evicted > 0 ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
    }
}
