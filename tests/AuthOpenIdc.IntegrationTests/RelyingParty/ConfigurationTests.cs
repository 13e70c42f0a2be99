using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>Options come from standard configuration and are checked at startup, before any request.</summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class ConfigurationTests
{
    private readonly NodeOidcProviderFixture _op;

    public ConfigurationTests(NodeOidcProviderFixture op)
    {
        _op = op;
    }

    private static WebApplication Build(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAuthentication(OidcRelyingPartyDefaults.AuthenticationScheme)
            .AddOidcRelyingParty(builder.Configuration.GetSection(OidcRelyingPartyDefaults.ConfigurationSection));
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/protected", (Microsoft.AspNetCore.Http.HttpContext c) => "hello " + c.User.Identity!.Name).RequireAuthorization();
        return app;
    }

    [Fact]
    public async Task A_wrong_configuration_fails_at_startup_naming_every_key_and_directive()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["AuthOpenIdc:RelyingParty:Issuer"] = "http://127.0.0.1:1",
            ["AuthOpenIdc:RelyingParty:RedirectUri"] = "//evil",
        });
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("AuthOpenIdc:RelyingParty:ClientId is required (OIDCClientID)", failure.Failures);
        Assert.Contains("AuthOpenIdc:RelyingParty:ClientSecret is required unless TokenEndpointAuthMethod is None or PrivateKeyJwt (OIDCClientSecret)", failure.Failures);
        Assert.Contains("AuthOpenIdc:RelyingParty:Issuer must be https while RequireHttpsMetadata is true (OIDCProviderIssuer)", failure.Failures);
        Assert.Contains("AuthOpenIdc:RelyingParty:RedirectUri must be a path starting with / or an absolute http(s) URL (OIDCRedirectURI)", failure.Failures);
    }

    [Fact]
    public async Task Every_setting_binds_from_configuration_keys_as_environment_variables_give_them()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["AuthOpenIdc:RelyingParty:Issuer"] = _op.Provider.IssuerString,
            ["AuthOpenIdc:RelyingParty:ClientId"] = NodeOpClients.PostClientId,
            ["AuthOpenIdc:RelyingParty:ClientSecret"] = NodeOpClients.PostClientSecret,
            ["AuthOpenIdc:RelyingParty:TokenEndpointAuthMethod"] = "ClientSecretPost",
            ["AuthOpenIdc:RelyingParty:ResponseMode"] = "FormPost",
            ["AuthOpenIdc:RelyingParty:RequireHttpsMetadata"] = "false",
            ["AuthOpenIdc:RelyingParty:Scope"] = "openid email",
            ["AuthOpenIdc:RelyingParty:IdTokenSigningAlgorithms:0"] = "RS256",
            ["AuthOpenIdc:RelyingParty:AuthorizationParameters:ui_locales"] = "fr",
            ["AuthOpenIdc:RelyingParty:Session:InactivityTimeout"] = "00:10:00",
            ["AuthOpenIdc:RelyingParty:Session:CookieName"] = "my_session",
            ["AuthOpenIdc:RelyingParty:State:MaxCookies"] = "3",
            ["AuthOpenIdc:RelyingParty:RemoteUser:Claim"] = "email",
        });
        await app.StartAsync();
        var options = app.Services.GetRequiredService<IOptionsMonitor<OidcRelyingPartyOptions>>().Get(OidcRelyingPartyDefaults.AuthenticationScheme);
        Assert.Equal(TokenEndpointAuthMethod.ClientSecretPost, options.TokenEndpointAuthMethod);
        Assert.Equal(AuthorizationResponseMode.FormPost, options.ResponseMode);
        Assert.Equal(["RS256"], options.IdTokenSigningAlgorithms);
        Assert.Equal("fr", options.AuthorizationParameters["ui_locales"]);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Session.InactivityTimeout);
        Assert.Equal(3, options.State.MaxCookies);

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var cookies = new CookieContainer();
        using var browser = Infrastructure.Rp.RpApp.NewBrowser(cookies);
        using var login = await OidcLoginDriver.LoginAsync(browser, new Uri(address, "/protected"), "heidi");
        Assert.True(login.StatusCode == HttpStatusCode.OK, login.ToString());
        Assert.Equal("hello heidi@example.com", login.Body);
        Assert.NotNull(cookies.GetCookies(address)["my_session"]);
        await app.StopAsync();
    }
}
