using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary><c>/token</c>: authorization_code (with PKCE S256) and refresh_token (rotating) grants.</summary>
internal static class TestOpTokenEndpoint
{
    public static async Task HandleAsync(HttpContext http, TestOpContext op)
    {
        op.State.CountTokenRequest();
        var form = http.Request.HasFormContentType
            ? TestOpHttp.ToDictionary(await http.Request.ReadFormAsync(http.RequestAborted))
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var authorizationHeader = http.Request.Headers.Authorization.Count > 0 ? http.Request.Headers.Authorization.ToString() : null;
        op.State.LastTokenRequest = new RecordedTokenRequest(form, authorizationHeader);
        var behavior = op.Behavior;
        if (form.Get("grant_type") == "refresh_token")
        {
            op.State.CountRefreshGrant();
        }

        if (behavior.TokenDelay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, op.Stopping);
            await Task.Delay(behavior.TokenDelay, linked.Token);
        }

        if (behavior.TokenEndpointStatus is { } status)
        {
            await TestOpHttp.WriteHtmlErrorAsync(http, status);
            return;
        }

        if (behavior.TokenResponseBody is { } raw)
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, behavior.TokenResponseContentType, raw);
            return;
        }

        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType)
        {
            await TestOpHttp.WriteOAuthErrorAsync(http, StatusCodes.Status400BadRequest, "invalid_request", "POST application/x-www-form-urlencoded expected");
            return;
        }

        var client = AuthenticateClient(op, form, authorizationHeader);
        if (client.Error is not null)
        {
            if (client.UsedBasic)
            {
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"test-op\"";
            }

            var errorStatus = client.Error == "invalid_client" ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest;
            await TestOpHttp.WriteOAuthErrorAsync(http, errorStatus, client.Error, client.Description);
            return;
        }

        if (behavior.TokenError is { } scriptedError)
        {
            await TestOpHttp.WriteOAuthErrorAsync(http, StatusCodes.Status400BadRequest, scriptedError);
            return;
        }

        switch (form.Get("grant_type"))
        {
            case "authorization_code":
                await RedeemAuthorizationCodeAsync(http, op, form, client);
                break;
            case "refresh_token":
                await RedeemRefreshTokenAsync(http, op, form, client);
                break;
            default:
                await TestOpHttp.WriteOAuthErrorAsync(http, StatusCodes.Status400BadRequest, "unsupported_grant_type");
                break;
        }
    }

    private static async Task RedeemAuthorizationCodeAsync(HttpContext http, TestOpContext op, Dictionary<string, string> form, ClientAuthentication client)
    {
        var code = form.Get("code");
        var alreadyRedeemed = false;
        var login = code is null ? null : op.State.RedeemCode(code, out alreadyRedeemed);
        var failure = login switch
        {
            null => "unknown authorization code",
            _ when alreadyRedeemed && !op.Behavior.AllowCodeReuse => "authorization code already used",
            _ when login.ExpiresAt < DateTimeOffset.UtcNow => "authorization code expired",
            _ when login.ClientId != client.ClientId => "authorization code was issued to another client",
            _ when !string.Equals(form.Get("redirect_uri"), login.RedirectUri, StringComparison.Ordinal) => "redirect_uri does not match the authorization request",
            _ => CheckPkce(login.CodeChallenge, form.Get("code_verifier")),
        };
        if (login is null || failure is not null)
        {
            await TestOpHttp.WriteOAuthErrorAsync(http, StatusCodes.Status400BadRequest, "invalid_grant", failure);
            return;
        }

        var idToken = new IdTokenRequest(client.ClientId, client.Secret, login.Nonce, login.AuthTime, login.Sid);
        await WriteTokenResponseAsync(http, op, idToken, login.Scope, includeIdToken: !op.Behavior.OmitIdToken);
    }

    private static async Task RedeemRefreshTokenAsync(HttpContext http, TestOpContext op, Dictionary<string, string> form, ClientAuthentication client)
    {
        var token = form.Get("refresh_token");
        var alreadyUsed = false;
        var login = token is null ? null : op.State.UseRefreshToken(token, out alreadyUsed);
        var failure = login switch
        {
            null => "unknown refresh token",
            _ when alreadyUsed => "refresh token already used (rotated)",
            _ when login.ClientId != client.ClientId => "refresh token was issued to another client",
            _ => null,
        };
        if (login is null || failure is not null)
        {
            await TestOpHttp.WriteOAuthErrorAsync(http, StatusCodes.Status400BadRequest, "invalid_grant", failure);
            return;
        }

        var idToken = new IdTokenRequest(client.ClientId, client.Secret, Nonce: null, login.AuthTime, login.Sid);
        await WriteTokenResponseAsync(http, op, idToken, login.Scope, includeIdToken: op.Behavior.IncludeIdTokenInRefreshResponse);
    }

    private static async Task WriteTokenResponseAsync(HttpContext http, TestOpContext op, IdTokenRequest login, string? scope, bool includeIdToken)
    {
        var behavior = op.Behavior;
        var expiresIn = behavior.AccessTokenLifetimeSeconds;
        var accessToken = op.State.IssueAccessToken(
            new IssuedAccessToken(login.ClientId, behavior.Subject, scope, DateTimeOffset.UtcNow.AddSeconds(expiresIn)));
        var body = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = behavior.TokenType,
            ["expires_in"] = expiresIn,
        };

        if (includeIdToken)
        {
            var previous = op.State.LastIssuedIdToken;
            var idToken = behavior.ReplayPreviousIdToken && previous is not null ? previous : op.IdTokens.Create(login, behavior);
            op.State.LastIssuedIdToken = idToken;
            body["id_token"] = idToken;
        }

        if (behavior.IssueRefreshToken)
        {
            body["refresh_token"] = op.State.IssueRefreshToken(new IssuedRefreshToken
            {
                ClientId = login.ClientId,
                Scope = scope,
                Sid = login.Sid,
                AuthTime = login.AuthTime,
            });
        }

        if (scope is not null)
        {
            body["scope"] = scope;
        }

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        await TestOpHttp.WriteJsonAsync(http, body);
    }

    /// <summary>RFC 7636: the S256 of the verifier must equal the challenge; a verifier without a challenge is refused too.</summary>
    private static string? CheckPkce(string? challenge, string? verifier)
    {
        if (challenge is null)
        {
            return verifier is null ? null : "code_verifier sent but the authorization request had no code_challenge";
        }

        if (verifier is null)
        {
            return "code_verifier required";
        }

        if (verifier.Length is < 43 or > 128 || !verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            return "code_verifier is malformed";
        }

        var computed = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return string.Equals(computed, challenge, StringComparison.Ordinal) ? null : "PKCE verification failed";
    }

    private sealed record ClientAuthentication(string ClientId, string? Secret, string? Error, string? Description, bool UsedBasic);

    /// <summary>client_secret_basic (RFC 6749 2.3.1, form-url-decoded id:secret), client_secret_post, or none (public client).</summary>
    private static ClientAuthentication AuthenticateClient(TestOpContext op, Dictionary<string, string> form, string? authorizationHeader)
    {
        static ClientAuthentication Fail(string error, string description, bool basic) => new(string.Empty, null, error, description, basic);

        var formClientId = form.Get("client_id");
        var formSecret = form.Get("client_secret");
        if (authorizationHeader is not null && authorizationHeader.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorizationHeader["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return Fail("invalid_client", "malformed Basic credentials", basic: true);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return Fail("invalid_client", "malformed Basic credentials", basic: true);
            }

            var id = WebUtility.UrlDecode(decoded[..colon]);
            var secret = WebUtility.UrlDecode(decoded[(colon + 1)..]);
            if (formSecret is not null)
            {
                return Fail("invalid_request", "more than one client authentication method", basic: true);
            }

            if (formClientId is not null && formClientId != id)
            {
                return Fail("invalid_client", "client_id does not match the Basic credentials", basic: true);
            }

            return op.State.TryGetClient(id, out var registered) && registered is not null && registered == secret
                ? new ClientAuthentication(id, secret, null, null, UsedBasic: true)
                : Fail("invalid_client", "client authentication failed", basic: true);
        }

        if (formClientId is null)
        {
            return Fail("invalid_client", "no client authentication", basic: false);
        }

        if (!op.State.TryGetClient(formClientId, out var expectedSecret))
        {
            return Fail("invalid_client", "unknown client", basic: false);
        }

        if (formSecret is not null)
        {
            return expectedSecret is not null && expectedSecret == formSecret
                ? new ClientAuthentication(formClientId, formSecret, null, null, UsedBasic: false)
                : Fail("invalid_client", "client authentication failed", basic: false);
        }

        return expectedSecret is null
            ? new ClientAuthentication(formClientId, null, null, null, UsedBasic: false)
            : Fail("invalid_client", "this client must authenticate", basic: false);
    }
}
