using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.ResourceServer;

/// <summary>The outcome of looking for a token: none, one token, or a malformed request (RFC 6750 <c>invalid_request</c>).</summary>
/// <param name="Token">The token, if one was found.</param>
/// <param name="InvalidRequest">Why the request is malformed, if it is.</param>
/// <param name="IsNew">
/// The token was copied out of the Authorization header, not found among the known tokens: the handler passes it to
/// <see cref="BearerTokenExtractor.RememberValid"/> once it has validated.
/// </param>
internal readonly record struct ExtractedToken(string? Token, string? InvalidRequest, bool IsNew = false)
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

    /// <summary>Tokens in <see cref="KnownTokens"/> at most (about as many as the results each scheme keeps in process).</summary>
    internal const int KnownTokensCapacity = 10_000;

    /// <summary>
    /// Header tokens that validated lately, found by their characters. Taking the token out of the header would copy it
    /// on every request (a JWT is a kilobyte or more of characters, the largest allocation of a cached request); a known
    /// token's string is reused instead. Only valid tokens get in, so made-up tokens cannot fill it; when full it starts over.
    /// </summary>
    private static readonly ConcurrentDictionary<string, string> KnownTokens = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownTokensByValue =
        KnownTokens.GetAlternateLookup<ReadOnlySpan<char>>();

    private static int _knownTokenCount;

    /// <summary>Remembers a header token that validated, so its next requests reuse the string (see <see cref="ExtractedToken.IsNew"/>).</summary>
    public static void RememberValid(string token)
    {
        // The count is approximate under races; it only bounds the memory.
        if (KnownTokens.TryAdd(token, token) && Interlocked.Increment(ref _knownTokenCount) > KnownTokensCapacity)
        {
            KnownTokens.Clear();
            Volatile.Write(ref _knownTokenCount, 0);
        }
    }

    public static async ValueTask<ExtractedToken> ExtractAsync(HttpRequest request, AcceptTokenAs accept, string cookieName, CancellationToken cancellationToken)
    {
        string? found = null;
        var places = 0;
        var isNew = false;

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
                if (KnownTokensByValue.TryGetValue(token, out var known))
                {
                    found = known;
                }
                else
                {
                    found = token.ToString();
                    isNew = true;
                }
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
            1 => new ExtractedToken(found, null, isNew),
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
