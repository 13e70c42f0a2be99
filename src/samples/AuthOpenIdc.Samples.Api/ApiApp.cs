using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Samples.Api;

/// <summary>
/// Builds the API sample. Every setting comes from configuration (appsettings.json, appsettings.Introspection.json
/// when the environment is <c>Introspection</c>, environment variables such as
/// <c>AuthOpenIdc__ResourceServer__Issuer</c>, or <c>--AuthOpenIdc:ResourceServer:Issuer=...</c> arguments), so the
/// same API trusts any authorization server; the integration tests start it through this method.
/// </summary>
public static class ApiApp
{
    /// <summary>The scope needed to read orders.</summary>
    public const string ReadScope = "api:read";

    /// <summary>The scope needed to create orders.</summary>
    public const string WriteScope = "api:write";

    private const string ReadOrders = "orders:read";
    private const string WriteOrders = "orders:write";

    // The API's data: a fixed list, so the sample needs no database.
    private static readonly Order[] Orders =
    [
        new(1001, "Espresso beans, 1 kg", 2),
        new(1002, "Milk frother", 1),
        new(1003, "Paper filters (100)", 5),
    ];

    /// <summary>Creates the app (not started) from the command-line <paramref name="args"/>.</summary>
    public static WebApplication Build(string[] args) => Build(args, configureBuilder: null);

    /// <summary>
    /// Creates the app (not started) from the command-line <paramref name="args"/>; <paramref name="configureBuilder"/>
    /// runs before the app is built (a host or a test can change logging or services there).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Bearer tokens only: the section AuthOpenIdc:ResourceServer names the issuer, the audience this API accepts
        // and the validation path (Jwt, the default, or Introspection with the API's own client credentials).
        builder.Services.AddAuthentication(OAuthResourceServerDefaults.AuthenticationScheme)
            .AddOAuthResourceServer(builder.Configuration.GetSection(OAuthResourceServerDefaults.ConfigurationSection));

        // Scope policies: a valid token without the scope gets 403 with WWW-Authenticate error="insufficient_scope".
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadOrders, policy => policy.RequireAuthenticatedUser().RequireScope(ReadScope))
            .AddPolicy(WriteOrders, policy => policy.RequireAuthenticatedUser().RequireScope(WriteScope));
        builder.Services.AddHealthChecks();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.WriteIndented = true);
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        // Public: no token needed (load balancers, `curl http://127.0.0.1:5002/health`).
        app.MapHealthChecks("/health");

        // Any valid access token: who the caller is, as the token says (JWT payload or introspection response).
        app.MapGet("/api/whoami", (HttpContext context, IOptionsMonitor<OAuthResourceServerOptions> options) => Results.Json(new
        {
            name = context.User.Identity?.Name,
            validation = options.Get(OAuthResourceServerDefaults.AuthenticationScheme).Validation.ToString(),
            scopes = context.User.FindAll("scope").Select(c => c.Value),
            claims = context.User.Claims.Select(c => new { type = c.Type, value = c.Value }),
        })).RequireAuthorization();

        // A token with scope api:read.
        app.MapGet("/api/orders", () => Results.Json(Orders)).RequireAuthorization(ReadOrders);

        // A token with scope api:write (nothing is stored: the sample answers the order it would have created).
        app.MapPost("/api/orders", (NewOrder order, HttpContext context) =>
            Results.Json(new { order = new Order(Orders.Max(o => o.Id) + 1, order.Item, order.Quantity), createdBy = context.User.Identity?.Name }, statusCode: StatusCodes.Status201Created))
            .RequireAuthorization(WriteOrders);

        return app;
    }

    /// <summary>An order of the sample's fixed list.</summary>
    public sealed record Order(int Id, string Item, int Quantity);

    /// <summary>The body of <c>POST /api/orders</c>.</summary>
    public sealed record NewOrder(string Item, int Quantity);
}
