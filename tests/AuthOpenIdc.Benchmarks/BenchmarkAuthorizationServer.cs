using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// The authorization server of the resource-server benchmarks, so that no OP is needed: one RSA signing key, the access
/// tokens it signs, one opaque token that introspects as active, and the endpoints a resource server calls (discovery,
/// JWKS, introspection), which count their calls so a run can show how often the cache missed.
/// </summary>
internal sealed class BenchmarkAuthorizationServer
{
    public const string Audience = "urn:bench:api";
    public const string ClientId = "bench-rs";
    public const string ClientSecret = "bench-rs-secret-0123456789";

    /// <summary>The bearer schemes, named after the <c>serve</c> modes that use them.</summary>
    public const string JwtBearerScheme = "jwtbearer";
    public const string JwtScheme = "rs-jwt";
    public const string JwtNoCacheScheme = "rs-jwt-nocache";
    public const string IntrospectionScheme = "rs-introspection";

    public static readonly string[] Schemes = [JwtBearerScheme, JwtScheme, JwtNoCacheScheme, IntrospectionScheme];

    private int _introspections;
    private int _jwksFetches;

    /// <param name="issuer">The issuer URL; the endpoints must be mapped at its path (see <see cref="MapEndpoints"/>).</param>
    public BenchmarkAuthorizationServer(string issuer)
    {
        Issuer = issuer;
        OpaqueToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
    }

    public string Issuer { get; }

    public RsaSecurityKey SigningKey { get; } = new(RSA.Create(2048)) { KeyId = "bench-rs-key-1" };

    /// <summary>The one token the introspection endpoint answers as active (a random string, as an opaque token is).</summary>
    public string OpaqueToken { get; }

    public int Introspections => Volatile.Read(ref _introspections);

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>The bearer token a request of <paramref name="scheme"/> carries: the opaque token for introspection, else a new JWT.</summary>
    public string TokenFor(string scheme) => scheme == IntrospectionScheme ? OpaqueToken : MintJwt();

    /// <summary>
    /// An RFC 9068 access token as a Keycloak-like server issues it: RS256, <c>typ: at+jwt</c>, an hour of lifetime,
    /// three scopes and a few identity claims (about 800 characters).
    /// </summary>
    public string MintJwt()
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
            Claims = ActiveClaims(),
        });
    }

    /// <summary>What both the JWT and the introspection response say about the token, besides iss, aud and the times.</summary>
    private static Dictionary<string, object> ActiveClaims() => new()
    {
        ["sub"] = "f3c9a1d2-7b4e-4c11-9a0e-5d8f2b6c7e91",
        ["client_id"] = "bench-app",
        ["azp"] = "bench-app",
        ["scope"] = "openid api:read api:write",
        ["jti"] = "7c1d9e0a-52f4-4b8e-a3d6-0e9f1b2c4d5a",
        ["preferred_username"] = "alice",
        ["roles"] = new[] { "app-user", "reader" },
    };

    /// <summary>Discovery, JWKS and introspection, relative to <paramref name="routes"/> (map them at the issuer's path).</summary>
    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/jwks",
            ["introspection_endpoint"] = Issuer + "/introspect",
        }));
        routes.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref _jwksFetches);
            var parameters = SigningKey.Rsa.ExportParameters(false);
            var key = new JsonObject
            {
                ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = SigningKey.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
            return Results.Content(new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString(), "application/json");
        });
        routes.MapPost("/introspect", async (HttpContext http) =>
        {
            Interlocked.Increment(ref _introspections);
            var form = await http.Request.ReadFormAsync().ConfigureAwait(false);
            if (form["token"] != OpaqueToken)
            {
                return Results.Json(new { active = false });
            }
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var answer = new Dictionary<string, object>(ActiveClaims())
            {
                ["active"] = true,
                ["iss"] = Issuer,
                ["aud"] = Audience,
                ["iat"] = now,
                ["exp"] = now + 3600,
                ["token_type"] = "Bearer",
            };
            return Results.Json(answer);
        });
    }

    /// <summary>A server of its own on a free loopback port (for the micro benchmarks: only the introspection warm-up calls it).</summary>
    public static async Task<(WebApplication App, BenchmarkAuthorizationServer Server)> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new BenchmarkAuthorizationServer($"http://127.0.0.1:{port}");
        server.MapEndpoints(app);
        await app.StartAsync().ConfigureAwait(false);
        return (app, server);
    }

    /// <summary>A container as a host builds it (logging, configuration) with <paramref name="schemes"/>, their keys in code.</summary>
    public ServiceProvider BuildServices(params string[] schemes)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()); // the cache options bind from it
        var authentication = services.AddAuthentication();
        foreach (var scheme in schemes)
        {
            AddScheme(authentication, scheme, staticKeys: true);
        }
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Registers <paramref name="scheme"/> (one of <see cref="Schemes"/>) against this server. With
    /// <paramref name="staticKeys"/> the JWT schemes get the signing key in code; otherwise they read it from the JWKS
    /// (JwtBearer through discovery, as <c>Authority</c> makes it; the library through <c>JwksUri</c>), once.
    /// </summary>
    public AuthenticationBuilder AddScheme(AuthenticationBuilder builder, string scheme, bool staticKeys)
    {
        if (scheme == JwtBearerScheme)
        {
            // Microsoft's defaults otherwise (MapInboundClaims, no result cache): the peer as an app would use it.
            return builder.AddJwtBearer(scheme, o =>
            {
                o.Audience = Audience;
                o.RequireHttpsMetadata = false;
                if (staticKeys)
                {
                    o.TokenValidationParameters.ValidIssuer = Issuer;
                    o.TokenValidationParameters.IssuerSigningKey = SigningKey;
                }
                else
                {
                    o.Authority = Issuer;
                }
            });
        }
        if (!Schemes.Contains(scheme))
        {
            throw new ArgumentException($"unknown bearer scheme {scheme}", nameof(scheme));
        }
        return builder.AddOAuthResourceServer(scheme, configuration: null, o =>
        {
            o.Issuer = Issuer;
            o.Audiences.Add(Audience);
            o.RequireHttpsMetadata = false;
            if (scheme == IntrospectionScheme)
            {
                o.Validation = AccessTokenValidation.Introspection;
                o.IntrospectionEndpoint = Issuer + "/introspect";
                o.ClientId = ClientId;
                o.ClientSecret = ClientSecret;
                return;
            }
            if (staticKeys)
            {
                o.SigningKeys.Add(SigningKey);
            }
            else
            {
                o.JwksUri = Issuer + "/jwks";
            }
            if (scheme == JwtNoCacheScheme)
            {
                o.CacheInterval = TimeSpan.FromSeconds(-1); // any negative interval turns the result cache off
            }
        });
    }
}
