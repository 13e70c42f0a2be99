using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AuthOpenIdc.IntegrationTests.NodeOp;

/// <summary>
/// Smoke tests of the Node OP (tests/oidc-provider), its fixture and <see cref="OidcLoginDriver"/>, using a tiny
/// hand-written relying party instead of the library.
/// </summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class NodeOidcProviderSmokeTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    private readonly NodeOidcProviderFixture _fixture;
    private readonly ITestOutputHelper _output;

    public NodeOidcProviderSmokeTests(NodeOidcProviderFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private NodeOidcProvider Op => _fixture.Provider;

    [Fact]
    public async Task Discovery_document_describes_the_issuer()
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(Op.DiscoveryEndpoint));
        var root = document.RootElement;

        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", Op.IssuerString);
        Assert.Equal(Op.IssuerString, root.GetProperty("issuer").GetString());
        Assert.True(root.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Contains("S256", Strings(root.GetProperty("code_challenge_methods_supported")));
        Assert.Equal(Op.AuthorizationEndpoint.ToString(), root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(Op.TokenEndpoint.ToString(), root.GetProperty("token_endpoint").GetString());
        Assert.Equal(Op.UserInfoEndpoint.ToString(), root.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal(Op.EndSessionEndpoint.ToString(), root.GetProperty("end_session_endpoint").GetString());
        Assert.Equal(Op.JwksUri.ToString(), root.GetProperty("jwks_uri").GetString());
        Assert.Equal(Op.IntrospectionEndpoint.ToString(), root.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(Op.RevocationEndpoint.ToString(), root.GetProperty("revocation_endpoint").GetString());
        Assert.True(root.GetProperty("backchannel_logout_supported").GetBoolean());
        var scopes = Strings(root.GetProperty("scopes_supported"));
        Assert.Subset(scopes.ToHashSet(), new HashSet<string> { "openid", "profile", "email", "roles", "offline_access" });
        Assert.Subset(Strings(root.GetProperty("id_token_signing_alg_values_supported")).ToHashSet(), new HashSet<string> { "RS256", "ES256" });
    }

    [Fact]
    public async Task Jwks_publishes_the_rs256_and_es256_public_keys()
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(Op.JwksUri));
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().ToDictionary(k => k.GetProperty("kid").GetString()!);

        Assert.Equal(2, keys.Count);
        var rsa = keys[NodeOpClients.Rs256KeyId];
        Assert.Equal("RSA", rsa.GetProperty("kty").GetString());
        Assert.Equal("RS256", rsa.GetProperty("alg").GetString());
        Assert.Equal("sig", rsa.GetProperty("use").GetString());
        var ec = keys[NodeOpClients.Es256KeyId];
        Assert.Equal("EC", ec.GetProperty("kty").GetString());
        Assert.Equal("P-256", ec.GetProperty("crv").GetString());
        Assert.Equal("ES256", ec.GetProperty("alg").GetString());
        Assert.All(keys.Values, k => Assert.False(k.TryGetProperty("d", out _), "a private key part was published"));
    }

    [Fact]
    public async Task Code_flow_with_pkce_logs_in_and_userinfo_returns_the_account_claims()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var rp = await FakeRelyingParty.StartAsync(Op);
        using var browser = new Browser();

        using var result = await OidcLoginDriver.LoginAsync(browser.Client, rp.Url("/login"), "alice", cts.Token);

        Assert.True(result.StatusCode == HttpStatusCode.OK, $"{result.Body}{Environment.NewLine}{result}");
        Assert.Equal(rp.Url(NodeOpClients.RedirectPath).GetLeftPart(UriPartial.Path), result.FinalUrl.GetLeftPart(UriPartial.Path));
        Assert.Contains(result.VisitedUrls, u => u.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal));
        Assert.Equal(1, rp.CompletedLogins);

        using var userInfo = JsonDocument.Parse(result.Body);
        var claims = userInfo.RootElement;
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal("alice@example.com", claims.GetProperty("email").GetString());
        Assert.True(claims.GetProperty("email_verified").GetBoolean());
        Assert.Equal("Alice Example", claims.GetProperty("name").GetString());
        Assert.Equal("Alice", claims.GetProperty("given_name").GetString());
        Assert.Equal("Example", claims.GetProperty("family_name").GetString());
        Assert.Equal("alice", claims.GetProperty("preferred_username").GetString());
        Assert.Equal("en", claims.GetProperty("locale").GetString());
        Assert.Equal(["user"], Strings(claims.GetProperty("roles")));
        Assert.Equal(["staff", "engineering"], Strings(claims.GetProperty("groups")));
        Assert.Equal(["user"], Strings(claims.GetProperty("realm_access").GetProperty("roles")));
    }

    [Fact]
    public async Task Form_post_login_silent_sso_and_rp_initiated_logout_work_through_the_driver()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var rp = await FakeRelyingParty.StartAsync(Op);
        using var browser = new Browser();

        // 1. form_post: the OP answers with an auto-submitting form that the driver posts to the RP.
        using (var login = await OidcLoginDriver.LoginAsync(browser.Client, rp.Url("/login?response_mode=form_post"), "admin.bob", cts.Token))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, $"{login.Body}{Environment.NewLine}{login}");
            Assert.Contains(login.Trace, t => t.Contains("auto-submit", StringComparison.Ordinal) && t.Contains("code", StringComparison.Ordinal));
            using var claims = JsonDocument.Parse(login.Body);
            Assert.Equal("admin.bob", claims.RootElement.GetProperty("sub").GetString());
            Assert.Equal(["user", "admin"], Strings(claims.RootElement.GetProperty("realm_access").GetProperty("roles")));
        }

        // 2. Same cookie jar: the OP session and grant exist, so no login or consent page is shown.
        using (var silent = await OidcLoginDriver.LoginAsync(browser.Client, rp.Url("/login?prompt=none"), "unused", cts.Token))
        {
            Assert.True(silent.StatusCode == HttpStatusCode.OK, $"{silent.Body}{Environment.NewLine}{silent}");
            Assert.DoesNotContain(silent.VisitedUrls, u => u.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal));
            using var claims = JsonDocument.Parse(silent.Body);
            Assert.Equal("admin.bob", claims.RootElement.GetProperty("sub").GetString());
        }

        // 3. RP-initiated logout: the driver confirms the OP's logout page and lands on the post-logout redirect URI.
        var endSession = QueryHelpers.AddQueryString(Op.EndSessionEndpoint.ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = NodeOpClients.TestClientId,
            ["post_logout_redirect_uri"] = rp.Url(NodeOpClients.PostLogoutRedirectPath).ToString(),
            ["state"] = "logout-state-1",
        });
        using var logoutRequest = new HttpRequestMessage(HttpMethod.Get, endSession);
        logoutRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using (var signedOut = await OidcLoginDriver.FollowAsync(browser.Client, logoutRequest, cts.Token))
        {
            var body = await signedOut.Content.ReadAsStringAsync(cts.Token);
            Assert.True(signedOut.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("signed out; state=logout-state-1", body);
        }

        // 4. The OP session is gone: prompt=none now fails with login_required.
        using var after = await OidcLoginDriver.LoginAsync(browser.Client, rp.Url("/login?prompt=none"), "unused", cts.Token);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
        Assert.Contains("error=login_required", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Back_channel_logout_reaches_a_loopback_rp_registered_through_extra_clients()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        const string ClientId = "bcl-client";
        const string ClientSecret = "bcl-client-secret-0123456789abcdef";

        // The RP must listen first: back-channel logout URIs are matched exactly, port included.
        await using var rp = await FakeRelyingParty.StartAsync(ClientId, ClientSecret);
        var extraClients = JsonSerializer.Serialize(new[]
        {
            new Dictionary<string, object>
            {
                ["client_id"] = ClientId,
                ["client_secret"] = ClientSecret,
                ["application_type"] = "native",
                ["redirect_uris"] = new[] { "http://127.0.0.1" + NodeOpClients.RedirectPath },
                ["post_logout_redirect_uris"] = new[] { "http://127.0.0.1" + NodeOpClients.PostLogoutRedirectPath },
                ["grant_types"] = new[] { "authorization_code", "refresh_token" },
                ["backchannel_logout_uri"] = rp.Url(FakeRelyingParty.BackchannelLogoutPath).ToString(),
                ["backchannel_logout_session_required"] = true,
            },
        });
        await using var op = await NodeOidcProvider.StartAsync(
            new Dictionary<string, string> { [NodeOidcProvider.ExtraClientsVariable] = extraClients },
            cts.Token);
        _output.WriteLine($"OP {op.IssuerString} started in {op.StartupDuration.TotalMilliseconds:F0} ms");
        rp.Attach(op);
        using var browser = new Browser();

        using (var login = await OidcLoginDriver.LoginAsync(browser.Client, rp.Url("/login"), "carol", cts.Token))
        {
            Assert.True(login.StatusCode == HttpStatusCode.OK, $"{login.Body}{Environment.NewLine}{login}");
        }

        var endSession = QueryHelpers.AddQueryString(op.EndSessionEndpoint.ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["post_logout_redirect_uri"] = rp.Url(NodeOpClients.PostLogoutRedirectPath).ToString(),
            ["state"] = "s2",
        });
        using var logoutRequest = new HttpRequestMessage(HttpMethod.Get, endSession);
        using (var signedOut = await OidcLoginDriver.FollowAsync(browser.Client, logoutRequest, cts.Token))
        {
            Assert.Equal("signed out; state=s2", await signedOut.Content.ReadAsStringAsync(cts.Token));
        }

        // The OP awaits the back-channel POST before redirecting, so it has arrived by now.
        var logoutToken = Assert.Single(rp.LogoutTokens);
        using var payload = JsonDocument.Parse(FakeRelyingParty.Base64UrlDecode(logoutToken.Split('.')[1]));
        var claims = payload.RootElement;
        Assert.Equal(op.IssuerString, claims.GetProperty("iss").GetString());
        Assert.Equal(ClientId, claims.GetProperty("aud").GetString());
        Assert.Equal("carol", claims.GetProperty("sub").GetString());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("sid").GetString()));
        Assert.True(claims.GetProperty("events").TryGetProperty("http://schemas.openid.net/event/backchannel-logout", out _));
    }

    [Fact]
    public async Task Extra_clients_are_validated_at_startup()
    {
        var environment = new Dictionary<string, string>
        {
            [NodeOidcProvider.ExtraClientsVariable] = """[{"client_id":"broken-client","redirect_uris":["http://127.0.0.1/cb"]}]""",
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeOidcProvider.StartAsync(environment));

        Assert.Contains("exited with code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("client 'broken-client' is invalid: client_secret is mandatory property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_stops_the_process_by_closing_stdin()
    {
        var op = await NodeOidcProvider.StartAsync();
        var processId = op.ProcessId;
        Assert.False(op.HasExited);
        using (var http = new HttpClient())
        {
            using var response = await http.GetAsync(op.DiscoveryEndpoint);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        _output.WriteLine($"OP {op.IssuerString} started in {op.StartupDuration.TotalMilliseconds:F0} ms");
        var stopwatch = Stopwatch.StartNew();
        await op.DisposeAsync();
        stopwatch.Stop();

        Assert.True(op.HasExited);
        _output.WriteLine($"stopped in {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"dispose took {stopwatch.Elapsed} (stdin close did not stop it)");
        Assert.False(IsRunning(processId), $"process {processId} still runs");
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A cookie-keeping, non-redirecting HttpClient, like a browser driven by <see cref="OidcLoginDriver"/>.</summary>
    private sealed class Browser : IDisposable
    {
        public Browser()
        {
            Client = new HttpClient(new HttpClientHandler
            {
                AllowAutoRedirect = false,
                CookieContainer = new CookieContainer(),
                UseCookies = true,
            })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
        }

        public HttpClient Client { get; }

        public void Dispose() => Client.Dispose();
    }

    /// <summary>
    /// A minimal hand-written relying party on 127.0.0.1:&lt;random&gt;: <c>/login</c> redirects to the OP (code + PKCE
    /// S256, state, nonce; <c>?response_mode=</c> and <c>?prompt=</c> are passed on); <c>/oidc/callback</c> (GET or
    /// form POST) checks state and iss, redeems the code with client_secret_basic, checks the id_token's nonce, calls
    /// userinfo and returns its JSON; <c>/signed-out</c> echoes the state; <c>/backchannel-logout</c> records logout tokens.
    /// </summary>
    private sealed class FakeRelyingParty : IAsyncDisposable
    {
        public const string BackchannelLogoutPath = "/backchannel-logout";

        private readonly WebApplication _app;
        private readonly string _clientId;
        private readonly string _clientSecret;
        private readonly HttpClient _backchannel = new() { Timeout = TimeSpan.FromSeconds(30) };
        private readonly ConcurrentDictionary<string, (string Nonce, string Verifier)> _pending = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _logoutTokens = new();
        private NodeOidcProvider? _op;
        private int _completedLogins;

        private FakeRelyingParty(WebApplication app, string clientId, string clientSecret)
        {
            _app = app;
            _clientId = clientId;
            _clientSecret = clientSecret;
        }

        public Uri BaseUri { get; private set; } = null!;

        public int CompletedLogins => Volatile.Read(ref _completedLogins);

        public IReadOnlyCollection<string> LogoutTokens => _logoutTokens;

        private NodeOidcProvider Provider => _op ?? throw new InvalidOperationException("No OP attached.");

        private Uri RedirectUri => Url(NodeOpClients.RedirectPath);

        public static async Task<FakeRelyingParty> StartAsync(NodeOidcProvider op)
        {
            var rp = await StartAsync(NodeOpClients.TestClientId, NodeOpClients.TestClientSecret);
            rp.Attach(op);
            return rp;
        }

        public static async Task<FakeRelyingParty> StartAsync(string clientId, string clientSecret)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Urls.Add("http://127.0.0.1:0");
            var rp = new FakeRelyingParty(app, clientId, clientSecret);
            app.Run(rp.HandleAsync);
            await app.StartAsync();
            rp.BaseUri = new Uri(app.Urls.Single());
            Assert.NotEqual(0, rp.BaseUri.Port);
            return rp;
        }

        public void Attach(NodeOidcProvider op) => _op = op;

        public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

        public async ValueTask DisposeAsync()
        {
            _backchannel.Dispose();
            await _app.DisposeAsync();
        }

        private Task HandleAsync(HttpContext context) => context.Request.Path.Value switch
        {
            "/login" => LoginAsync(context),
            NodeOpClients.RedirectPath => CallbackAsync(context),
            BackchannelLogoutPath => BackchannelLogoutAsync(context),
            NodeOpClients.PostLogoutRedirectPath => TextAsync(context, StatusCodes.Status200OK, $"signed out; state={context.Request.Query["state"]}"),
            _ => TextAsync(context, StatusCodes.Status404NotFound, "not found"),
        };

        private async Task BackchannelLogoutAsync(HttpContext context)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            _logoutTokens.Enqueue(form["logout_token"].ToString());
            context.Response.StatusCode = StatusCodes.Status200OK;
        }

        private Task LoginAsync(HttpContext context)
        {
            var state = RandomValue();
            var nonce = RandomValue();
            var verifier = RandomValue();
            _pending[state] = (nonce, verifier);
            var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

            var parameters = new Dictionary<string, string?>
            {
                ["client_id"] = _clientId,
                ["response_type"] = "code",
                ["redirect_uri"] = RedirectUri.ToString(),
                ["scope"] = "openid profile email roles",
                ["state"] = state,
                ["nonce"] = nonce,
                ["code_challenge"] = challenge,
                ["code_challenge_method"] = "S256",
            };
            foreach (var passThrough in new[] { "response_mode", "prompt" })
            {
                if (context.Request.Query.TryGetValue(passThrough, out var value))
                {
                    parameters[passThrough] = value.ToString();
                }
            }

            context.Response.Redirect(QueryHelpers.AddQueryString(Provider.AuthorizationEndpoint.ToString(), parameters));
            return Task.CompletedTask;
        }

        private async Task CallbackAsync(HttpContext context)
        {
            var parameters = HttpMethods.IsPost(context.Request.Method)
                ? (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal)
                : context.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);

            if (parameters.GetValueOrDefault("iss") != Provider.IssuerString)
            {
                await TextAsync(context, StatusCodes.Status400BadRequest, $"wrong iss '{parameters.GetValueOrDefault("iss")}'");
                return;
            }

            if (!_pending.TryRemove(parameters.GetValueOrDefault("state") ?? string.Empty, out var pending))
            {
                await TextAsync(context, StatusCodes.Status400BadRequest, "unknown state");
                return;
            }

            if (parameters.TryGetValue("error", out var error))
            {
                await TextAsync(context, StatusCodes.Status400BadRequest, $"error={error}");
                return;
            }

            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, Provider.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = parameters.GetValueOrDefault("code") ?? string.Empty,
                    ["redirect_uri"] = RedirectUri.ToString(),
                    ["code_verifier"] = pending.Verifier,
                }),
            };
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic",
                Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_clientId}:{_clientSecret}")));
            using var tokenResponse = await _backchannel.SendAsync(tokenRequest, context.RequestAborted);
            var tokenJson = await tokenResponse.Content.ReadAsStringAsync(context.RequestAborted);
            if (!tokenResponse.IsSuccessStatusCode)
            {
                await TextAsync(context, StatusCodes.Status502BadGateway, $"token endpoint: {(int)tokenResponse.StatusCode} {tokenJson}");
                return;
            }

            using var tokens = JsonDocument.Parse(tokenJson);
            var accessToken = tokens.RootElement.GetProperty("access_token").GetString();
            var idToken = tokens.RootElement.GetProperty("id_token").GetString()!;
            using (var idTokenPayload = JsonDocument.Parse(Base64UrlDecode(idToken.Split('.')[1])))
            {
                var payload = idTokenPayload.RootElement;
                var problem =
                    payload.GetProperty("nonce").GetString() != pending.Nonce ? "nonce"
                    : payload.GetProperty("iss").GetString() != Provider.IssuerString ? "iss"
                    : payload.GetProperty("aud").GetString() != _clientId ? "aud"
                    : null;
                if (problem is not null)
                {
                    await TextAsync(context, StatusCodes.Status400BadRequest, $"id_token {problem} mismatch: {payload}");
                    return;
                }
            }

            using var userInfoRequest = new HttpRequestMessage(HttpMethod.Get, Provider.UserInfoEndpoint);
            userInfoRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var userInfoResponse = await _backchannel.SendAsync(userInfoRequest, context.RequestAborted);
            var userInfoJson = await userInfoResponse.Content.ReadAsStringAsync(context.RequestAborted);
            if (!userInfoResponse.IsSuccessStatusCode)
            {
                await TextAsync(context, StatusCodes.Status502BadGateway, $"userinfo endpoint: {(int)userInfoResponse.StatusCode} {userInfoJson}");
                return;
            }

            Interlocked.Increment(ref _completedLogins);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(userInfoJson, context.RequestAborted);
        }

        private static Task TextAsync(HttpContext context, int status, string text)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(text, context.RequestAborted);
        }

        private static string RandomValue() => Base64Url(RandomNumberGenerator.GetBytes(32));

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static byte[] Base64UrlDecode(string value)
        {
            var base64 = value.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
    }
}
