using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.ResourceServer;

/// <summary>
/// A small, scriptable OAuth authorization server on a loopback port: metadata, a JWKS with RSA keys it can rotate,
/// an introspection endpoint whose answers the test scripts per token (and that counts its calls), and helpers that
/// mint access tokens, well-formed or hostile.
/// </summary>
internal sealed class TestAuthorizationServer : IAsyncDisposable
{
    public const string Audience = "urn:test:api";
    public const string ClientId = "rs";
    public const string ClientSecret = "rs-secret-0123456789";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _introspection = new(StringComparer.Ordinal);
    private readonly List<RsaSecurityKey> _published = [];
    private readonly Lock _lock = new();
    private int _introspectionCalls;
    private int _jwksCalls;

    private TestAuthorizationServer(WebApplication app)
    {
        _app = app;
        SigningKey = NewKey("k1");
        _published.Add(SigningKey);
    }

    public string Issuer { get; private set; } = "";

    public string IntrospectionEndpoint => Issuer + "/introspect";

    public string JwksUri => Issuer + "/jwks";

    public RsaSecurityKey SigningKey { get; private set; }

    public int IntrospectionCalls => Volatile.Read(ref _introspectionCalls);

    public int JwksCalls => Volatile.Read(ref _jwksCalls);

    /// <summary>Delay of each introspection answer (to make concurrent requests overlap).</summary>
    public TimeSpan IntrospectionDelay { get; set; }

    /// <summary>When set, introspection answers this status with no body.</summary>
    public int? IntrospectionFailureStatus { get; set; }

    /// <summary>The Basic credentials of the last introspection call.</summary>
    public string? LastIntrospectionAuthorization { get; private set; }

    /// <summary>The HTTP method of the last introspection call.</summary>
    public string? LastIntrospectionMethod { get; private set; }

    /// <summary>The Accept header of the last introspection call.</summary>
    public string? LastIntrospectionAccept { get; private set; }

    /// <summary>The form (POST) or query (GET) parameters of the last introspection call.</summary>
    public IReadOnlyDictionary<string, string> LastIntrospectionParameters { get; private set; } = new Dictionary<string, string>();

    /// <summary>When set, introspection answers <c>application/token-introspection+jwt</c> with what this makes of the JSON answer.</summary>
    public Func<JsonObject, string>? SignedIntrospection { get; set; }

    /// <summary>
    /// An RFC 9701 response for <paramref name="response"/>: <c>iss</c>, <c>aud</c> (default our client id), <c>iat</c> and
    /// <c>token_introspection</c> (default the response), each replaceable or removable (null) to make it hostile;
    /// <paramref name="tweak"/> edits the payload last.
    /// </summary>
    public string SignIntrospection(JsonObject response, string? audience = ClientId, string? issuer = null, bool iat = true,
        JsonNode? claim = null, string typ = "token-introspection+jwt", SecurityKey? key = null, Action<JsonObject>? tweak = null)
    {
        var payload = new JsonObject
        {
            ["iss"] = issuer ?? Issuer,
            ["token_introspection"] = claim ?? JsonNode.Parse(response.ToJsonString()),
        };
        if (audience is not null)
        {
            payload["aud"] = audience;
        }
        if (iat)
        {
            payload["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }
        tweak?.Invoke(payload);
        return Sign(payload, key, typ: typ);
    }

    public static async Task<TestAuthorizationServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TestAuthorizationServer(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = server.Issuer,
            ["jwks_uri"] = server.JwksUri,
            ["introspection_endpoint"] = server.IntrospectionEndpoint,
            ["token_endpoint"] = server.Issuer + "/token",
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref server._jwksCalls);
            var keys = new JsonArray();
            lock (server._lock)
            {
                foreach (var key in server._published)
                {
                    var parameters = key.Rsa.ExportParameters(false);
                    keys.Add(new JsonObject
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    });
                }
            }
            return Results.Content(new JsonObject { ["keys"] = keys }.ToJsonString(), "application/json");
        });
        app.MapMethods("/introspect", [HttpMethods.Post, HttpMethods.Get], async (HttpContext http) =>
        {
            Interlocked.Increment(ref server._introspectionCalls);
            server.LastIntrospectionAuthorization = http.Request.Headers.Authorization;
            server.LastIntrospectionMethod = http.Request.Method;
            server.LastIntrospectionAccept = http.Request.Headers.Accept;
            if (server.IntrospectionDelay > TimeSpan.Zero)
            {
                await Task.Delay(server.IntrospectionDelay);
            }
            if (server.IntrospectionFailureStatus is { } status)
            {
                return Results.StatusCode(status);
            }
            IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> parameters = HttpMethods.IsGet(http.Request.Method)
                ? http.Request.Query
                : await http.Request.ReadFormAsync();
            server.LastIntrospectionParameters = parameters.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
            var token = server.LastIntrospectionParameters.GetValueOrDefault("token") ?? "";
            var answer = server._introspection.TryGetValue(token, out var scripted) ? scripted : new JsonObject { ["active"] = false };
            if (server.SignedIntrospection is { } sign)
            {
                return Results.Content(sign(answer), "application/token-introspection+jwt");
            }
            return Results.Content(answer.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        server.Issuer = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    /// <summary>Resource-server options that introspect at this server as <see cref="ClientId"/> (http, short timeout).</summary>
    public void ConfigureIntrospection(OAuthResourceServerOptions options)
    {
        options.Validation = AccessTokenValidation.Introspection;
        options.Issuer = Issuer;
        options.Audiences.Add(Audience);
        options.ClientId = ClientId;
        options.ClientSecret = ClientSecret;
        options.RequireHttpsMetadata = false;
        options.BackchannelTimeout = TimeSpan.FromSeconds(3);
    }

    /// <summary>Scripts the introspection answer for <paramref name="token"/>.</summary>
    public void SetIntrospection(string token, JsonObject response) => _introspection[token] = response;

    /// <summary>An opaque token with an active introspection answer (<c>exp</c> in <paramref name="lifetime"/>).</summary>
    public string IssueOpaqueToken(TimeSpan lifetime, string scope = "api:read api:write", string? audience = Audience)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        var response = new JsonObject
        {
            ["active"] = true, ["sub"] = "alice", ["scope"] = scope, ["client_id"] = "app", ["iss"] = Issuer,
            ["exp"] = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds(),
        };
        if (audience is not null)
        {
            response["aud"] = audience;
        }
        SetIntrospection(token, response);
        return token;
    }

    /// <summary>Adds and publishes a new signing key (it signs from now on).</summary>
    public RsaSecurityKey Rotate(string kid, bool publish = true)
    {
        var key = NewKey(kid);
        lock (_lock)
        {
            if (publish)
            {
                _published.Add(key);
            }
            SigningKey = key;
        }
        return key;
    }

    public void Publish(RsaSecurityKey key)
    {
        lock (_lock)
        {
            _published.Add(key);
        }
    }

    /// <summary>The default payload of a valid access token; mutate before signing.</summary>
    public JsonObject Claims(TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = "alice", ["aud"] = Audience, ["scope"] = "api:read api:write", ["client_id"] = "app",
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = now.Add(lifetime ?? TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>Signs <paramref name="claims"/> (default <see cref="Claims"/>) RS256 with <paramref name="key"/> (default the current key).</summary>
    public string Sign(JsonObject? claims = null, SecurityKey? key = null, string algorithm = SecurityAlgorithms.RsaSha256, string typ = "at+jwt")
    {
        var credentials = new SigningCredentials(key ?? SigningKey, algorithm);
        return new JsonWebTokenHandler().CreateToken((claims ?? Claims()).ToJsonString(), credentials, new Dictionary<string, object> { ["typ"] = typ });
    }

    /// <summary>An unsigned token (<c>alg: none</c>).</summary>
    public string Unsigned(JsonObject? claims = null)
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        return header + "." + Base64UrlEncoder.Encode((claims ?? Claims()).ToJsonString()) + ".";
    }

    /// <summary>HS256 signed with the published RSA public key's bytes as the secret (the key-confusion attack).</summary>
    public string KeyConfusion(JsonObject? claims = null)
    {
        var parameters = SigningKey.Rsa.ExportParameters(false);
        var jwk = $"{{\"e\":\"{Base64UrlEncoder.Encode(parameters.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64UrlEncoder.Encode(parameters.Modulus)}\"}}";
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwk + SigningKey.Rsa.ExportSubjectPublicKeyInfoPem())) { KeyId = SigningKey.KeyId };
        return Sign(claims, secret, SecurityAlgorithms.HmacSha256);
    }

    private static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal static string Json(JsonElement element) => element.GetRawText();
}
