using System.Globalization;
using System.Text.Encodings.Web;
using AuthOpenIdc.Caching;
using AuthOpenIdc.RedirectUri;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// The OpenID Connect Relying Party scheme: authenticates requests from the server-side session, sends
/// unauthenticated navigations to the OP, and serves the redirect_uri itself, so
/// <c>UseAuthentication()</c> and <c>UseAuthorization()</c> are all an app needs. Decisions live in the
/// small classes it calls; this class only routes.
/// </summary>
public sealed class OidcRelyingPartyHandler : AuthenticationHandler<OidcRelyingPartyOptions>, IAuthenticationRequestHandler, IAuthenticationSignOutHandler
{
    private const string SessionStoreFailedItem = "AuthOpenIdc.SessionStoreFailed";
    private const string RefreshFailedItem = "AuthOpenIdc.RefreshFailed";

    /// <summary>Creates the handler (by DI, once per request).</summary>
    public OidcRelyingPartyHandler(IOptionsMonitor<OidcRelyingPartyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    /// <summary>The events, typed.</summary>
    private new OidcRelyingPartyEvents Events => (OidcRelyingPartyEvents)base.Events!;

    private RelyingPartyRuntime Runtime => Options.Runtime ?? throw new InvalidOperationException("The OIDC RP scheme was not post-configured; register it with AddOidcRelyingParty.");

    /// <inheritdoc />
    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new OidcRelyingPartyEvents());

    /// <summary>Serves the redirect_uri; every other request passes on.</summary>
    public async Task<bool> HandleRequestAsync()
    {
        if (!RedirectUriPath.IsRedirectUri(Request, Options.RedirectUri))
        {
            return false;
        }
        await Runtime.Dispatcher.DispatchAsync(NewContext()).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var runtime = Runtime;
        SessionHandle? handle;
        try
        {
            handle = await runtime.Sessions.LoadAsync(Context).ConfigureAwait(false);
            if (handle is null)
            {
                return AuthenticateResult.NoResult();
            }
            var refreshed = !runtime.Refresh.IsDue(handle.Session) || await runtime.Refresh.RefreshAsync(Context, handle).ConfigureAwait(false);
            if (refreshed && runtime.Refresh.IsUserInfoDue(handle.Session))
            {
                refreshed = await runtime.Refresh.RefreshUserInfoAsync(Context, handle, runtime.UserInfo).ConfigureAwait(false);
            }
            if (!refreshed)
            {
                switch (Options.RefreshErrorAction)
                {
                    case RefreshErrorAction.Logout:
                    case RefreshErrorAction.Reauthenticate:
                        await runtime.Sessions.EndAsync(Context).ConfigureAwait(false);
                        return AuthenticateResult.NoResult();
                    case RefreshErrorAction.BadGateway:
                        Context.Items[RefreshFailedItem] = true;
                        return AuthenticateResult.Fail("The access token could not be refreshed.");
                }
            }
            await runtime.Sessions.TouchAsync(Context, handle).ConfigureAwait(false);
        }
        catch (CacheUnavailableException)
        {
            AuthOpenIdcLog.SessionStoreFailed(runtime.Logger);
            Context.Items[SessionStoreFailedItem] = true;
            return AuthenticateResult.Fail("The session store is unavailable.");
        }

        var session = handle.Session;
        var principal = SessionPrincipalFactory.Create(session, Scheme.Name, Options.RoleClaimType);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, TokensOf(session), Scheme.Name));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var context = NewContext();
        if (Context.Items.ContainsKey(SessionStoreFailedItem))
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.SessionStoreUnavailable, "The session store is unavailable. Please try again later.", 503), "the cache backend failed", properties).ConfigureAwait(false);
            return;
        }
        if (Context.Items.ContainsKey(RefreshFailedItem))
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.RefreshFailed, "The access token could not be refreshed at the identity provider.", 502), "the refresh failed and RefreshErrorAction is BadGateway", properties).ConfigureAwait(false);
            return;
        }
        var action = Context.GetEndpoint()?.Metadata.GetMetadata<OidcUnauthenticatedActionAttribute>()?.Action ?? Options.UnauthenticatedAction;
        if (action == UnauthenticatedAction.Gone)
        {
            Respond(StatusCodes.Status410Gone, "410");
            return;
        }
        if (action != UnauthenticatedAction.Authenticate || !BrowserNavigation.IsNavigation(Request))
        {
            Respond(StatusCodes.Status401Unauthorized, "401");
            return;
        }
        await AuthorizationRequest.StartAsync(context, properties, Context.GetEndpoint()?.Metadata.GetMetadata<OidcAuthorizationRequestAttribute>()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var metadata = Context.GetEndpoint()?.Metadata.GetMetadata<OidcUnauthorizedActionAttribute>();
        switch (metadata?.Action ?? Options.UnauthorizedAction)
        {
            case UnauthorizedAction.Unauthorized:
                Respond(StatusCodes.Status401Unauthorized, "401");
                break;
            case UnauthorizedAction.Redirect when (metadata?.RedirectUrl ?? Options.UnauthorizedRedirectUrl) is { } target:
                NewContext().Redirect(target);
                break;
            case UnauthorizedAction.Reauthenticate when BrowserNavigation.IsNavigation(Request):
                await AuthorizationRequest.StartAsync(NewContext(), properties, Context.GetEndpoint()?.Metadata.GetMetadata<OidcAuthorizationRequestAttribute>()).ConfigureAwait(false);
                break;
            case UnauthorizedAction.Reauthenticate:
                Respond(StatusCodes.Status401Unauthorized, "401");
                break;
            default:
                Respond(StatusCodes.Status403Forbidden, "403");
                break;
        }
    }

    /// <summary>Ends the local session and, when the OP supports it, logs out there too (RP-initiated logout).</summary>
    public async Task SignOutAsync(AuthenticationProperties? properties)
    {
        var target = properties?.RedirectUri is { } requested ? Runtime.RedirectTargets.Validate(requested, Request) : Options.DefaultLoggedOutUrl;
        var next = await LocalLogout.EndAsync(Context, Options, Runtime, target).ConfigureAwait(false);
        if (next is not null)
        {
            NewContext().Redirect(next);
        }
    }

    private void Respond(int status, string outcome)
    {
        Response.StatusCode = status;
        RedirectUriContext.NoStore(Response);
        Runtime.Metrics.Challenge(outcome);
        AuthOpenIdcLog.Challenge(Runtime.Logger, outcome);
    }

    private RedirectUriContext NewContext() => new(Context, Scheme, Options, Runtime, Events);

    /// <summary>The tokens as <c>HttpContext.GetTokenAsync</c> expects them (what <c>SaveTokens</c> gives .NET developers).</summary>
    private static AuthenticationProperties TokensOf(OidcSession session)
    {
        // Built once per decoded session (the copies of one decoded session share it), copied per request.
        var items = session.Derived.PropertyItems ??= BuildTokens(session).Items;
        return new AuthenticationProperties(new Dictionary<string, string?>(items, StringComparer.Ordinal));
    }

    private static AuthenticationProperties BuildTokens(OidcSession session)
    {
        var properties = new AuthenticationProperties
        {
            IssuedUtc = DateTimeOffset.FromUnixTimeSeconds(session.CreatedAt),
            ExpiresUtc = DateTimeOffset.FromUnixTimeSeconds(session.ExpiresAt),
        };
        var tokens = new List<AuthenticationToken>(5);
        if (session.AccessToken is not null)
        {
            tokens.Add(new AuthenticationToken { Name = "access_token", Value = session.AccessToken });
            tokens.Add(new AuthenticationToken { Name = "token_type", Value = session.AccessTokenType ?? "Bearer" });
        }
        if (session.AccessTokenExpiresAt is { } expiresAt)
        {
            tokens.Add(new AuthenticationToken { Name = "expires_at", Value = DateTimeOffset.FromUnixTimeSeconds(expiresAt).ToString("o", CultureInfo.InvariantCulture) });
        }
        if (session.IdToken is not null)
        {
            tokens.Add(new AuthenticationToken { Name = "id_token", Value = session.IdToken });
        }
        if (session.RefreshToken is not null)
        {
            tokens.Add(new AuthenticationToken { Name = "refresh_token", Value = session.RefreshToken });
        }
        properties.StoreTokens(tokens);
        return properties;
    }
}
