using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>
/// A scriptable, deliberately hostile OpenID Provider on a real loopback port. Every login succeeds at once
/// (there is no login UI); <see cref="Behavior"/> decides which attack, if any, the OP mounts.
/// </summary>
public sealed class ScriptableOp : IAsyncDisposable
{
    public const string DefaultClientId = "rp";
    public const string DefaultClientSecret = "rp-secret-0123456789abcdef0123456789ab";

    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string AuthorizePath = "/authorize";
    public const string TokenPath = "/token";
    public const string UserInfoPath = "/userinfo";
    public const string JwksPath = "/jwks";
    public const string EndSessionPath = "/end_session";

    /// <summary>The RSA kid published from the start.</summary>
    public const string InitialSigningKeyId = TestOpKeyStore.InitialRsaKeyId;

    /// <summary>The kid of the RSA key used for PS256.</summary>
    public const string PssSigningKeyId = TestOpKeyStore.PssKeyId;

    /// <summary>The kid of the P-256 key used for ES256.</summary>
    public const string EcSigningKeyId = TestOpKeyStore.EcKeyId;

    /// <summary>The kid of <see cref="IdTokenAttack.UnknownKid"/> tokens; never in any JWKS response.</summary>
    public const string NeverPublishedKeyId = TestOpKeyStore.NeverPublishedKeyId;

    private readonly WebApplication _app;
    private readonly TestOpContext _op;
    private int _stopped;

    private ScriptableOp(WebApplication app, TestOpContext op)
    {
        _app = app;
        _op = op;
        Issuer = new Uri(op.IssuerIdentifier, UriKind.Absolute);
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:54321</c>. Its <see cref="Uri.OriginalString"/> has no trailing slash.</summary>
    public Uri Issuer { get; }

    /// <summary>The exact issuer string that appears in discovery, <c>iss</c> claims and the <c>iss</c> response parameter.</summary>
    public string IssuerIdentifier => _op.IssuerIdentifier;

    public Uri DiscoveryEndpoint => Endpoint(DiscoveryPath);
    public Uri AuthorizationEndpoint => Endpoint(AuthorizePath);
    public Uri TokenEndpoint => Endpoint(TokenPath);
    public Uri UserInfoEndpoint => Endpoint(UserInfoPath);
    public Uri JwksEndpoint => Endpoint(JwksPath);
    public Uri EndSessionEndpoint => Endpoint(EndSessionPath);

    /// <summary>What the OP does; mutate before the request that should observe it.</summary>
    public ScriptableOpBehavior Behavior => _op.Behavior;

    public int JwksRequests => _op.State.JwksRequests;
    public int DiscoveryRequests => _op.State.DiscoveryRequests;
    public int AuthorizationRequests => _op.State.AuthorizationRequests;
    public int TokenRequests => _op.State.TokenRequests;
    public int RefreshGrants => _op.State.RefreshGrants;
    public int UserInfoRequests => _op.State.UserInfoRequests;
    public int EndSessionRequests => _op.State.EndSessionRequests;

    /// <summary>The query (or form) of the last <c>/authorize</c> request; repeated parameters are comma-joined.</summary>
    public IReadOnlyDictionary<string, string>? LastAuthorizationRequest => _op.State.LastAuthorizationRequest;

    public RecordedTokenRequest? LastTokenRequest => _op.State.LastTokenRequest;

    public IReadOnlyDictionary<string, string>? LastEndSessionRequest => _op.State.LastEndSessionRequest;

    public string? LastUserInfoAuthorizationHeader => _op.State.LastUserInfoAuthorizationHeader;

    /// <summary>The id_token of the last successful token response (what <see cref="ScriptableOpBehavior.ReplayPreviousIdToken"/> replays).</summary>
    public string? LastIssuedIdToken => _op.State.LastIssuedIdToken;

    /// <summary>
    /// The <c>sid</c> claim of <see cref="LastIssuedIdToken"/> (the OP session the RP's session belongs to), or null
    /// when no ID token was issued yet or it has no <c>sid</c>.
    /// </summary>
    public string? LastIssuedSid =>
        _op.State.LastIssuedIdToken is { } idToken
        && new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(idToken).TryGetPayloadValue<string>("sid", out var sid) ? sid : null;

    /// <summary>The last exception an endpoint turned into a 500, for diagnosing a broken behaviour combination.</summary>
    public string? LastEndpointError => _op.State.LastEndpointError;

    /// <summary>The kid that currently signs RS256 tokens.</summary>
    public string CurrentSigningKeyId => _op.Keys.CurrentRsaKey.KeyId;

    public static async Task<ScriptableOp> StartAsync()
    {
        var op = new TestOpContext();
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(ScriptableOp).Assembly.GetName().Name,
                EnvironmentName = Environments.Production,
                Args = [],
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Error);
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

            var app = builder.Build();
            app.Urls.Clear();
            app.Urls.Add("http://127.0.0.1:0");
            app.Use((http, next) => NeverThrowAsync(http, next, op));
            MapEndpoints(app, op);

            await app.StartAsync();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
                ?? throw new InvalidOperationException("Kestrel did not report its addresses.");
            op.IssuerIdentifier = addresses.Addresses.First().TrimEnd('/');
            return new ScriptableOp(app, op);
        }
        catch
        {
            op.Dispose();
            throw;
        }
    }

    /// <summary>An issuer on a loopback port that was just bound and released, so nothing listens there.</summary>
    public static Uri UnreachableIssuer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri("http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture), UriKind.Absolute);
    }

    /// <summary>Registers (or replaces) a client. A null secret makes it a public client (token_endpoint_auth_method none).</summary>
    public void AddClient(string id, string? secret) => _op.State.AddClient(id, secret);

    /// <summary>
    /// Adds a new RSA key with a new kid and makes it the RS256 signing key. With
    /// <see cref="ScriptableOpBehavior.PublishNewKeyImmediately"/> the next JWKS fetch contains it (an RP with a
    /// cached JWKS sees an unknown kid until it refetches); otherwise the next
    /// <see cref="ScriptableOpBehavior.NewKeyWithheldForJwksFetches"/> fetches still omit it.
    /// </summary>
    /// <param name="retirePreviousKeys">Also remove the earlier RS256 keys from the JWKS.</param>
    /// <returns>The new kid.</returns>
    public string RotateSigningKey(bool retirePreviousKeys = false)
        => _op.Keys.RotateSigningKey(
            Behavior.PublishNewKeyImmediately ? 0 : Math.Max(0, Behavior.NewKeyWithheldForJwksFetches),
            retirePreviousKeys);

    /// <summary>
    /// A back-channel logout token (<c>typ: logout+jwt</c>) as this OP would POST it, signed RS256 with the current
    /// RSA key: <c>iss</c>, <c>aud</c>, <c>iat</c> now, <c>exp</c> now + 120 s, a random <c>jti</c>, <c>sid</c> and
    /// <c>sub</c> when not null, and the back-channel logout <c>events</c> member; then <paramref name="attack"/> is applied.
    /// </summary>
    /// <param name="audience">The <c>aud</c>; default <see cref="DefaultClientId"/>.</param>
    public string CreateLogoutToken(LogoutTokenAttack attack = LogoutTokenAttack.None, string? sid = null, string? sub = "alice", string? audience = null)
        => _op.LogoutTokens.Create(attack, sid, sub, audience ?? DefaultClientId);

    /// <summary>A valid logout token whose header <c>typ</c> is <paramref name="typ"/> (e.g. <c>JWT</c>, which an RP must accept too).</summary>
    internal string CreateLogoutTokenWithType(string typ, string? sid, string? sub = "alice")
        => _op.LogoutTokens.Create(LogoutTokenAttack.None, sid, sub, DefaultClientId, typ);

    /// <summary>Zeroes the counters and forgets the recorded requests (behaviour is untouched).</summary>
    public void ResetRecordings() => _op.State.ResetRecordings();

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _op.SignalStopping();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            _op.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private Uri Endpoint(string path) => new(_op.EndpointUrl(path), UriKind.Absolute);

    private static void MapEndpoints(WebApplication app, TestOpContext op)
    {
        string[] getAndPost = [HttpMethods.Get, HttpMethods.Post];
        app.MapGet(DiscoveryPath, http => TestOpDiscoveryEndpoints.HandleDiscoveryAsync(http, op));
        app.MapGet(JwksPath, http => TestOpDiscoveryEndpoints.HandleJwksAsync(http, op));
        app.MapMethods(AuthorizePath, getAndPost, http => TestOpAuthorizeEndpoint.HandleAsync(http, op));
        app.MapMethods(TokenPath, getAndPost, http => TestOpTokenEndpoint.HandleAsync(http, op));
        app.MapMethods(UserInfoPath, getAndPost, http => TestOpUserInfoEndpoint.HandleAsync(http, op));
        app.MapMethods(EndSessionPath, getAndPost, http => TestOpEndSessionEndpoint.HandleAsync(http, op));
    }

    /// <summary>Turns any endpoint exception into a 500 from the OP instead of a torn connection.</summary>
    private static async Task NeverThrowAsync(HttpContext http, RequestDelegate next, TestOpContext op)
    {
        try
        {
            await next(http);
        }
        catch (Exception ex)
        {
            op.State.LastEndpointError = ex.ToString();
            if (http.Response.HasStarted || http.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            try
            {
                http.Response.Clear();
                await TestOpHttp.WriteRawAsync(http, StatusCodes.Status500InternalServerError, "text/plain", "test OP failure: " + ex.Message);
            }
            catch (Exception)
            {
                // The client is gone; nothing left to tell it.
            }
        }
    }
}
