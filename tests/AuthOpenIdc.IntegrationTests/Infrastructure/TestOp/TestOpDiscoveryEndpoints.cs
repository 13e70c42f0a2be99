using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary><c>/.well-known/openid-configuration</c> and <c>/jwks</c>.</summary>
internal static class TestOpDiscoveryEndpoints
{
    public static async Task HandleDiscoveryAsync(HttpContext http, TestOpContext op)
    {
        op.State.CountDiscoveryRequest();
        var behavior = op.Behavior;
        if (behavior.DiscoveryStatus is { } status)
        {
            await TestOpHttp.WriteHtmlErrorAsync(http, status);
            return;
        }

        if (behavior.DiscoveryBody is { } raw)
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, "application/json", raw);
            return;
        }

        await TestOpHttp.WriteJsonAsync(http, BuildDiscoveryDocument(op));
    }

    public static async Task HandleJwksAsync(HttpContext http, TestOpContext op)
    {
        op.State.CountJwksRequest();
        var behavior = op.Behavior;
        if (behavior.JwksStatus is { } status)
        {
            await TestOpHttp.WriteHtmlErrorAsync(http, status);
            return;
        }

        if (behavior.JwksBody is { } raw)
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, "application/json", raw);
            return;
        }

        await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, "application/json; charset=utf-8", op.Keys.BuildJwksForFetch().ToJsonString());
    }

    private static JsonObject BuildDiscoveryDocument(TestOpContext op)
    {
        var behavior = op.Behavior;
        var document = new JsonObject
        {
            ["issuer"] = behavior.DiscoveryIssuer ?? op.IssuerIdentifier,
            ["authorization_endpoint"] = op.EndpointUrl(ScriptableOp.AuthorizePath),
            ["token_endpoint"] = op.EndpointUrl(ScriptableOp.TokenPath),
            ["userinfo_endpoint"] = op.EndpointUrl(ScriptableOp.UserInfoPath),
            ["jwks_uri"] = op.EndpointUrl(ScriptableOp.JwksPath),
            ["end_session_endpoint"] = op.EndpointUrl(ScriptableOp.EndSessionPath),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["response_types_supported"] = new JsonArray("code"),
            ["response_modes_supported"] = new JsonArray("query", "form_post"),
            ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256", "ES256", "PS256", "HS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post", "none"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name", "email", "email_verified"),
            ["authorization_response_iss_parameter_supported"] = behavior.AuthorizationResponseIssParameterSupported,
        };

        foreach (var field in behavior.OmittedDiscoveryFields)
        {
            document.Remove(field);
        }

        foreach (var (field, value) in behavior.DiscoveryOverrides)
        {
            document[field] = TestOpHttp.ToJsonNode(value);
        }

        return document;
    }
}
