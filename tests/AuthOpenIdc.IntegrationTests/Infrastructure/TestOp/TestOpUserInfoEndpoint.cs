using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary><c>/userinfo</c>: needs <c>Authorization: Bearer</c> with an access token this OP issued.</summary>
internal static class TestOpUserInfoEndpoint
{
    public static async Task HandleAsync(HttpContext http, TestOpContext op)
    {
        op.State.CountUserInfoRequest();
        var header = http.Request.Headers.Authorization.Count > 0 ? http.Request.Headers.Authorization.ToString() : null;
        op.State.LastUserInfoAuthorizationHeader = header;

        const string scheme = "Bearer ";
        var grant = header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? op.State.FindAccessToken(header[scheme.Length..].Trim())
            : null;
        if (grant is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status401Unauthorized, "text/plain", "invalid_token");
            return;
        }

        var behavior = op.Behavior;
        if (behavior.UserInfoStatus is { } status)
        {
            await TestOpHttp.WriteHtmlErrorAsync(http, status);
            return;
        }

        if (behavior.UserInfoBody is { } raw)
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, behavior.SignUserInfo ? "application/jwt" : "application/json", raw);
            return;
        }

        var body = new JsonObject
        {
            ["sub"] = behavior.UserInfoSub ?? grant.Subject,
            ["name"] = "Alice Example",
            ["email"] = "alice@example.com",
            ["email_verified"] = true,
            ["groups"] = new JsonArray("staff", "engineering"),
            ["realm_access"] = new JsonObject { ["roles"] = new JsonArray("user", "admin") },
        };

        // Extra claims win; a null value removes a claim.
        foreach (var (name, value) in behavior.ExtraUserInfoClaims)
        {
            if (value is null)
            {
                body.Remove(name);
            }
            else
            {
                body[name] = TestOpHttp.ToJsonNode(value);
            }
        }

        http.Response.Headers.CacheControl = "no-store";
        if (behavior.SignUserInfo)
        {
            body["iss"] = op.IssuerIdentifier;
            body["aud"] = grant.ClientId;
            var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(body.ToJsonString(),
                new Microsoft.IdentityModel.Tokens.SigningCredentials(op.Keys.CurrentRsaKey, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256));
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, "application/jwt", jwt);
            return;
        }
        await TestOpHttp.WriteJsonAsync(http, body);
    }
}
