using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace AuthOpenIdc.Samples.WebApp;

/// <summary>
/// Builds the sample app. Every setting comes from configuration (appsettings.json, appsettings.Introspection.json
/// when the environment is <c>Introspection</c>, environment variables such as <c>AuthOpenIdc__RelyingParty__Issuer</c>,
/// or <c>--AuthOpenIdc:RelyingParty:Issuer=...</c> arguments), so the same app runs against any OP; the integration
/// tests start it through this method.
/// </summary>
public static class SampleWebApp
{
    /// <summary>The configuration key of the API sample's address (default http://127.0.0.1:5002).</summary>
    public const string ApiBaseUrlKey = "SampleApi:BaseUrl";

    /// <summary>The name of the <see cref="HttpClient"/> that calls the API sample.</summary>
    public const string ApiClientName = "sample-api";

    /// <summary>Creates the app (not started) from the command-line <paramref name="args"/>.</summary>
    public static WebApplication Build(string[] args) => Build(args, configureBuilder: null);

    /// <summary>
    /// Creates the app (not started) from the command-line <paramref name="args"/>; <paramref name="configureBuilder"/>
    /// runs before the app is built (a host or a test can change logging or services there).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder)
    {
        var builder = WebApplication.CreateBuilder(args);

        // The login asks the OP for an access token for the API sample (appsettings.json: the "resource" parameter,
        // RFC 8707, and the API's scope api:read). Such a token is for the API, not for the OP's userinfo endpoint, so
        // UseUserInfo is off: the demo OP then puts the user's claims in the ID token instead.
        builder.Services.AddAuthentication(OidcRelyingPartyDefaults.AuthenticationScheme)
            .AddOidcRelyingParty(builder.Configuration.GetSection(OidcRelyingPartyDefaults.ConfigurationSection));
        builder.Services.AddAuthorization(options =>
            options.AddPolicy("admins", policy => policy.RequireClaimValue("realm_access.roles", "admin")));

        // The API sample's client. Its address comes from configuration, like everything else.
        var apiBaseUrl = builder.Configuration[ApiBaseUrlKey]
            ?? throw new InvalidOperationException($"{ApiBaseUrlKey} is required: the address of the API sample.");
        builder.Services.AddHttpClient(ApiClientName, client => client.BaseAddress = new Uri(apiBaseUrl));
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/", (HttpContext context) => Page("AuthOpenIdc sample",
            context.User.Identity?.IsAuthenticated == true
                ? $"<p>Signed in as <b>{Html(context.User.Identity.Name)}</b>.</p><p><a href=\"/protected\">Your claims</a> · <a href=\"/api/me\">/api/me (JSON)</a> · <a href=\"/call-api\">Call the API sample</a> · <a href=\"/admin\">Admins only</a> · <a href=\"/oidc/callback?logout=%2F\">Log out</a></p>"
                : "<p>This page is public.</p><p><a href=\"/protected\">Sign in and see your claims</a> · <a href=\"/call-api\">Sign in and call the API sample</a></p>"));

        app.MapGet("/protected", (HttpContext context) =>
        {
            var rows = string.Concat(context.User.Claims.Select(c => $"<tr><td>{Html(c.Type)}</td><td><code>{Html(c.Value)}</code></td></tr>"));
            return Page("Your claims", $"<p>Signed in as <b>{Html(context.User.Identity?.Name)}</b>.</p><table border=\"1\" cellpadding=\"4\"><tr><th>Claim</th><th>Value</th></tr>{rows}</table><p><a href=\"/\">Home</a> · <a href=\"/oidc/callback?logout=%2F\">Log out</a></p>");
        }).RequireAuthorization();

        app.MapGet("/admin", (HttpContext context) => Page("Admins", $"<p>Welcome, administrator {Html(context.User.Identity?.Name)}.</p>"))
            .RequireAuthorization("admins");

        // A JSON API: an anonymous call gets 401 rather than a redirect to the OP.
        app.MapGet("/api/me", async Task<IResult> (HttpContext context) => Results.Json(new
        {
            name = context.User.Identity?.Name,
            claims = context.User.Claims.Select(c => new { type = c.Type, value = c.Value }),
            accessTokenExpiresAt = await context.GetTokenAsync("expires_at"),
        })).RequireAuthorization().WithMetadata(new OidcUnauthenticatedActionAttribute(UnauthenticatedAction.Unauthorized));

        // Calls the API sample with the session's access token, as a backend calls a downstream API. The OP issued
        // that token for the API (the "resource" parameter in appsettings.json) with scope api:read only, so the
        // API lets this app read orders but refuses to create one (403 insufficient_scope).
        app.MapGet("/call-api", async (HttpContext context, IHttpClientFactory httpClients) =>
        {
            var accessToken = await context.GetTokenAsync("access_token");
            var api = httpClients.CreateClient(ApiClientName);
            var body = new StringBuilder($"<p>Signed in as <b>{Html(context.User.Identity?.Name)}</b>. Each call below sends <code>Authorization: Bearer &lt;the session's access token&gt;</code> to <code>{Html(api.BaseAddress?.ToString())}</code>.</p>");
            body.Append(await CallAsync(api, accessToken, HttpMethod.Get, "/api/whoami", content: null, context.RequestAborted));
            body.Append(await CallAsync(api, accessToken, HttpMethod.Get, "/api/orders", content: null, context.RequestAborted));
            body.Append(await CallAsync(api, accessToken, HttpMethod.Post, "/api/orders", JsonContent.Create(new { item = "Espresso beans, 1 kg", quantity = 1 }), context.RequestAborted));
            body.Append("<p><a href=\"/\">Home</a> · <a href=\"/oidc/callback?logout=%2F\">Log out</a></p>");
            return Page("Calling the API sample", body.ToString());
        }).RequireAuthorization();

        return app;
    }

    /// <summary>One call to the API sample, rendered as a section: request line, status, challenge and body.</summary>
    private static async Task<string> CallAsync(HttpClient api, string? accessToken, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        string result;
        try
        {
            using var response = await api.SendAsync(request, cancellationToken);
            var challenge = response.Headers.WwwAuthenticate.ToString();
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            result = $"<p>→ <b>{(int)response.StatusCode} {Html(response.ReasonPhrase)}</b>"
                + (challenge.Length > 0 ? $"<br>WWW-Authenticate: <code>{Html(challenge)}</code>" : string.Empty) + "</p>"
                + (text.Length > 0 ? $"<pre style=\"background:#f4f4f4;padding:1em;overflow:auto\">{Html(text)}</pre>" : string.Empty);
        }
        catch (HttpRequestException ex)
        {
            result = $"<p>→ <b>the API sample is not reachable</b>: {Html(ex.Message)} (is it running? <code>./build.sh demo</code> starts it)</p>";
        }
        return $"<h2><code>{Html(method.Method)} {Html(path)}</code></h2>{result}";
    }

    private static string Html(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    private static IResult Page(string title, string body) => Results.Content(
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html(title)}</title></head><body style=\"font-family:system-ui,sans-serif;max-width:50em;margin:2em auto\"><h1>{Html(title)}</h1>{body}</body></html>",
        "text/html; charset=utf-8");
}
