using System.Collections.Concurrent;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>
/// An API protected by the resource server on real Kestrel: <c>/api/me</c> (any valid token) answers the name and
/// scopes, <c>/api/write</c> needs scope <c>api:write</c>, <c>/api/admin</c> scope <c>admin</c>. Logs are captured.
/// </summary>
internal sealed class RsApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RsApp(WebApplication app, ConcurrentQueue<string> logs)
    {
        _app = app;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public HttpClient Client { get; }

    public ConcurrentQueue<string> Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The scheme's runtime (single-flight table, authorization server client).</summary>
    public ResourceServerRuntime Runtime => Services.GetRequiredService<ResourceServerRuntimes>().Get(OAuthResourceServerDefaults.AuthenticationScheme);

    public static Task<RsApp> StartAsync(Action<OAuthResourceServerOptions> configure) =>
        StartAsync(authentication => authentication.AddOAuthResourceServer(configure));

    /// <summary>The API with the resource server configured from <paramref name="configuration"/> alone.</summary>
    public static Task<RsApp> StartAsync(IConfigurationSection configuration) =>
        StartAsync(authentication => authentication.AddOAuthResourceServer(configuration));

    private static async Task<RsApp> StartAsync(Action<AuthenticationBuilder> addResourceServer)
    {
        var logs = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new CapturingLoggerProvider(logs));
        addResourceServer(builder.Services.AddAuthentication(OAuthResourceServerDefaults.AuthenticationScheme));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("write", p => p.RequireAuthenticatedUser().RequireScope("api:write"))
            .AddPolicy("admin", p => p.RequireAuthenticatedUser().RequireScope("admin"));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/api/me", (HttpContext c) => Results.Json(new
        {
            name = c.User.Identity?.Name,
            scopes = c.User.FindAll("scope").Select(s => s.Value).ToArray(),
        })).RequireAuthorization();
        app.MapPost("/api/me", (HttpContext c) => c.User.Identity?.Name ?? "").RequireAuthorization();
        app.MapGet("/api/write", () => "written").RequireAuthorization("write");
        app.MapGet("/api/admin", () => "admin").RequireAuthorization("admin");
        app.MapMethods("/api/me", ["OPTIONS"], () => "preflight").RequireAuthorization();
        await app.StartAsync();
        return new RsApp(app, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
