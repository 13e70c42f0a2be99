using AuthOpenIdc.Caching;
using AuthOpenIdc.Protocol;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>POST ?logout=backchannel</c> with a <c>logout_token</c> (OpenID Connect Back-Channel Logout 1.0; register
/// <c>&lt;redirect_uri&gt;?logout=backchannel</c> as the client's <c>backchannel_logout_uri</c>). Ends every session of
/// the token's <c>sid</c> (or <c>sub</c>) on every instance sharing the cache. 200 on success, also when no session
/// matched; 400 with an OAuth error body when the token is invalid; never an HTML page (the caller is the OP).
/// </summary>
internal sealed class BackChannelLogoutEndpoint : IRedirectUriEndpoint
{
    private static readonly byte[] InvalidBody = "{\"error\":\"invalid_request\",\"error_description\":\"invalid logout token\"}"u8.ToArray();

    public string Name => "backchannel_logout";

    public bool Matches(HttpRequest request) =>
        string.Equals(request.Query["logout"], "backchannel", StringComparison.Ordinal);

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var response = http.Response;
        RedirectUriContext.NoStore(response);
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return;
        }
        try
        {
            Microsoft.Extensions.Primitives.StringValues tokens = default;
            if (http.Request.HasFormContentType)
            {
                try
                {
                    tokens = (await http.Request.ReadFormAsync(context.Aborted).ConfigureAwait(false))["logout_token"];
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
                {
                    tokens = default; // a malformed body is a bad request like any other
                }
            }
            if (tokens.Count != 1 || string.IsNullOrEmpty(tokens[0]))
            {
                throw new OidcProtocolException(new OidcError(OidcErrorCodes.InvalidLogoutToken, "The logout token is not valid.", 400), "the request has no single logout_token");
            }
            var provider = await context.Runtime.Provider.GetAsync(context.Aborted).ConfigureAwait(false);
            var logout = await context.Runtime.LogoutTokens.ValidateAsync(tokens[0]!, provider, context.Aborted).ConfigureAwait(false);
            var ended = await context.Runtime.Sessions.EndAllAsync(logout.Issuer, logout.Sid, logout.Subject, context.Aborted).ConfigureAwait(false);
            await context.Runtime.LogoutTokens.MarkUsedAsync(logout, context.Aborted).ConfigureAwait(false);
            AuthOpenIdcLog.BackChannelLogout(context.Runtime.Logger, ended);
            response.StatusCode = StatusCodes.Status200OK;
        }
        catch (OidcProtocolException ex) when (ex.Error.Code == OidcErrorCodes.InvalidLogoutToken)
        {
            AuthOpenIdcLog.RequestFailed(context.Runtime.Logger, ex.Error.Code, ex.Message);
            context.Runtime.Metrics.LoginFailure(ex.Error.Code);
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "application/json";
            await response.Body.WriteAsync(InvalidBody, context.Aborted).ConfigureAwait(false);
        }
        catch (CacheUnavailableException)
        {
            // The OP retries a 5xx; the sessions could not be reached to end them.
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }
}
