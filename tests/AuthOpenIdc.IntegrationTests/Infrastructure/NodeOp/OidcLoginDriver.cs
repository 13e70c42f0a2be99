using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;

/// <summary>The outcome of <see cref="OidcLoginDriver"/>: the first response it did not act on.</summary>
public sealed class LoginResult : IDisposable
{
    internal LoginResult(HttpResponseMessage response, string body, IReadOnlyList<Uri> visitedUrls, IReadOnlyList<string> trace)
    {
        Response = response;
        Body = body;
        VisitedUrls = visitedUrls;
        Trace = trace;
    }

    /// <summary>The final response (its content is buffered, so it can be read again).</summary>
    public HttpResponseMessage Response { get; }

    /// <summary>The final response's body.</summary>
    public string Body { get; }

    /// <summary>Every URL requested, in order; the last one is <see cref="FinalUrl"/>.</summary>
    public IReadOnlyList<Uri> VisitedUrls { get; }

    /// <summary>One line per hop: <c>GET http://... -&gt; 303 (Location)</c>; handy in assertion messages.</summary>
    public IReadOnlyList<string> Trace { get; }

    /// <summary>The URL of the final response.</summary>
    public Uri FinalUrl => VisitedUrls[^1];

    /// <summary>The final status code.</summary>
    public HttpStatusCode StatusCode => Response.StatusCode;

    /// <summary>The trace as one string.</summary>
    public string TraceText => string.Join(Environment.NewLine, Trace);

    /// <inheritdoc />
    public void Dispose() => Response.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{(int)StatusCode} at {FinalUrl}{Environment.NewLine}{TraceText}";
}

/// <summary>
/// Drives a browser-like flow through a relying party and the Node OP with an <see cref="HttpClient"/> whose handler
/// has <c>AllowAutoRedirect = false</c> and a <see cref="CookieContainer"/> (<c>UseCookies = true</c>), supplied by the
/// caller so that several flows can share one "browser".
/// </summary>
/// <remarks>
/// Each hop: a 3xx is followed (301/302/303 become GET, 307/308 repeat the method and form); a 200 HTML page is acted
/// on when it holds (1) an oidc-provider devInteractions form (hidden <c>prompt</c> = <c>login</c>, posted as
/// <c>prompt=login&amp;login=&lt;user&gt;&amp;password=x</c>, or <c>consent</c>), (2) the OP's logout confirmation form
/// (<c>id="op.logoutForm"</c> or an action ending in <c>/session/end/confirm</c>; posted with <c>logout=yes</c>), or
/// (3) a script-submitted POST form (form_post responses), whose hidden inputs are posted. Anything else ends the flow.
/// </remarks>
public static class OidcLoginDriver
{
    /// <summary>The most requests one flow may make.</summary>
    public const int MaxHops = 30;

    /// <summary>The password posted to the devInteractions login form (it is ignored by the OP).</summary>
    public const string Password = "x";

    /// <summary>Starts with <c>GET <paramref name="startUrl"/></c> (Accept: text/html) and logs in as <paramref name="userName"/> when the OP asks.</summary>
    public static Task<LoginResult> LoginAsync(HttpClient client, Uri startUrl, string userName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(startUrl);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        return RunAsync(client, CreateNavigation(HttpMethod.Get, startUrl, null), userName, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="first"/> and follows the flow (redirects, consent, logout confirmation, form_post) until it
    /// ends; returns the final response. If the OP shows a login form the flow fails, since no user name was given.
    /// </summary>
    public static Task<HttpResponseMessage> FollowAsync(HttpClient client, HttpRequestMessage first, CancellationToken cancellationToken = default)
        => FollowAsync(client, first, null, cancellationToken);

    /// <summary>Like <see cref="FollowAsync(HttpClient, HttpRequestMessage, CancellationToken)"/>, logging in as <paramref name="userName"/> if asked.</summary>
    public static async Task<HttpResponseMessage> FollowAsync(HttpClient client, HttpRequestMessage first, string? userName, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(client, first, userName, cancellationToken);
        return result.Response;
    }

    /// <summary>Like <see cref="FollowAsync(HttpClient, HttpRequestMessage, string?, CancellationToken)"/>, but returns the whole <see cref="LoginResult"/>.</summary>
    public static Task<LoginResult> RunAsync(HttpClient client, HttpRequestMessage first, string? userName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(first);
        if (first.RequestUri is null || !first.RequestUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The first request needs an absolute RequestUri.", nameof(first));
        }

        return RunCoreAsync(client, first, userName, cancellationToken);
    }

    private static async Task<LoginResult> RunCoreAsync(HttpClient client, HttpRequestMessage first, string? userName, CancellationToken cancellationToken)
    {
        var visited = new List<Uri>();
        var trace = new List<string>();
        var request = first;
        IReadOnlyList<KeyValuePair<string, string>>? requestForm = null;

        for (var hop = 0; hop < MaxHops; hop++)
        {
            var requestUri = request.RequestUri!;
            var method = request.Method;
            visited.Add(requestUri);
            var response = await client.SendAsync(request, cancellationToken);
            if (!ReferenceEquals(request, first))
            {
                request.Dispose();
            }

            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(requestUri, location);
                trace.Add(Describe(method, requestUri, status, next.ToString()));
                response.Dispose();
                if (status is 307 or 308)
                {
                    request = CreateNavigation(method, next, requestForm);
                }
                else
                {
                    request = CreateNavigation(HttpMethod.Get, next, null);
                    requestForm = null;
                }

                continue;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK && IsHtml(response) && TryPlanSubmission(body, userName, out var form, out var fields, out var why))
            {
                var target = form.ResolveAction(requestUri);
                trace.Add(Describe(method, requestUri, status, $"{why}: {form.Method} {target}"));
                response.Dispose();
                if (string.Equals(form.Method, "POST", StringComparison.Ordinal))
                {
                    request = CreateNavigation(HttpMethod.Post, target, fields);
                    requestForm = fields;
                }
                else
                {
                    request = CreateNavigation(HttpMethod.Get, AppendQuery(target, fields), null);
                    requestForm = null;
                }

                continue;
            }

            trace.Add(Describe(method, requestUri, status, "end"));
            return new LoginResult(response, body, visited, trace);
        }

        throw new InvalidOperationException(
            $"The login flow did not finish within {MaxHops.ToString(CultureInfo.InvariantCulture)} requests:{Environment.NewLine}{string.Join(Environment.NewLine, trace)}");
    }

    private static bool TryPlanSubmission(
        string html,
        string? userName,
        out HtmlForm form,
        out IReadOnlyList<KeyValuePair<string, string>> fields,
        out string why)
    {
        form = null!;
        fields = [];
        why = string.Empty;
        var forms = HtmlFormReader.ReadForms(html);

        // 1. oidc-provider devInteractions: login or consent.
        foreach (var candidate in forms)
        {
            var prompt = candidate.GetHiddenValue("prompt");
            if (string.Equals(prompt, "login", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(userName))
                {
                    throw new InvalidOperationException(
                        $"The OP asked for a login (form action '{candidate.Action}') but no user name was given to the driver.");
                }

                form = candidate;
                fields = [new("prompt", "login"), new("login", userName), new("password", Password)];
                why = $"login as '{userName}'";
                return true;
            }

            if (string.Equals(prompt, "consent", StringComparison.Ordinal))
            {
                form = candidate;
                fields = [new("prompt", "consent")];
                why = "consent";
                return true;
            }
        }

        // 2. oidc-provider's logout confirmation ("Yes, sign me out" is name="logout" value="yes").
        foreach (var candidate in forms)
        {
            if (string.Equals(candidate.Id, "op.logoutForm", StringComparison.Ordinal)
                || candidate.Action.EndsWith("/session/end/confirm", StringComparison.Ordinal))
            {
                var list = new List<KeyValuePair<string, string>>(candidate.HiddenFields);
                if (candidate.GetHiddenValue("logout") is null)
                {
                    list.Add(new("logout", "yes"));
                }

                form = candidate;
                fields = list;
                why = "confirm logout";
                return true;
            }
        }

        // 3. A page that submits a POST form by script (form_post response mode, front-end redirects).
        if (HtmlFormReader.IsAutoSubmitting(html))
        {
            foreach (var candidate in forms)
            {
                if (string.Equals(candidate.Method, "POST", StringComparison.Ordinal) && candidate.HiddenFields.Count > 0)
                {
                    form = candidate;
                    fields = candidate.HiddenFields;
                    why = "auto-submit " + string.Join(',', candidate.HiddenFields.Select(f => f.Key));
                    return true;
                }
            }
        }

        return false;
    }

    private static HttpRequestMessage CreateNavigation(HttpMethod method, Uri uri, IReadOnlyList<KeyValuePair<string, string>>? form)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        if (form is not null && method != HttpMethod.Get)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        return request;
    }

    private static Uri AppendQuery(Uri uri, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        if (fields.Count == 0)
        {
            return uri;
        }

        var query = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var builder = new UriBuilder(uri) { Query = query };
        return builder.Uri;
    }

    private static bool IsHtml(HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        return mediaType is null || mediaType.Contains("html", StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(HttpMethod method, Uri uri, int status, string outcome)
        => $"{method} {uri} -> {status.ToString(CultureInfo.InvariantCulture)} ({outcome})";
}
