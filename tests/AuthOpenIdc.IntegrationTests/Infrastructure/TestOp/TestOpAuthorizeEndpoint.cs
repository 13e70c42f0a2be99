using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>
/// <c>/authorize</c>: "logs the user in" immediately and answers with a code (or a scripted error), by 302 to the
/// redirect_uri (response_mode=query) or by an auto-submitting HTML form (response_mode=form_post).
/// </summary>
internal static class TestOpAuthorizeEndpoint
{
    public static async Task HandleAsync(HttpContext http, TestOpContext op)
    {
        op.State.CountAuthorizationRequest();
        var request = await TestOpHttp.ReadParametersAsync(http);
        op.State.LastAuthorizationRequest = request;
        var behavior = op.Behavior;

        // Errors about the client or redirect URI must not be redirected (RFC 6749 4.1.2.1).
        var clientId = request.Get("client_id");
        if (clientId is null || !op.State.TryGetClient(clientId, out _))
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status400BadRequest, "text/plain", "unknown client_id");
            return;
        }

        var redirectUri = request.Get("redirect_uri");
        if (redirectUri is null || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var parsedRedirect)
            || (parsedRedirect.Scheme != Uri.UriSchemeHttp && parsedRedirect.Scheme != Uri.UriSchemeHttps) || parsedRedirect.Fragment.Length > 0)
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status400BadRequest, "text/plain", "invalid redirect_uri");
            return;
        }

        var response = new List<KeyValuePair<string, string>>();
        var (error, description) = FindRequestError(request, behavior);
        if (error is not null)
        {
            response.Add(new("error", error));
            if (description is not null)
            {
                response.Add(new("error_description", description));
            }
        }
        else
        {
            var code = op.State.IssueCode(new IssuedAuthorizationCode
            {
                ClientId = clientId,
                RedirectUri = redirectUri,
                Nonce = request.Get("nonce"),
                CodeChallenge = request.Get("code_challenge"),
                Scope = request.Get("scope"),
                Sid = TestOpState.NewHandle(),
                AuthTime = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow + behavior.AuthorizationCodeLifetime,
            });
            response.Add(new("code", code));
        }

        if ((behavior.StateOverride ?? request.Get("state")) is { } state)
        {
            response.Add(new("state", state));
        }

        switch (behavior.IssParameter)
        {
            case IssParameterMode.Correct:
                response.Add(new("iss", op.IssuerIdentifier));
                break;
            case IssParameterMode.Wrong:
                response.Add(new("iss", ScriptableOpBehavior.WrongIssuerValue));
                break;
            default:
                break;
        }

        response.AddRange(behavior.ExtraAuthorizationResponseParameters);

        if (string.Equals(request.Get("response_mode"), "form_post", StringComparison.Ordinal))
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, "text/html; charset=utf-8", BuildFormPost(redirectUri, response));
        }
        else
        {
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Redirect(AppendQuery(redirectUri, response));
        }
    }

    private static (string? Error, string? Description) FindRequestError(IReadOnlyDictionary<string, string> request, ScriptableOpBehavior behavior)
    {
        if (behavior.AuthorizationError is { } scripted)
        {
            return (scripted, behavior.AuthorizationErrorDescription);
        }

        if (!string.Equals(request.Get("response_type"), "code", StringComparison.Ordinal))
        {
            return ("unsupported_response_type", "only response_type=code is supported");
        }

        var responseMode = request.Get("response_mode");
        if (responseMode is not null and not "query" and not "form_post")
        {
            return ("invalid_request", "unsupported response_mode");
        }

        var scopes = (request.Get("scope") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains("openid", StringComparer.Ordinal))
        {
            return ("invalid_scope", "the openid scope is required");
        }

        var challenge = request.Get("code_challenge");
        var method = request.Get("code_challenge_method");
        if (challenge is not null && !string.Equals(method, "S256", StringComparison.Ordinal))
        {
            return ("invalid_request", "only code_challenge_method=S256 is supported");
        }

        if (challenge is null && method is not null)
        {
            return ("invalid_request", "code_challenge_method without code_challenge");
        }

        return (null, null);
    }

    private static string AppendQuery(string redirectUri, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder(redirectUri);
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    private static string BuildFormPost(string redirectUri, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Submit this form</title></head>")
            .Append("<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"")
            .Append(WebUtility.HtmlEncode(redirectUri)).Append("\">");
        foreach (var (name, value) in parameters)
        {
            builder.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(name))
                .Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\"/>");
        }

        return builder.Append("<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>").ToString();
    }
}
