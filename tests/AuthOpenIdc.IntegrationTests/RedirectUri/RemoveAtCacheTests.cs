using System.Net;
using System.Net.Http.Headers;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.RelyingParty;
using AuthOpenIdc.IntegrationTests.ResourceServer;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.IntegrationTests.RedirectUri;

/// <summary>
/// <c>&lt;redirect_uri&gt;?remove_at_cache=&lt;token&gt;</c> in a mixed-mode app (RP sessions and two resource-server
/// schemes): an admin session evicts a token's cached validation result in every scheme, so the next request
/// introspects again.
/// </summary>
public sealed class RemoveAtCacheTests : IAsyncLifetime
{
    private const string SecondScheme = "SecondApi";

    private TestAuthorizationServer _as = null!;
    private HostileOpHarness _h = null!;

    public async Task InitializeAsync()
    {
        _as = await TestAuthorizationServer.StartAsync();
        _h = await HostileOpHarness.StartAsync(o => o.AdminPolicy = "admins", services: services =>
        {
            services.AddAuthorization(o => o.AddPolicy("admins", p => p.RequireAuthenticatedUser()));
            services.AddAuthentication()
                .AddOAuthResourceServer(_as.ConfigureIntrospection)
                .AddOAuthResourceServer(SecondScheme, configuration: null, _as.ConfigureIntrospection)
                .AddOidcOrBearer();
            services.Configure<AuthenticationOptions>(o =>
            {
                o.DefaultScheme = OAuthResourceServerDefaults.OidcOrBearerScheme;
                o.DefaultChallengeScheme = OAuthResourceServerDefaults.OidcOrBearerScheme;
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _as.DisposeAsync();
    }

    private async Task<HttpStatusCode> BearerAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _h.Rp.Url("/protected"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var client = new HttpClient();
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private ResourceServerRuntimes Runtimes => _h.Rp.Services.GetRequiredService<ResourceServerRuntimes>();

    [Fact]
    public async Task An_admin_evicts_the_cached_result_in_every_scheme_and_the_next_request_validates_again()
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(token));
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(token));
        Assert.True((await Runtimes.Get(SecondScheme).ValidateAsync(token, CancellationToken.None)).IsValid);
        Assert.Equal(2, _as.IntrospectionCalls);
        using var admin = RpApp.NewBrowser();
        using (var login = await _h.LoginAsync(admin))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using (var removed = await admin.GetAsync(_h.Rp.Url("/oidc/callback?remove_at_cache=" + Uri.EscapeDataString(token))))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(token));
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(token));

        Assert.Equal(3, _as.IntrospectionCalls);
        var runtime = Runtimes.Get(OAuthResourceServerDefaults.AuthenticationScheme);
        Assert.Equal(2, runtime.Validations);
        Assert.Contains(_h.Rp.Logs, l => l.Contains("AdminAccessTokenCacheRemove", StringComparison.Ordinal) && l.Contains("resource-server schemes: 2, evicted in: 2", StringComparison.Ordinal));
        // The library's own lines; ASP.NET Core's request log shows the URL, query and all, as any access log would.
        Assert.DoesNotContain(_h.Rp.Logs, l => l.Split(' ')[1].StartsWith("AuthOpenIdc", StringComparison.Ordinal) && l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_with_nothing_cached_is_404_and_so_is_a_caller_without_a_session_or_the_policy()
    {
        var token = _as.IssueOpaqueToken(TimeSpan.FromMinutes(5));
        using var admin = RpApp.NewBrowser();
        using (var login = await _h.LoginAsync(admin))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using var unknown = await admin.GetAsync(_h.Rp.Url("/oidc/callback?remove_at_cache=" + Uri.EscapeDataString(token)));
        using var empty = await admin.GetAsync(_h.Rp.Url("/oidc/callback?remove_at_cache="));
        using var anonymous = await RpApp.NewBrowser().GetAsync(_h.Rp.Url("/oidc/callback?remove_at_cache=" + Uri.EscapeDataString(token)));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(0, _as.IntrospectionCalls);
    }
}
