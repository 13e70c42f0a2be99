using AuthOpenIdc.Protocol;
using AuthOpenIdc.RedirectUri;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Ends the browser's session here and works out where it goes next: the OP's end_session_endpoint
/// (RP-Initiated Logout 1.0, with <c>id_token_hint</c> and <c>post_logout_redirect_uri</c>) when the OP
/// has one, otherwise straight to the target. Shared by <c>?logout=</c> and <c>SignOutAsync</c>.
/// </summary>
internal static class LocalLogout
{
    /// <summary>Ends the session; returns the URL to redirect to, or null for the built-in logged-out page.</summary>
    public static async Task<string?> EndAsync(HttpContext context, OidcRelyingPartyOptions options, RelyingPartyRuntime runtime, string? target)
    {
        var session = await runtime.Sessions.EndAsync(context).ConfigureAwait(false);
        AuthOpenIdcLog.LoggedOut(runtime.Logger);

        ProviderMetadata? provider = null;
        try
        {
            provider = await runtime.Provider.GetAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OidcProtocolException)
        {
            AuthOpenIdcLog.LogoutWithoutMetadata(runtime.Logger);
        }
        if (provider?.RevocationEndpoint is { } revocation && options.RevokeTokensOnLogout && session is not null)
        {
            // The refresh token first: revoking it ends the grant, so the access token cannot be renewed meanwhile.
            await RevokeAsync(runtime, provider, revocation, session.RefreshToken, "refresh_token", context.RequestAborted).ConfigureAwait(false);
            await RevokeAsync(runtime, provider, revocation, session.AccessToken, "access_token", context.RequestAborted).ConfigureAwait(false);
        }
        if (provider?.EndSessionEndpoint is not { } endSession || session?.IdToken is not { } idToken)
        {
            return target;
        }
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in options.LogoutRequestParameters)
        {
            parameters[name] = value;
        }
        parameters["id_token_hint"] = idToken;
        parameters.Remove("post_logout_redirect_uri");
        if (target is not null)
        {
            parameters["post_logout_redirect_uri"] = Absolute(context.Request, target);
        }
        return QueryHelpers.AddQueryString(endSession, parameters);
    }

    private static async Task RevokeAsync(RelyingPartyRuntime runtime, ProviderMetadata provider, string endpoint, string? token, string hint, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            return;
        }
        try
        {
            switch (await runtime.TokenEndpoint.RevokeAsync(provider, endpoint, token, hint, cancellationToken).ConfigureAwait(false))
            {
                case null:
                    break;
                case "unsupported_token_type":
                    // Expected of OPs whose access tokens are JWTs: nothing an operator needs to act on.
                    AuthOpenIdcLog.RevocationUnsupported(runtime.Logger, hint);
                    break;
                case var error:
                    AuthOpenIdcLog.RevocationRefused(runtime.Logger, hint + " (" + error + ")");
                    break;
            }
        }
        catch (OidcProtocolException ex)
        {
            AuthOpenIdcLog.RevocationRefused(runtime.Logger, hint + " (" + ex.Error.Code + ")");
        }
    }

    public static Task WriteLoggedOutPageAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        RedirectUriContext.NoStore(response);
        response.Headers.XFrameOptions = "DENY";
        return response.WriteAsync("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Logged out</title></head><body><h1>You have been logged out.</h1><p><a href=\"/\">Return to the start page</a></p></body></html>", context.RequestAborted);
    }

    private static string Absolute(HttpRequest request, string target) =>
        target.StartsWith('/') ? $"{request.Scheme}://{request.Host}{request.PathBase}{target}" : target;
}
