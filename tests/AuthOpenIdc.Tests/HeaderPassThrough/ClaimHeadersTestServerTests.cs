using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AuthOpenIdc.Tests.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Tests.HeaderPassThrough;

/// <summary>The middleware in a real pipeline after UseAuthentication, with an endpoint echoing the request headers it sees.</summary>
public sealed class ClaimHeadersTestServerTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseOidcClaimHeaders(o =>
        {
            o.AuthenticatedUserHeader = "X-Remote-User";
            o.PassAccessToken = true;
        });
        _app.Run(context => context.Response.WriteAsJsonAsync(
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Anonymous_request_reaches_the_app_without_spoofed_headers()
    {
        var headers = await SendAsync(authenticated: false);

        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("OIDC", StringComparison.OrdinalIgnoreCase));
        Assert.False(headers.ContainsKey("X-Remote-User"));
        Assert.Equal("kept", headers["X-Unrelated"]);
    }

    [Fact]
    public async Task Authenticated_request_reaches_the_app_with_real_identity_headers_only()
    {
        var headers = await SendAsync(authenticated: true);

        Assert.Equal("alice", headers["OIDC_CLAIM_sub"]);
        Assert.Equal("admin,ops", headers["OIDC_CLAIM_roles"]);
        Assert.Equal("alice", headers["X-Remote-User"]);
        Assert.Equal("at-xyz", headers["OIDC_access_token"]);
        Assert.Equal("1893456000", headers["OIDC_access_token_expires"]);
        Assert.False(headers.ContainsKey("OIDC_CLAIM_is_admin"));
        Assert.False(headers.ContainsKey("OIDC-CLAIM-email"));
    }

    private async Task<Dictionary<string, string>> SendAsync(bool authenticated)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("OIDC_CLAIM_sub", "mallory");
        request.Headers.TryAddWithoutValidation("OIDC_CLAIM_is_admin", "true");
        request.Headers.TryAddWithoutValidation("OIDC-CLAIM-email", "mallory@example.com");
        request.Headers.TryAddWithoutValidation("OIDC_access_token", "forged");
        request.Headers.TryAddWithoutValidation("X-Remote-User", "mallory");
        request.Headers.TryAddWithoutValidation("X-Unrelated", "kept");
        if (authenticated)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Test alice");
        }

        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var headers = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        return new Dictionary<string, string>(headers!, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers.Authorization.ToString() != "Test alice")
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var user = TestPrincipals.FromJson("""{ "sub": "alice", "roles": ["admin", "ops"] }""", remoteUser: "alice");
            var properties = new AuthenticationProperties();
            properties.StoreTokens(
            [
                new AuthenticationToken { Name = "access_token", Value = "at-xyz" },
                new AuthenticationToken { Name = "expires_at", Value = "2030-01-01T00:00:00.0000000+00:00" },
            ]);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(user, properties, SchemeName)));
        }
    }
}
