using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>How the direct client authenticates at the token endpoint.</summary>
public enum TestClientAuthentication
{
    ClientSecretBasic,
    ClientSecretPost,
    None,
}

/// <summary>The parsed redirect (or form_post) of one <c>/authorize</c> call, plus what the client sent.</summary>
public sealed record TestAuthorizationResult(
    string RedirectUri,
    string Nonce,
    string CodeVerifier,
    IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    public string? Code => Single("code");
    public string? State => Single("state");
    public string? Iss => Single("iss");
    public string? Error => Single("error");

    public IReadOnlyList<string> All(string name)
        => Parameters.Where(p => p.Key == name).Select(p => p.Value).ToList();

    private string? Single(string name) => All(name) is [var only] ? only : null;
}

/// <summary>
/// Drives the test OP directly over HTTP (no RP involved): authorize without following the redirect, then
/// redeem the code. For testing the OP itself and for tests that need tokens without a browser flow.
/// </summary>
public sealed class ScriptableOpDirectClient : IDisposable
{
    public const string DefaultRedirectUri = "https://rp.example/callback";

    private readonly ScriptableOp _op;

    public ScriptableOpDirectClient(ScriptableOp op)
    {
        _op = op;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    /// <summary>GET /authorize with PKCE S256, a random state and nonce; <paramref name="extra"/> adds or replaces parameters.</summary>
    public async Task<TestAuthorizationResult> AuthorizeAsync(
        string clientId = ScriptableOp.DefaultClientId,
        string redirectUri = DefaultRedirectUri,
        IDictionary<string, string?>? extra = null)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var nonce = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid profile email offline_access",
            ["state"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            ["nonce"] = nonce,
            ["code_challenge"] = S256(verifier),
            ["code_challenge_method"] = "S256",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            query[name] = value;
        }

        var url = QueryHelpers.AddQueryString(_op.AuthorizationEndpoint.OriginalString,
            query.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        using var response = await Http.GetAsync(new Uri(url));
        if ((int)response.StatusCode != 302 || response.Headers.Location is not { } location)
        {
            throw new InvalidOperationException($"/authorize answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var parameters = QueryHelpers.ParseQuery(location.Query)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)))
            .ToList();
        return new TestAuthorizationResult(redirectUri, nonce, verifier, parameters);
    }

    /// <summary>POST /token with grant_type=authorization_code.</summary>
    public Task<HttpResponseMessage> RedeemCodeAsync(
        string? code,
        string? codeVerifier,
        string redirectUri = DefaultRedirectUri,
        TestClientAuthentication authentication = TestClientAuthentication.ClientSecretBasic,
        string clientId = ScriptableOp.DefaultClientId,
        string? clientSecret = ScriptableOp.DefaultClientSecret)
        => PostTokenAsync(
            new Dictionary<string, string?>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["code_verifier"] = codeVerifier,
            },
            authentication, clientId, clientSecret);

    /// <summary>POST /token with grant_type=refresh_token.</summary>
    public Task<HttpResponseMessage> RefreshAsync(
        string refreshToken,
        TestClientAuthentication authentication = TestClientAuthentication.ClientSecretBasic,
        string clientId = ScriptableOp.DefaultClientId,
        string? clientSecret = ScriptableOp.DefaultClientSecret)
        => PostTokenAsync(
            new Dictionary<string, string?> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken },
            authentication, clientId, clientSecret);

    /// <summary>A full authorize + code redemption; throws unless the token endpoint answers 200. Returns the token response.</summary>
    public async Task<JsonElement> LoginAsync()
    {
        var authorization = await AuthorizeAsync();
        using var response = await RedeemCodeAsync(authorization.Code, authorization.CodeVerifier);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"/token answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Authorize + redeem (Basic auth); returns the id_token and the nonce that was sent.</summary>
    public async Task<(string IdToken, string Nonce)> LoginForIdTokenAsync()
    {
        var authorization = await AuthorizeAsync();
        using var response = await RedeemCodeAsync(authorization.Code, authorization.CodeVerifier);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("id_token").GetString()!, authorization.Nonce);
    }

    /// <summary>Fetches the OP's JWKS (counts as a JWKS request).</summary>
    public async Task<JsonWebKeySet> GetJwksAsync() => new(await Http.GetStringAsync(_op.JwksEndpoint));

    /// <summary>
    /// <see cref="ReferenceIdTokenValidator"/> against the default client and the OP's issuer; keys default to a
    /// fresh JWKS fetch. Null when valid, else the violated rule.
    /// </summary>
    public async Task<string?> FindIdTokenViolationAsync(string idToken, string? expectedNonce, IEnumerable<SecurityKey>? keys = null)
    {
        keys ??= (await GetJwksAsync()).GetSigningKeys();
        return await ReferenceIdTokenValidator.FindViolationAsync(idToken, _op.IssuerIdentifier, ScriptableOp.DefaultClientId, expectedNonce, keys);
    }

    /// <summary>GET /userinfo with <c>Authorization: Bearer</c>.</summary>
    public async Task<HttpResponseMessage> GetUserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _op.UserInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await Http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(Uri uri) => JsonDocument.Parse(await Http.GetStringAsync(uri)).RootElement.Clone();

    /// <summary>The <c>error</c> member of an OAuth error response.</summary>
    public static async Task<string?> ReadErrorAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

    public static string S256(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public void Dispose() => Http.Dispose();

    private async Task<HttpResponseMessage> PostTokenAsync(
        Dictionary<string, string?> form, TestClientAuthentication authentication, string clientId, string? clientSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _op.TokenEndpoint);
        switch (authentication)
        {
            case TestClientAuthentication.ClientSecretBasic:
                // RFC 6749 2.3.1: form-url-encode id and secret before joining them.
                var credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret ?? string.Empty);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                break;
            case TestClientAuthentication.ClientSecretPost:
                form["client_id"] = clientId;
                form["client_secret"] = clientSecret;
                break;
            default:
                form["client_id"] = clientId;
                break;
        }

        request.Content = new FormUrlEncodedContent(form.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value!)));
        return await Http.SendAsync(request);
    }
}
