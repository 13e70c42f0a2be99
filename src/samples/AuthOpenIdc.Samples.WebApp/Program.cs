// The AuthOpenIdc sample: a browser app protected by an OpenID Connect login.
// Every setting comes from configuration (appsettings.json, or environment variables such as
// AuthOpenIdc__RelyingParty__Issuer), so the same app runs against any OP. docs/getting-started.md walks through it.
using System.Text.Encodings.Web;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddAuthentication(OidcRelyingPartyDefaults.AuthenticationScheme)
    .AddOidcRelyingParty(builder.Configuration.GetSection(OidcRelyingPartyDefaults.ConfigurationSection));
builder.Services.AddAuthorization(options =>
    options.AddPolicy("admins", policy => policy.RequireClaimValue("realm_access.roles", "admin")));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", (HttpContext context) => Page("AuthOpenIdc sample",
    context.User.Identity?.IsAuthenticated == true
        ? $"<p>Signed in as <b>{Html(context.User.Identity.Name)}</b>.</p><p><a href=\"/protected\">Your claims</a> · <a href=\"/api/me\">/api/me (JSON)</a> · <a href=\"/admin\">Admins only</a> · <a href=\"/oidc/callback?logout=%2F\">Log out</a></p>"
        : "<p>This page is public.</p><p><a href=\"/protected\">Sign in and see your claims</a></p>"));

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

app.Run();

static string Html(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

static IResult Page(string title, string body) => Results.Content(
    $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html(title)}</title></head><body style=\"font-family:system-ui,sans-serif;max-width:50em;margin:2em auto\"><h1>{Html(title)}</h1>{body}</body></html>",
    "text/html; charset=utf-8");
