using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// The default error page: the stable code, a fixed description and the request id to quote to support.
/// Everything is HTML-encoded and nothing comes from the request, so the page cannot be used for XSS.
/// Replace it by handling <c>OnAuthenticationFailed</c>.
/// </summary>
internal static class ErrorPage
{
    public static Task WriteAsync(HttpContext context, OidcError error)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.ContentType = "text/html; charset=utf-8";
        RedirectUriContext.NoStore(response);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        response.Headers.XFrameOptions = "DENY";
        var html = HtmlEncoder.Default;
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title>
            <style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}code{background:#eee;padding:0 .3em}</style>
            </head><body>
            <h1>Sign-in error</h1>
            <p>{{html.Encode(error.Description)}}</p>
            <p>Error code: <code>{{html.Encode(error.Code)}}</code><br>Request id: <code>{{html.Encode(context.TraceIdentifier)}}</code></p>
            <p><a href="{{html.Encode(context.Request.PathBase + "/")}}">Return to the start page</a></p>
            </body></html>
            """;
        return response.WriteAsync(page, context.RequestAborted);
    }
}
