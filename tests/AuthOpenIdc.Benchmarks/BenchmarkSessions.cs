using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.Benchmarks;

/// <summary>
/// What both entry modes share: the RP registration (static endpoints, no discovery, so no OP is needed), a
/// realistic session, and minting a session cookie the way a finished login does, captured as a Cookie
/// request header.
/// </summary>
internal static class BenchmarkSessions
{
    public const string OidcScheme = OidcRelyingPartyDefaults.AuthenticationScheme;
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Issuer = "https://op.example.com/realms/bench";
    private const string ClientId = "bench-client";

    /// <summary>The RP scheme, configured as a static (discovery-less) provider.</summary>
    public static AuthenticationBuilder AddBenchmarkOidc(this AuthenticationBuilder builder, OidcSessionType type, Action<OidcSessionOptions>? session = null) =>
        builder.AddOidcRelyingParty(o =>
        {
            o.Issuer = Issuer;
            o.DisableDiscovery = true;
            o.AuthorizationEndpoint = Issuer + "/protocol/openid-connect/auth";
            o.TokenEndpoint = Issuer + "/protocol/openid-connect/token";
            o.ClientId = ClientId;
            o.ClientSecret = "bench-secret-bench-secret-bench-secret";
            o.Session.Type = type;
            session?.Invoke(o.Session);
        });

    /// <summary>
    /// A session as a Keycloak-style login leaves it: the ID token's claims merged with userinfo (sub, name,
    /// email, email_verified, two groups, a realm_access object, plus the registered ID-token claims), the
    /// ~1 KB ID token itself, and the login's state and return URL.
    /// </summary>
    public static OidcSession NewSession(TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = "f3c9a1d2-7b4e-4c11-9a0e-5d8f2b6c7e91",
            ["aud"] = ClientId,
            ["exp"] = now + 300,
            ["iat"] = now,
            ["auth_time"] = now,
            ["sid"] = "8d2f5c1a-3e6b-4a9d-b7c0-2f1e4d6a8b3c",
            ["name"] = "Alice Example",
            ["preferred_username"] = "alice",
            ["email"] = "alice@example.com",
            ["email_verified"] = true,
            ["groups"] = new[] { "/staff", "/staff/engineering" },
            ["realm_access"] = new Dictionary<string, string[]> { ["roles"] = ["offline_access", "uma_authorization", "app-user"] },
        };
        var claimsJson = JsonSerializer.SerializeToElement(claims);
        return new OidcSession
        {
            Issuer = Issuer,
            Subject = (string)claims["sub"],
            Sid = (string)claims["sid"],
            RemoteUser = (string)claims["sub"] + "@" + Issuer,
            Claims = claimsJson,
            IdToken = FakeIdToken(claimsJson),
            Scope = "openid profile email",
            CreatedAt = now,
            LastActivityAt = now,
            ExpiresAt = now + (long)TimeSpan.FromHours(8).TotalSeconds,
            State = "q2Vt7yN0cXb1kLw9sRj3eHf6uDm4aPz8gTo5iCnYvKx",
            ReturnUrl = "/",
        };
    }

    /// <summary>
    /// A JWT-shaped ID token (RS256 header, the claims as payload plus nonce and at_hash, a 256-byte signature),
    /// about 1 KB like a real one. Nothing on the authenticated-request path verifies it.
    /// </summary>
    private static string FakeIdToken(JsonElement claims)
    {
        var merged = new Dictionary<string, JsonElement>();
        foreach (var property in claims.EnumerateObject())
        {
            merged[property.Name] = property.Value;
        }
        merged["nonce"] = JsonSerializer.SerializeToElement("Jm0x7cKq2VbN5tYw8rLp3sHd6fGz9aUe1iOj4kMn0Qx");
        merged["at_hash"] = JsonSerializer.SerializeToElement("x2Jd9KfLq0sV7bNc3mTg5w");
        merged["typ"] = JsonSerializer.SerializeToElement("ID");
        merged["azp"] = JsonSerializer.SerializeToElement(ClientId);
        var payload = JsonSerializer.SerializeToUtf8Bytes(merged);
        var header = Encoding.UTF8.GetBytes("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"bench-signing-key-2024-01\"}");
        var signature = new byte[256];
        new Random(42).NextBytes(signature);
        return Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>Stores a new RP session through the scheme's real session manager; returns the Cookie request header that carries it.</summary>
    public static async Task<string> MintOidcCookieAsync(IServiceProvider services, OidcSession session)
    {
        await using var scope = services.CreateAsyncScope();
        var context = NewContext(scope.ServiceProvider, cookieHeader: null);
        var runtime = services.GetRequiredService<IOptionsMonitor<OidcRelyingPartyOptions>>().Get(OidcScheme).Runtime!;
        await runtime.Sessions.CreateAsync(context, session).ConfigureAwait(false);
        return CookieHeaderOf(context.Response);
    }

    /// <summary>
    /// Signs in with Microsoft's cookie authentication a ticket equivalent to the RP's: the same claims (from
    /// the same session, through the same mapping) and the ID token saved as <c>SaveTokens</c> would.
    /// </summary>
    public static async Task<string> MintMicrosoftCookieAsync(IServiceProvider services, OidcSession session)
    {
        await using var scope = services.CreateAsyncScope();
        var context = NewContext(scope.ServiceProvider, cookieHeader: null);
        await context.SignInAsync(CookieScheme, MicrosoftPrincipal(session), MicrosoftProperties(session)).ConfigureAwait(false);
        return CookieHeaderOf(context.Response);
    }

    public static ClaimsPrincipal MicrosoftPrincipal(OidcSession session) =>
        SessionPrincipalFactory.Create(session, CookieScheme, "roles");

    public static AuthenticationProperties MicrosoftProperties(OidcSession session)
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens([new AuthenticationToken { Name = "id_token", Value = session.IdToken! }]);
        return properties;
    }

    /// <summary>The bytes the server keeps for a session: the JSON payload plus the protected cache's version, key id, nonce, tag and expiry (2 + 12 + 16 + 8).</summary>
    public static async Task<int?> StoredBytesAsync(IServiceProvider services, string cookieHeader)
    {
        var context = NewContext(services, cookieHeader);
        var runtime = services.GetRequiredService<IOptionsMonitor<OidcRelyingPartyOptions>>().Get(OidcScheme).Runtime!;
        if (runtime.SessionCookie.ReadId(context.Request) is not { } id)
        {
            return null;
        }
        var cache = services.GetRequiredService<Caching.ProtectedCache>();
        var payload = await cache.GetAsync(Caching.CacheSection.Session, id, CancellationToken.None).ConfigureAwait(false);
        return payload is null ? null : payload.Length + 38;
    }

    public static DefaultHttpContext NewContext(IServiceProvider services, string? cookieHeader)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1");
        if (cookieHeader is not null)
        {
            context.Request.Headers.Cookie = cookieHeader;
        }
        return context;
    }

    /// <summary>The Set-Cookie headers of a response as the Cookie header a browser would send back (deletions dropped).</summary>
    public static string CookieHeaderOf(HttpResponse response)
    {
        var pairs = new List<string>();
        foreach (var header in SetCookieHeaderValue.ParseList(response.Headers.SetCookie.OfType<string>().ToList()))
        {
            if (header.Expires is { } expires && expires < DateTimeOffset.UtcNow)
            {
                continue;
            }
            pairs.Add(header.Name.ToString() + "=" + header.Value.ToString());
        }
        if (pairs.Count == 0)
        {
            throw new InvalidOperationException("Minting the session set no cookie.");
        }
        return string.Join("; ", pairs);
    }
}
