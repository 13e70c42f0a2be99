using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.ResourceServer;

/// <summary>The outcome of looking for a token: none, one token, or a malformed request (RFC 6750 <c>invalid_request</c>).</summary>
/// <param name="Token">The token, if one was found.</param>
/// <param name="InvalidRequest">Why the request is malformed, if it is.</param>
/// <param name="Local">The in-process result of a header token the scheme knows (then <paramref name="Token"/> is its string, not a copy).</param>
internal readonly record struct ExtractedToken(string? Token, string? InvalidRequest, LocalResult? Local = null)
{
    public static ExtractedToken None => default;

    public static ExtractedToken Invalid(string description) => new(null, description);
}

/// <summary>
/// Finds the access token in the places <see cref="AcceptTokenAs"/> allows. RFC 6750 §2: a client must use exactly one
/// method, so a token in two places, a repeated <c>access_token</c> parameter or two Authorization headers is
/// <c>invalid_request</c>, not a guess at which one counts.
/// </summary>
internal static class BearerTokenExtractor
{
    private const string BearerPrefix = "Bearer ";
    private const string BasicPrefix = "Basic ";

    /// <param name="request">The request.</param>
    /// <param name="accept">Where tokens are accepted.</param>
    /// <param name="cookieName">The cookie of <see cref="AcceptTokenAs.Cookie"/>.</param>
    /// <param name="known">
    /// The scheme's runtime, whose in-process results are looked up by the header's characters: copying the token out
    /// of the header would be the largest allocation of a cached request (a JWT is a kilobyte or more).
    /// </param>
    /// <param name="cancellationToken">The request's abort signal.</param>
    public static async ValueTask<ExtractedToken> ExtractAsync(HttpRequest request, AcceptTokenAs accept, string cookieName, ResourceServerRuntime? known, CancellationToken cancellationToken)
    {
        string? found = null;
        var places = 0;
        LocalResult? local = null;

        var authorization = request.Headers.Authorization;
        if ((accept & (AcceptTokenAs.Header | AcceptTokenAs.Basic)) != 0 && authorization.Count > 0)
        {
            if (authorization.Count > 1)
            {
                return ExtractedToken.Invalid("more than one Authorization header");
            }
            var value = authorization[0] ?? "";
            if (accept.HasFlag(AcceptTokenAs.Header) && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var token = value.AsSpan(BearerPrefix.Length).Trim(' ');
                if (token.IsEmpty || token.Contains(' '))
                {
                    return ExtractedToken.Invalid("the Authorization header is not 'Bearer <token>'");
                }
                local = known?.FindLocal(token);
                found = local?.Token ?? token.ToString();
                places++;
            }
            else if (accept.HasFlag(AcceptTokenAs.Basic) && value.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var password = BasicPassword(value.AsSpan(BasicPrefix.Length).Trim(' '));
                if (password is null)
                {
                    return ExtractedToken.Invalid("the Basic credentials are malformed");
                }
                found = password;
                places++;
            }
        }

        if (accept.HasFlag(AcceptTokenAs.Query) && request.Query.TryGetValue(OAuthResourceServerDefaults.AccessTokenParameter, out var query))
        {
            if (One(query) is not { } token)
            {
                return ExtractedToken.Invalid("the access_token query parameter is repeated or empty");
            }
            found = token;
            places++;
        }

        if (accept.HasFlag(AcceptTokenAs.Form) && HttpMethods.IsPost(request.Method) && IsFormUrlEncoded(request.ContentType))
        {
            var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            if (form.TryGetValue(OAuthResourceServerDefaults.AccessTokenParameter, out var values))
            {
                if (One(values) is not { } token)
                {
                    return ExtractedToken.Invalid("the access_token form parameter is repeated or empty");
                }
                found = token;
                places++;
            }
        }

        if (accept.HasFlag(AcceptTokenAs.Cookie) && request.Cookies.TryGetValue(cookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            found = cookie;
            places++;
        }

        return places switch
        {
            0 => ExtractedToken.None,
            1 => new ExtractedToken(found, null, local),
            _ => ExtractedToken.Invalid("the request carries the access token in more than one place"),
        };
    }

    private static string? One(StringValues values) => values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static bool IsFormUrlEncoded(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static string? BasicPassword(ReadOnlySpan<char> encoded)
    {
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || colon == decoded.Length - 1)
        {
            return null;
        }
        return decoded[(colon + 1)..];
    }
}
