using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;

namespace AuthOpenIdc.Samples.Spa;

/// <summary>
/// Builds the SPA sample's web application. Every setting comes from configuration (appsettings.json, environment
/// variables such as <c>AuthOpenIdc__RelyingParty__Issuer</c>, or <c>--AuthOpenIdc:RelyingParty:Issuer=...</c>
/// arguments), so the same app runs against any OP; the browser tests start it through this method.
/// </summary>
public static class SpaApp
{
    /// <summary>
    /// The policy for the SPA's own files: scripts and styles only from this origin, no inline code, no framing,
    /// and <c>fetch</c> only to this origin (the SPA talks to its backend, never to the OP).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Creates the app (not started) from the command-line <paramref name="args"/>.</summary>
    public static WebApplication Build(string[] args) => Build(args, configureBuilder: null);

    /// <summary>
    /// Creates the app (not started) from the command-line <paramref name="args"/>; <paramref name="configureBuilder"/>
    /// runs before the app is built (a host or a test can change logging or services there).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.Services.AddAuthentication(OidcRelyingPartyDefaults.AuthenticationScheme)
            .AddOidcRelyingParty(builder.Configuration.GetSection(OidcRelyingPartyDefaults.ConfigurationSection));
        builder.Services.AddAuthorization();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();

        // The SPA itself is public: "/" serves wwwroot/index.html, which asks the info hook whether a session exists.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.CacheControl = "no-cache";
            },
        });

        // The scheme answers its redirect_uri (/oidc/callback: login response, ?info=json, ?refresh=, ?logout=) here.
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/login", (HttpContext context) => context.ChallengeAsync(new AuthenticationProperties { RedirectUri = "/" }));

        // The SPA's API: needs the session cookie, answers 401 (not a redirect to the OP) without one, and 400 without
        // the X-CSRF: 1 header that a cross-site form, image or script cannot send.
        app.MapGet("/api/data", (HttpContext context) => Results.Json(new
        {
            user = context.User.Identity?.Name,
            name = context.User.FindFirst("name")?.Value,
            email = context.User.FindFirst("email")?.Value,
            serverTime = DateTimeOffset.UtcNow,
            message = "Hello from the backend: this call carried only the session cookie and the X-CSRF header.",
        }))
            .RequireAuthorization()
            .WithMetadata(new OidcUnauthenticatedActionAttribute(UnauthenticatedAction.Unauthorized))
            .RequireAntiforgeryHeader();

        return app;
    }
}
