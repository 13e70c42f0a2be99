using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>?refresh=&lt;return_to&gt;&amp;access_token=&lt;current&gt;</c> (mod_auth_openidc §6.13): a SPA forces a refresh. The
/// current access token is the anti-forgery token (compared in constant time), so a cross-site link cannot
/// burn the refresh token; <c>return_to</c> passes the open-redirect check. Failures go back to
/// <c>return_to</c> with <c>error_code</c>, as mod_auth_openidc does.
/// </summary>
internal sealed class RefreshEndpoint : IRedirectUriEndpoint
{
    public string Name => "refresh";

    public bool Matches(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("refresh");

    public bool RequiresSession => true;

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var query = http.Request.Query;
        var returnTo = context.Runtime.RedirectTargets.Validate(query["refresh"].ToString(), http.Request);
        if (returnTo is null || query["refresh"].Count > 1)
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.InvalidRedirectTarget, "The refresh return address is not allowed.", 400), "the refresh return_to failed the open-redirect check").ConfigureAwait(false);
            return;
        }
        var session = context.Session!;
        var presented = query["access_token"];
        string? error = null;
        if (presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            error = "no_access_token";
        }
        else if (session.Session.AccessToken is null)
        {
            error = "no_access_token_exists";
        }
        else if (!Protocol.ConstantTime.Equal(presented[0]!, session.Session.AccessToken))
        {
            error = "no_access_token_match";
        }
        else if (!await context.Runtime.Refresh.RefreshAsync(http, session).ConfigureAwait(false))
        {
            error = "refresh_failed";
        }
        context.Redirect(error is null ? returnTo : QueryHelpers.AddQueryString(returnTo, "error_code", error));
    }
}
