using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.Tests.RelyingParty;

/// <summary>Reads the <c>Set-Cookie</c> headers a response wrote, and replays live cookies into a next request.</summary>
internal static class SetCookies
{
    public static IReadOnlyList<SetCookieHeaderValue> Of(HttpResponse response) =>
        [.. SetCookieHeaderValue.ParseStrictList(response.Headers.SetCookie.Select(v => v!).ToList())];

    public static SetCookieHeaderValue Named(HttpResponse response, string name) =>
        Assert.Single(Of(response), c => c.Name == name);

    /// <summary>A deletion: empty value, an Expires in the past and no Max-Age that could outrank it.</summary>
    public static bool IsDeletion(SetCookieHeaderValue cookie) =>
        cookie.Value.Length == 0 && cookie.Expires is { } expires && expires < DateTimeOffset.UtcNow && cookie.MaxAge is null;

    public static IEnumerable<string> DeletedNames(HttpResponse response) =>
        Of(response).Where(IsDeletion).Select(c => c.Name.ToString());

    /// <summary>Sets the request's Cookie header to the given name/value pairs.</summary>
    public static void Send(HttpRequest request, IEnumerable<KeyValuePair<string, string>> cookies) =>
        request.Headers.Cookie = string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));

    public static KeyValuePair<string, string> AsRequestCookie(SetCookieHeaderValue cookie) =>
        new(cookie.Name.ToString(), cookie.Value.ToString());
}
