using System.Globalization;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// <c>serve --port N --mode M [--redis host:port]</c>: a minimal Kestrel app on 127.0.0.1:N whose one endpoint
/// <c>GET /</c> returns a short text, behind the given authentication. At startup it mints a valid session and prints
/// <c>COOKIE &lt;Cookie header value&gt;</c> (empty for noauth), <c>STORED &lt;bytes&gt;</c> for server-side sessions,
/// then <c>READY</c>. The bearer modes (<see cref="BearerModes"/>) host their authorization server on the same app
/// under <c>/as</c> (unprotected), print <c>TOKEN &lt;bearer token&gt;</c> instead of a cookie, and at shutdown
/// <c>INTROSPECTIONS n</c> and <c>JWKS n</c>: the calls the authorization server answered. <c>authfloor</c>
/// (<see cref="FloorAuthenticationHandler"/>) prints a token that it accepts unchecked, as any other.
/// </summary>
internal static class ServeCommand
{
    public static readonly string[] BearerModes = BenchmarkAuthorizationServer.Schemes;

    public static readonly string[] Modes = ["noauth", "mscookie", "oidc-memory", "oidc-redis", "oidc-cookie", FloorAuthenticationHandler.Name, .. BearerModes];

    public static async Task<int> RunAsync(string[] args)
    {
        string? port = null, mode = null, redis = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--port": port = args[i + 1]; break;
                case "--mode": mode = args[i + 1]; break;
                case "--redis": redis = args[i + 1]; break;
                default: return Usage($"unknown option {args[i]}");
            }
        }
        if (port is null || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _) || mode is null || !Modes.Contains(mode))
        {
            return Usage("--port and a known --mode are required");
        }
        if (mode == "oidc-redis" && redis is null)
        {
            return Usage("--mode oidc-redis needs --redis host:port");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var services = builder.Services;
        var authorizationServer = BearerModes.Contains(mode) ? new BenchmarkAuthorizationServer($"http://127.0.0.1:{port}/as") : null;
        switch (mode)
        {
            case "noauth":
                break;
            case "mscookie":
                services.AddAuthentication(BenchmarkSessions.CookieScheme).AddCookie();
                break;
            case "oidc-memory":
                services.AddAuthentication(BenchmarkSessions.OidcScheme).AddBenchmarkOidc(OidcSessionType.ServerCache);
                break;
            case "oidc-redis":
                builder.Configuration["AuthOpenIdc:Cache:Backend"] = "DistributedCache";
                services.AddSingleton<IDistributedCache>(new RedisCache(redis!));
                services.AddAuthentication(BenchmarkSessions.OidcScheme).AddBenchmarkOidc(OidcSessionType.ServerCache);
                break;
            case "oidc-cookie":
                services.AddAuthentication(BenchmarkSessions.OidcScheme).AddBenchmarkOidc(OidcSessionType.ClientCookie);
                break;
            case FloorAuthenticationHandler.Name:
                services.AddAuthentication(mode).AddScheme<AuthenticationSchemeOptions, FloorAuthenticationHandler>(mode, null);
                break;
            default:
                // The keys come from the JWKS the app itself serves, fetched once, as from a real authorization server.
                authorizationServer!.AddScheme(services.AddAuthentication(mode), mode, staticKeys: false);
                break;
        }
        if (mode != "noauth")
        {
            services.AddAuthorization();
        }

        await using var app = builder.Build();
        if (mode != "noauth")
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        var endpoint = app.MapGet("/", () => "Hello from the benchmark app.\n");
        if (mode != "noauth")
        {
            endpoint.RequireAuthorization();
        }
        authorizationServer?.MapEndpoints(app.MapGroup("/as"));
        await app.StartAsync().ConfigureAwait(false);

        if (authorizationServer is not null || mode == FloorAuthenticationHandler.Name)
        {
            Console.WriteLine("TOKEN " + (authorizationServer?.TokenFor(mode) ?? "any"));
            Console.WriteLine("READY");
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            if (authorizationServer is not null)
            {
                Console.WriteLine("INTROSPECTIONS " + authorizationServer.Introspections.ToString(CultureInfo.InvariantCulture));
                Console.WriteLine("JWKS " + authorizationServer.JwksFetches.ToString(CultureInfo.InvariantCulture));
            }
            return 0;
        }

        var session = BenchmarkSessions.NewSession(TimeProvider.System);
        var cookie = mode switch
        {
            "noauth" => "",
            "mscookie" => await BenchmarkSessions.MintMicrosoftCookieAsync(app.Services, session).ConfigureAwait(false),
            _ => await BenchmarkSessions.MintOidcCookieAsync(app.Services, session).ConfigureAwait(false),
        };
        Console.WriteLine("COOKIE " + cookie);
        if (mode is "oidc-memory" or "oidc-redis")
        {
            Console.WriteLine("STORED " + (await BenchmarkSessions.StoredBytesAsync(app.Services, cookie).ConfigureAwait(false))?.ToString(CultureInfo.InvariantCulture));
        }
        Console.WriteLine("READY");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"serve: {problem}");
        Console.Error.WriteLine("usage: serve --port N --mode <" + string.Join('|', Modes) + "> [--redis host:port]");
        return 2;
    }
}
