using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// A value too large for one cookie, split over <c>name</c> = <c>chunks-N</c> plus <c>nameC1</c> … <c>nameCN</c>
/// (the layout of ASP.NET Core's chunking cookie manager). Unlike that manager it deletes the chunks a larger
/// earlier value left behind (aspnet/Security#1909), and it refuses a chunk count above <see cref="MaxChunks"/>
/// without reading a single chunk, so a crafted cookie cannot make it assemble megabytes (CVE-2024-24814).
/// </summary>
internal static class ChunkedCookies
{
    /// <summary>32 chunks of 4000 characters: far above any real session, far below a header-size attack.</summary>
    public const int MaxChunks = 32;

    private const string ChunkCountPrefix = "chunks-";

    public static string? Read(HttpRequest request, string name)
    {
        var value = request.Cookies[name];
        if (value is null || !value.StartsWith(ChunkCountPrefix, StringComparison.Ordinal))
        {
            return value;
        }
        if (!int.TryParse(value.AsSpan(ChunkCountPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > MaxChunks)
        {
            return null;
        }
        var assembled = new StringBuilder(count * 4000);
        for (var i = 1; i <= count; i++)
        {
            var chunk = request.Cookies[ChunkName(name, i)];
            if (string.IsNullOrEmpty(chunk))
            {
                return null; // a missing chunk means no session, never a partial one
            }
            assembled.Append(chunk);
        }
        return assembled.ToString();
    }

    public static void Write(HttpContext context, string name, string value, CookieOptions options, int chunkSize)
    {
        var count = chunkSize <= 0 || value.Length <= chunkSize ? 1 : (value.Length + chunkSize - 1) / chunkSize;
        if (count == 1)
        {
            context.Response.Cookies.Append(name, value, options);
            DeleteChunks(context, name, options, from: 1);
            return;
        }
        context.Response.Cookies.Append(name, ChunkCountPrefix + count.ToString(CultureInfo.InvariantCulture), options);
        for (var i = 1; i <= count; i++)
        {
            var start = (i - 1) * chunkSize;
            context.Response.Cookies.Append(ChunkName(name, i), value.Substring(start, Math.Min(chunkSize, value.Length - start)), options);
        }
        DeleteChunks(context, name, options, from: count + 1);
    }

    public static void Delete(HttpContext context, string name, CookieOptions options)
    {
        var deletion = ForDeletion(options);
        if (context.Request.Cookies.ContainsKey(name))
        {
            context.Response.Cookies.Delete(name, deletion);
        }
        DeleteChunks(context, name, options, from: 1);
    }

    /// <summary>Deletes the chunks from <paramref name="from"/> on that the browser sent (only those: no blind Set-Cookie floods).</summary>
    private static void DeleteChunks(HttpContext context, string name, CookieOptions options, int from)
    {
        var deletion = ForDeletion(options);
        for (var i = from; i <= MaxChunks; i++)
        {
            var chunk = ChunkName(name, i);
            if (context.Request.Cookies.ContainsKey(chunk))
            {
                context.Response.Cookies.Delete(chunk, deletion);
            }
        }
    }

    private static CookieOptions ForDeletion(CookieOptions options) => new(options) { Expires = null, MaxAge = null };

    private static string ChunkName(string name, int index) => name + "C" + index.ToString(CultureInfo.InvariantCulture);
}
