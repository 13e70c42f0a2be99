using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Tells a top-level browser navigation from everything else (XHR, fetch, images, iframes, API clients),
/// as mod_auth_openidc §11.9 does: only a navigation may be sent to the OP; the rest get 401, so expired
/// sessions in a SPA neither pile up state cookies nor loop through the OP.
/// </summary>
internal static class BrowserNavigation
{
    public static bool IsNavigation(HttpRequest request)
    {
        var headers = request.Headers;
        if (string.Equals(headers.XRequestedWith, "XMLHttpRequest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var mode = headers["Sec-Fetch-Mode"].ToString();
        if (mode.Length > 0 && !string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var dest = headers["Sec-Fetch-Dest"].ToString();
        if (dest.Length > 0 && !string.Equals(dest, "document", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Unlike mod_auth_openidc, a request with no Accept header counts as a navigation: HTTP says a missing
        // Accept accepts anything, and browsers always send one, so only simple clients are affected.
        var accept = headers.Accept.ToString();
        return accept.Length == 0
            || accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
            || accept.Contains("application/xhtml+xml", StringComparison.OrdinalIgnoreCase)
            || accept.Contains("*/*", StringComparison.Ordinal);
    }
}
