using System.Collections.Concurrent;
using System.Net;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

/// <summary>
/// An app protected by the RP library on real Kestrel (127.0.0.1, random port), with a public page, a
/// protected page, a JSON API that answers 401, and a page echoing the tokens (so tests can scan the logs for them).
/// Every log line is captured.
/// </summary>
public sealed class RpApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpApp(WebApplication app, Uri baseUrl, ConcurrentQueue<string> logs)
    {
        _app = app;
        BaseUrl = baseUrl;
        Logs = logs;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<string> Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app on 127.0.0.1:<paramref name="port"/> (0, the default, picks a free port).</summary>
    public static async Task<RpApp> StartAsync(Action<OidcRelyingPartyOptions> configure, Action<IServiceCollection>? services = null, Action<WebApplication>? endpoints = null, int port = 0)
    {
        var logs = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new CapturingLoggerProvider(logs));
        builder.Services.AddAuthentication(OidcRelyingPartyDefaults.AuthenticationScheme).AddOidcRelyingParty(configure);
        builder.Services.AddAuthorization();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", () => "public");
        app.MapGet("/login", (HttpContext c) => c.ChallengeAsync(new AuthenticationProperties { RedirectUri = "/protected" }));
        app.MapGet("/protected", (HttpContext c) => $"hello {c.User.Identity?.Name}").RequireAuthorization();
        app.MapGet("/claims", (HttpContext c) => Results.Json(c.User.Claims.Select(x => new { x.Type, x.Value }))).RequireAuthorization();
        app.MapGet("/tokens", async Task<IResult> (HttpContext c) => Results.Json(new Dictionary<string, string?>
        {
            ["access_token"] = await c.GetTokenAsync("access_token"),
            ["id_token"] = await c.GetTokenAsync("id_token"),
            ["refresh_token"] = await c.GetTokenAsync("refresh_token"),
        })).RequireAuthorization();
        app.MapGet("/api/data", () => Results.Json(new { ok = true })).RequireAuthorization()
            .WithMetadata(new OidcUnauthenticatedActionAttribute(UnauthenticatedAction.Unauthorized));
        endpoints?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RpApp(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), logs);
    }

    /// <summary>A browser-like client: its own cookie jar, no automatic redirects, HTML accepted.</summary>
    public static HttpClient NewBrowser(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies ?? new CookieContainer() };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml");
        return client;
    }

    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    public string AllLogs() => string.Join('\n', Logs);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
