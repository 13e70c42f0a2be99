using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>?logout=&lt;url&gt;</c>: RP-initiated logout (mod_auth_openidc §6.2). The target passes the
/// open-redirect check; an empty one goes to <c>DefaultLoggedOutUrl</c> or the built-in page.
/// </summary>
internal sealed class LogoutEndpoint : IRedirectUriEndpoint
{
    public string Name => "logout";

    public bool Matches(HttpRequest request) => request.Query.ContainsKey("logout");

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var requested = http.Request.Query["logout"];
        if (requested.Count > 1)
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.InvalidRequest, "The logout request is malformed.", 400), "the logout parameter is repeated").ConfigureAwait(false);
            return;
        }
        string? target = requested.ToString();
        if (string.IsNullOrEmpty(target))
        {
            target = context.Options.DefaultLoggedOutUrl;
        }
        else if (context.Runtime.RedirectTargets.Validate(target, http.Request) is { } valid)
        {
            target = valid;
        }
        else
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.InvalidRedirectTarget, "The logout target is not allowed.", 400), "the logout target failed the open-redirect check").ConfigureAwait(false);
            return;
        }

        var next = await LocalLogout.EndAsync(http, context.Options, context.Runtime, target).ConfigureAwait(false);
        if (next is null)
        {
            await LocalLogout.WriteLoggedOutPageAsync(http).ConfigureAwait(false);
        }
        else
        {
            context.Redirect(next);
        }
    }
}
