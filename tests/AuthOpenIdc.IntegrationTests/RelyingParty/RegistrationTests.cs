using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.RelyingParty.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Registration order and DI-provided events behave as .NET developers expect.</summary>
public sealed class RegistrationTests
{
    private sealed class CountingEvents : OidcRelyingPartyEvents
    {
        public int Redirects { get; private set; }

        public override Task RedirectToIdentityProvider(RedirectToIdentityProviderContext context)
        {
            Redirects++;
            context.Parameters["from_events_type"] = "yes";
            return base.RedirectToIdentityProvider(context);
        }
    }

    [Fact]
    public async Task Pass_works_when_AddAuthorization_is_called_first_and_EventsType_is_resolved_from_DI()
    {
        await using var op = await ScriptableOp.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<CountingEvents>();
        builder.Services.AddAuthentication(OidcRelyingPartyDefaults.AuthenticationScheme).AddOidcRelyingParty(o =>
        {
            o.Issuer = op.IssuerIdentifier;
            o.ClientId = ScriptableOp.DefaultClientId;
            o.ClientSecret = ScriptableOp.DefaultClientSecret;
            o.RequireHttpsMetadata = false;
            o.EventsType = typeof(CountingEvents);
        });
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/maybe", (HttpContext c) => c.User.Identity?.IsAuthenticated == true ? "member" : "guest").RequireAuthorization()
            .WithMetadata(new OidcUnauthenticatedActionAttribute(UnauthenticatedAction.Pass));
        app.MapGet("/protected", () => "private").RequireAuthorization();
        await app.StartAsync();
        var baseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var browser = RpApp.NewBrowser();
        Assert.Equal("guest", await browser.GetStringAsync(new Uri(baseUrl, "/maybe")));
        using var challenge = await browser.GetAsync(new Uri(baseUrl, "/protected"));
        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        Assert.Contains("from_events_type=yes", challenge.Headers.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(1, app.Services.GetRequiredService<CountingEvents>().Redirects);
        await app.StopAsync();
    }
}
