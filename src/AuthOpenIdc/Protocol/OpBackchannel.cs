using System.Net.Http.Headers;
using Microsoft.AspNetCore.WebUtilities;
using System.Text;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// Every call from the RP to the OP goes through here: a client from <see cref="IHttpClientFactory"/>,
/// a per-call timeout, a response size cap (a hostile OP cannot exhaust memory), and the http/https rule.
/// Transport failures become <see cref="OidcProtocolException"/> so callers show a 502 page, never a 500.
/// </summary>
internal sealed class OpBackchannel
{
    /// <summary>Discovery, JWKS, token and userinfo responses are small; 1 MiB is generous.</summary>
    private const int MaxResponseBytes = 1024 * 1024;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeSpan _timeout;
    private readonly bool _requireHttps;

    public OpBackchannel(IHttpClientFactory httpClientFactory, TimeSpan timeout, bool requireHttps)
    {
        _httpClientFactory = httpClientFactory;
        _timeout = timeout;
        _requireHttps = requireHttps;
    }

    public sealed record Response(int StatusCode, string? MediaType, string Body, HttpResponseHeaders Headers);

    public Task<Response> GetAsync(string url, string? bearerToken, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, CheckUrl(url));
        request.Headers.Accept.ParseAdd("application/json");
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }
        return SendAsync(request, cancellationToken);
    }

    public Task<Response> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken) =>
        SendParametersAsync(HttpMethod.Post, url, form, authorization, "application/json", cancellationToken);

    /// <summary>
    /// A request whose <paramref name="parameters"/> go in a form body (POST) or the query string (GET), with an
    /// explicit <c>Accept</c> (e.g. RFC 9701's <c>application/token-introspection+jwt</c>).
    /// </summary>
    public Task<Response> SendParametersAsync(HttpMethod method, string url, IEnumerable<KeyValuePair<string, string>> parameters, AuthenticationHeaderValue? authorization, string accept, CancellationToken cancellationToken)
    {
        var request = method == HttpMethod.Get
            ? new HttpRequestMessage(HttpMethod.Get, CheckUrl(QueryHelpers.AddQueryString(url, parameters!)))
            : new HttpRequestMessage(method, CheckUrl(url)) { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Accept.ParseAdd(accept);
        request.Headers.Authorization = authorization;
        return SendAsync(request, cancellationToken);
    }

    private Uri CheckUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw OidcProtocolException.InvalidMetadata("an OP endpoint is not an absolute http(s) URL");
        }
        if (_requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw OidcProtocolException.InvalidMetadata($"OP endpoint {uri.GetLeftPart(UriPartial.Path)} is not https and RequireHttpsMetadata is on");
        }
        return uri;
    }

    private async Task<Response> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var _ = request;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var endpoint = request.RequestUri!.GetLeftPart(UriPartial.Path);
        try
        {
            var client = _httpClientFactory.CreateClient(RelyingParty.OidcRelyingPartyDefaults.BackchannelHttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                throw OidcProtocolException.ProviderUnavailable($"response of {endpoint} is larger than {MaxResponseBytes} bytes");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var body = await ReadCappedAsync(stream, endpoint, timeout.Token).ConfigureAwait(false);
            return new Response((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw OidcProtocolException.ProviderUnavailable($"{endpoint} did not answer within {_timeout.TotalSeconds:0.#} s", ex);
        }
        catch (HttpRequestException ex)
        {
            throw OidcProtocolException.ProviderUnavailable($"{endpoint} could not be reached ({ex.HttpRequestError})", ex);
        }
    }

    private static async Task<string> ReadCappedAsync(Stream stream, string endpoint, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw OidcProtocolException.ProviderUnavailable($"response of {endpoint} is larger than {MaxResponseBytes} bytes");
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
