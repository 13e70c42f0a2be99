using AuthOpenIdc.Caching;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// Picks the redirect_uri function by request shape from an ordered list (the first match wins, as in
/// mod_auth_openidc's dispatch table), counts it, and turns every failure into a clean error page:
/// a request that matches nothing gets 400, a broken cache 503, an unexpected exception 400 — never a 500
/// with a stack trace.
/// </summary>
internal sealed class RedirectUriDispatcher
{
    private readonly IReadOnlyList<IRedirectUriEndpoint> _endpoints;

    public RedirectUriDispatcher(IReadOnlyList<IRedirectUriEndpoint> endpoints)
    {
        _endpoints = endpoints;
    }

    public async Task DispatchAsync(RedirectUriContext context)
    {
        var endpoint = Select(context);
        context.Runtime.Metrics.RedirectUriRequest(endpoint?.Name ?? "none");
        if (endpoint is null)
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.InvalidRequest, "This request to the login endpoint is not valid.", 400), "the request matched no redirect_uri function").ConfigureAwait(false);
            return;
        }
        try
        {
            if (endpoint.RequiresSession)
            {
                context.Session = await context.Runtime.Sessions.LoadAsync(context.HttpContext).ConfigureAwait(false);
                if (context.Session is null)
                {
                    context.HttpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    RedirectUriContext.NoStore(context.HttpContext.Response);
                    return;
                }
            }
            await endpoint.HandleAsync(context).ConfigureAwait(false);
        }
        catch (OidcProtocolException ex)
        {
            await context.FailAsync(ex.Error, ex.Message).ConfigureAwait(false);
        }
        catch (CacheUnavailableException)
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.SessionStoreUnavailable, "The session store is unavailable. Please try again later.", 503), "the cache backend failed").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !context.HttpContext.Response.HasStarted)
        {
            AuthOpenIdcLog.UnexpectedFailure(context.Runtime.Logger, endpoint.Name, ex);
            context.HttpContext.Response.Headers.Clear();
            await context.FailAsync(new OidcError(OidcErrorCodes.InvalidRequest, "This request to the login endpoint could not be processed.", 400), "unexpected exception").ConfigureAwait(false);
        }
    }

    private IRedirectUriEndpoint? Select(RedirectUriContext context)
    {
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.Matches(context.HttpContext.Request))
            {
                return endpoint;
            }
        }
        return null;
    }
}
