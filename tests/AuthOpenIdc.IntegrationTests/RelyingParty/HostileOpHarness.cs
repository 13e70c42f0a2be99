using System.Net;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using AuthOpenIdc.RelyingParty;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.IntegrationTests.RelyingParty;

/// <summary>An RP app wired to the scriptable hostile OP, with a movable clock.</summary>
public sealed class HostileOpHarness : IAsyncDisposable
{
    private HostileOpHarness(ScriptableOp op, RpApp rp, ManualTimeProvider clock)
    {
        Op = op;
        Rp = rp;
        Clock = clock;
    }

    public ScriptableOp Op { get; }
    public RpApp Rp { get; }
    public ManualTimeProvider Clock { get; }

    public static async Task<HostileOpHarness> StartAsync(Action<OidcRelyingPartyOptions>? tweak = null, Action<ScriptableOpBehavior>? behave = null, string? issuer = null,
        Action<Microsoft.AspNetCore.Builder.WebApplication>? endpoints = null, Action<IServiceCollection>? services = null)
    {
        var op = await ScriptableOp.StartAsync();
        behave?.Invoke(op.Behavior);
        var clock = new ManualTimeProvider();
        var rp = await RpApp.StartAsync(o =>
        {
            o.Issuer = issuer ?? op.IssuerIdentifier;
            o.ClientId = ScriptableOp.DefaultClientId;
            o.ClientSecret = ScriptableOp.DefaultClientSecret;
            o.RequireHttpsMetadata = false;
            o.BackchannelTimeout = TimeSpan.FromSeconds(3);
            tweak?.Invoke(o);
        }, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            services?.Invoke(s);
        }, endpoints);
        return new HostileOpHarness(op, rp, clock);
    }

    /// <summary>Runs a whole login from the protected page; returns the final response.</summary>
    public Task<LoginResult> LoginAsync(HttpClient browser, string path = "/protected") =>
        OidcLoginDriver.LoginAsync(browser, Rp.Url(path), "alice");

    /// <summary>The login stopped before the callback: the OP's redirect back to the RP, not yet followed.</summary>
    public async Task<Uri> AuthorizationResponseUrlAsync(HttpClient browser, string path = "/protected")
    {
        using var challenge = await browser.GetAsync(Rp.Url(path));
        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        using var authorize = await browser.GetAsync(challenge.Headers.Location);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        return authorize.Headers.Location!;
    }

    /// <summary>No session came out of it, and the app still serves.</summary>
    public async Task AssertNoSessionAndStillServingAsync(HttpClient browser)
    {
        using var protectedPage = await browser.GetAsync(Rp.Url("/protected"));
        Assert.Equal(HttpStatusCode.Found, protectedPage.StatusCode);
        Assert.StartsWith(Op.AuthorizationEndpoint.ToString(), protectedPage.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var home = await RpApp.NewBrowser().GetAsync(Rp.Url("/"));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        await Rp.DisposeAsync();
        await Op.DisposeAsync();
    }
}
