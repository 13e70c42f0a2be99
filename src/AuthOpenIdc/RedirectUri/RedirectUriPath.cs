using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// The configured redirect_uri is a path inside the app (made absolute per request, so one app can serve
/// several hosts) or an absolute URL (for apps behind proxies that rewrite the host).
/// </summary>
internal static class RedirectUriPath
{
    public static bool IsRedirectUri(HttpRequest request, string configured)
    {
        if (configured.StartsWith('/'))
        {
            return request.Path.Equals(configured, StringComparison.Ordinal);
        }
        return Uri.TryCreate(configured, UriKind.Absolute, out var uri)
            && string.Equals((request.PathBase + request.Path).Value, uri.AbsolutePath, StringComparison.Ordinal);
    }

    public static string Absolute(HttpRequest request, string configured) =>
        configured.StartsWith('/') ? $"{request.Scheme}://{request.Host}{request.PathBase}{configured}" : configured;
}
