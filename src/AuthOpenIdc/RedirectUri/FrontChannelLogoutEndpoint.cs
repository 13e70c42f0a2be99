using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>GET ?logout=get[&amp;iss=…&amp;sid=…]</c> (OpenID Connect Front-Channel Logout 1.0) and the image variant
/// <c>?logout=img</c> (mod_auth_openidc §6.3, §6.4): the OP loads it in a hidden iframe or image. Ends the
/// browser's session when it matches (<c>iss</c> and <c>sid</c>, when given); with third-party cookies blocked the
/// cookie may be missing, so a valid <c>iss</c> + <c>sid</c> also ends that OP session's sessions through the index.
/// </summary>
internal sealed class FrontChannelLogoutEndpoint : IRedirectUriEndpoint
{
    /// <summary>A 1×1 transparent PNG.</summary>
    private static readonly byte[] Pixel = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    public string Name => "frontchannel_logout";

    public bool Matches(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Query["logout"] is { Count: 1 } value && (value[0] == "get" || value[0] == "img");

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var query = http.Request.Query;
        var iss = query["iss"].ToString();
        var sid = query["sid"].ToString();
        var provider = await context.Runtime.Provider.GetAsync(context.Aborted).ConfigureAwait(false);
        var issuerMatches = iss.Length == 0 || string.Equals(iss, provider.Issuer, StringComparison.Ordinal);

        if (issuerMatches)
        {
            var current = await context.Runtime.Sessions.LoadAsync(http).ConfigureAwait(false);
            if (current is not null && (sid.Length == 0 || string.Equals(current.Session.Sid, sid, StringComparison.Ordinal)))
            {
                await context.Runtime.Sessions.EndAsync(http).ConfigureAwait(false);
            }
            if (iss.Length > 0 && sid.Length > 0)
            {
                await context.Runtime.Sessions.EndAllAsync(provider.Issuer, sid, subject: null, context.Aborted).ConfigureAwait(false);
            }
        }

        var response = http.Response;
        RedirectUriContext.NoStore(response);
        response.Headers.XFrameOptions = context.Options.LogoutFrameOptions;
        if (query["logout"] == "img")
        {
            response.ContentType = "image/png";
            await response.Body.WriteAsync(Pixel, context.Aborted).ConfigureAwait(false);
            return;
        }
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Logged out</title></head><body><p>Logged out.</p></body></html>", context.Aborted).ConfigureAwait(false);
    }
}
