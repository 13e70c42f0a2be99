namespace AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;

/// <summary>
/// The clients registered in <c>tests/oidc-provider/server.mjs</c>. The interactive ones are <c>native</c> clients whose
/// redirect URI <see cref="RedirectPath"/> on <c>http://127.0.0.1</c> matches on any port.
/// </summary>
public static class NodeOpClients
{
    /// <summary>The registered redirect path: use <c>http://127.0.0.1:&lt;any port&gt;/oidc/callback</c>.</summary>
    public const string RedirectPath = "/oidc/callback";

    /// <summary>Registered post-logout redirect paths (on <c>http://127.0.0.1:&lt;any port&gt;</c>): <c>/</c> and this one.</summary>
    public const string PostLogoutRedirectPath = "/signed-out";

    /// <summary>For the demo; client_secret_basic.</summary>
    public const string DemoClientId = "demo-client";

    /// <summary>Secret of <see cref="DemoClientId"/>.</summary>
    public const string DemoClientSecret = "demo-client-secret-0123456789abcdef";

    /// <summary>The default test client; client_secret_basic.</summary>
    public const string TestClientId = "test-client";

    /// <summary>Secret of <see cref="TestClientId"/>.</summary>
    public const string TestClientSecret = "test-client-secret-0123456789abcdef";

    /// <summary>Registered for client_secret_post (oidc-provider 9 accepts basic and post for either).</summary>
    public const string PostClientId = "test-client-post";

    /// <summary>Secret of <see cref="PostClientId"/>.</summary>
    public const string PostClientSecret = "test-client-post-secret-0123456789ab";

    /// <summary>A public client (token_endpoint_auth_method none; PKCE required).</summary>
    public const string PublicClientId = "public-client";

    /// <summary>Gets ES256-signed id tokens (kid es1); client_secret_basic.</summary>
    public const string Es256ClientId = "es256-client";

    /// <summary>Secret of <see cref="Es256ClientId"/>.</summary>
    public const string Es256ClientSecret = "es256-client-secret-0123456789abcdef";

    /// <summary>A resource server: introspection and client_credentials only, no redirect URIs.</summary>
    public const string ResourceServerClientId = "rs-client";

    /// <summary>Secret of <see cref="ResourceServerClientId"/>.</summary>
    public const string ResourceServerClientSecret = "rs-client-secret-0123456789abcdef";

    /// <summary>A resource server whose introspection responses are RFC 9701 ES256 JWTs when it asks for them (jwtIntrospection).</summary>
    public const string SignedIntrospectionClientId = "rs-jwt-client";

    /// <summary>Secret of <see cref="SignedIntrospectionClientId"/>.</summary>
    public const string SignedIntrospectionClientSecret = "rs-jwt-client-secret-0123456789abcdef";

    /// <summary>The resource indicator that yields RS256 JWT access tokens (audience the same, scopes <see cref="TestApiScopes"/>).</summary>
    public const string TestApiResource = "urn:authopenidc:test-api";

    /// <summary>The resource indicator that yields opaque access tokens, validated by introspection (audience the same, scopes <see cref="TestApiScopes"/>).</summary>
    public const string TestApiOpaqueResource = "urn:authopenidc:test-api-opaque";

    /// <summary>The scopes of <see cref="TestApiResource"/> and <see cref="TestApiOpaqueResource"/>.</summary>
    public const string TestApiScopes = "api:read api:write";

    /// <summary>Kid of the RS256 signing key.</summary>
    public const string Rs256KeyId = "rs1";

    /// <summary>Kid of the ES256 signing key.</summary>
    public const string Es256KeyId = "es1";

    /// <summary>The redirect URI for an RP listening on <paramref name="port"/>.</summary>
    public static Uri RedirectUri(int port) => new($"http://127.0.0.1:{port}{RedirectPath}");
}
