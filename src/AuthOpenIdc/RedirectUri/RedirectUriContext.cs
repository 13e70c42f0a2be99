using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.RelyingParty.Events;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>What a redirect_uri function works with: the request, the scheme's options and its long-lived parts.</summary>
internal sealed class RedirectUriContext
{
    public RedirectUriContext(HttpContext httpContext, AuthenticationScheme scheme, OidcRelyingPartyOptions options, RelyingPartyRuntime runtime, OidcRelyingPartyEvents events)
    {
        HttpContext = httpContext;
        Scheme = scheme;
        Options = options;
        Runtime = runtime;
        Events = events;
    }

    public HttpContext HttpContext { get; }
    public AuthenticationScheme Scheme { get; }
    public OidcRelyingPartyOptions Options { get; }
    public RelyingPartyRuntime Runtime { get; }

    /// <summary>The events the handler resolved: <c>EventsType</c> from DI when set, else <c>Options.Events</c>.</summary>
    public OidcRelyingPartyEvents Events { get; }
    public CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>The browser's session, loaded by the dispatcher for functions that require one.</summary>
    public Sessions.SessionHandle? Session { get; set; }

    public void Redirect(string location)
    {
        var response = HttpContext.Response;
        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = location;
        NoStore(response);
    }

    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache, no-store, max-age=0";
        response.Headers.Pragma = "no-cache";
    }

    /// <summary>Logs the failure once, counts it, lets the app render its own page, else writes the default one.</summary>
    public async Task FailAsync(OidcError error, string logDetail, AuthenticationProperties? properties = null)
    {
        AuthOpenIdcLog.RequestFailed(Runtime.Logger, error.Code, logDetail);
        Runtime.Metrics.LoginFailure(error.Code);
        var failed = new AuthenticationFailedContext(HttpContext, Scheme, Options, properties, error);
        await Events.AuthenticationFailed(failed).ConfigureAwait(false);
        if (!failed.Handled)
        {
            await ErrorPage.WriteAsync(HttpContext, error).ConfigureAwait(false);
        }
    }
}
