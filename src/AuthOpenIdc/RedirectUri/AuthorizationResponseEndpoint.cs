using System.Text.Json;
using AuthOpenIdc.Claims;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.RelyingParty.Events;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// The authorization response (query or form_post): match the state cookie, check the response, redeem the
/// code, validate the ID token, fetch userinfo, create a fresh session and send the browser back where it
/// started. Every check failure ends here with an error page and no session.
/// </summary>
internal sealed class AuthorizationResponseEndpoint : IRedirectUriEndpoint
{
    public string Name => "authorization_response";

    public bool Matches(HttpRequest request) => AuthorizationResponseParameters.LooksLikeOne(request);

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var runtime = context.Runtime;
        var parameters = await AuthorizationResponseParameters.ReadAsync(http.Request, context.Aborted).ConfigureAwait(false);
        if (parameters is null)
        {
            throw Invalid(OidcErrorCodes.InvalidAuthorizationResponse, "The sign-in response is malformed.", "a protocol parameter is repeated");
        }
        var state = parameters["state"];
        if (state is null)
        {
            throw Invalid(OidcErrorCodes.StateNotFound, "The sign-in response cannot be matched to a sign-in started here.", "the response has no state");
        }

        var stateData = runtime.StateCookies.Take(http, state);
        if (stateData is null)
        {
            if (await TryRedirectReplayAsync(context, state).ConfigureAwait(false))
            {
                return;
            }
            throw Invalid(OidcErrorCodes.StateNotFound, "The sign-in response cannot be matched to a sign-in started here. Please start again.", "no state cookie matches the response's state");
        }
        if (!ConstantTime.Equal(stateData.State, state))
        {
            throw Invalid(OidcErrorCodes.StateInvalid, "The sign-in response does not match its sign-in request.", "the state cookie belongs to another state");
        }
        if (runtime.StateCookies.IsExpired(stateData))
        {
            throw Invalid(OidcErrorCodes.StateExpired, "The sign-in took too long. Please start again.", "the state timed out");
        }
        if (parameters.IsPost != (stateData.ResponseMode == AuthorizationResponseMode.FormPost))
        {
            throw Invalid(OidcErrorCodes.InvalidAuthorizationResponse, "The sign-in response used the wrong response mode.", "the response mode differs from the one requested");
        }
        if (parameters["error"] is { } error && stateData.Prompt == "none")
        {
            // A silent session check (OIDC Session Management) found the OP session gone: end ours too.
            AuthOpenIdcLog.SilentCheckFailed(runtime.Logger, OAuthErrorCode.Sanitize(error));
            context.Redirect(RedirectUriPath.Absolute(http.Request, context.Options.RedirectUri) + "?session=logout");
            return;
        }
        if (parameters["error"] is { } providerError)
        {
            throw Invalid(OidcErrorCodes.ProviderError, "The identity provider did not complete the sign-in.", $"the OP answered error '{OAuthErrorCode.Sanitize(providerError)}'");
        }

        var provider = await runtime.Provider.GetAsync(context.Aborted).ConfigureAwait(false);
        var iss = parameters["iss"];
        if (iss is not null ? !string.Equals(iss, provider.Issuer, StringComparison.Ordinal) : provider.IssParameterSupported || context.Options.RequireIssuerInAuthorizationResponse)
        {
            throw Invalid(OidcErrorCodes.IssuerMismatch, "The sign-in response did not come from the expected identity provider.", iss is null ? "the response has no iss parameter" : "the response's iss parameter names another issuer");
        }
        var code = parameters["code"] ?? throw Invalid(OidcErrorCodes.InvalidAuthorizationResponse, "The sign-in response is malformed.", "the response has no code");

        var properties = new AuthenticationProperties { RedirectUri = stateData.ReturnUrl };
        var received = new AuthorizationResponseReceivedContext(http, context.Scheme, context.Options, properties, parameters.Values);
        if (await RaiseAsync(context, received, context.Events.AuthorizationResponseReceived).ConfigureAwait(false))
        {
            return;
        }

        var tokens = await runtime.TokenEndpoint.RedeemCodeAsync(provider, code, stateData.CodeVerifier, stateData.RedirectUri, context.Aborted).ConfigureAwait(false);
        var tokenResponse = new TokenResponseReceivedContext(http, context.Scheme, context.Options, properties, tokens.Raw);
        if (await RaiseAsync(context, tokenResponse, context.Events.TokenResponseReceived).ConfigureAwait(false))
        {
            return;
        }
        if (tokens.IdToken is null)
        {
            throw OidcProtocolException.InvalidIdToken("the token response has no id_token");
        }
        var idToken = await runtime.IdTokenValidator.ValidateAsync(tokens.IdToken, provider, stateData.Nonce, stateData.MaxAgeRequested, context.Aborted).ConfigureAwait(false);
        var validated = new TokenValidatedContext(http, context.Scheme, context.Options, properties, idToken);
        if (await RaiseAsync(context, validated, context.Events.TokenValidated).ConfigureAwait(false))
        {
            return;
        }

        var idTokenClaims = PayloadOf(idToken);
        var subject = idToken.Subject;
        JsonElement? userInfo = null;
        if (context.Options.UseUserInfo && provider.UserInfoEndpoint is not null && tokens.AccessToken is not null)
        {
            userInfo = await runtime.UserInfo.GetAsync(provider, tokens.AccessToken, subject, context.Aborted).ConfigureAwait(false);
            var userInfoReceived = new UserInfoReceivedContext(http, context.Scheme, context.Options, properties, userInfo.Value);
            if (await RaiseAsync(context, userInfoReceived, context.Events.UserInfoReceived).ConfigureAwait(false))
            {
                return;
            }
        }

        await CreateSessionAsync(context, provider, stateData, parameters, tokens, idToken, userInfo, JsonClaimsMapper.Merge(userInfo, idTokenClaims), properties).ConfigureAwait(false);
    }

    private static async Task CreateSessionAsync(RedirectUriContext context, ProviderMetadata provider, StateData stateData, AuthorizationResponseParameters parameters,
        TokenResponse tokens, JsonWebToken idToken, JsonElement? userInfo, JsonElement claims, AuthenticationProperties properties)
    {
        var http = context.HttpContext;
        var runtime = context.Runtime;
        var options = context.Options;
        var remoteUser = runtime.RemoteUser.Map(claims, provider.Issuer)
            ?? throw new OidcProtocolException(new OidcError(OidcErrorCodes.RemoteUserUnavailable, "The identity provider did not send the claim this application identifies users by.", 401),
                $"the remote-user claim '{options.RemoteUser.Claim}' is missing or does not match RemoteUser:Regex");

        var now = runtime.Time.GetUtcNow();
        var nowSeconds = now.ToUnixTimeSeconds();
        var session = new OidcSession
        {
            Issuer = provider.Issuer,
            Subject = idToken.Subject,
            Sid = idToken.TryGetPayloadValue<string>("sid", out var sid) ? sid : null,
            RemoteUser = remoteUser,
            Claims = claims,
            UserInfo = userInfo,
            UserInfoFetchedAt = nowSeconds,
            IdToken = tokens.IdToken,
            AccessToken = tokens.AccessToken,
            AccessTokenType = tokens.TokenType,
            AccessTokenExpiresAt = tokens.ExpiresIn is { } expiresIn ? nowSeconds + expiresIn : null,
            AccessTokenIssuedAt = nowSeconds,
            RefreshToken = tokens.RefreshToken,
            Scope = tokens.Scope,
            SessionState = parameters["session_state"],
            CreatedAt = nowSeconds,
            LastActivityAt = nowSeconds,
            ExpiresAt = nowSeconds + (long)options.Session.MaxDuration.TotalSeconds,
            State = stateData.State,
            ReturnUrl = stateData.ReturnUrl,
        };
        // Session fixation: whatever session this browser had ends, and the new one gets a new id.
        await runtime.Sessions.CreateAsync(http, session).ConfigureAwait(false);
        runtime.Metrics.Login();
        AuthOpenIdcLog.LoginCompleted(runtime.Logger);

        var principal = SessionPrincipalFactory.Create(session, context.Scheme.Name, options.RoleClaimType);
        var created = new SessionCreatedContext(http, context.Scheme, options, properties, principal, stateData.ReturnUrl);
        if (await RaiseAsync(context, created, context.Events.SessionCreated).ConfigureAwait(false))
        {
            return;
        }
        context.Redirect(runtime.RedirectTargets.Validate(created.ReturnUrl, http.Request) ?? "/");
    }

    /// <summary>
    /// A response whose state cookie is gone (browser back, a reload, a double submit) is harmless when this
    /// browser's session came from that very state: go to the page the login was for (mod_auth_openidc §1.26).
    /// </summary>
    private static async Task<bool> TryRedirectReplayAsync(RedirectUriContext context, string state)
    {
        var runtime = context.Runtime;
        var session = (await runtime.Sessions.LoadAsync(context.HttpContext).ConfigureAwait(false))?.Session;
        if (session?.State is null || !ConstantTime.Equal(session.State, state))
        {
            return false;
        }
        AuthOpenIdcLog.ReplayedResponseRedirected(runtime.Logger);
        context.Redirect(runtime.RedirectTargets.Validate(session.ReturnUrl, context.HttpContext.Request) ?? "/");
        return true;
    }

    /// <summary>Runs an event; true when it took over the response. A Fail() from the event ends the login.</summary>
    private static async Task<bool> RaiseAsync<T>(RedirectUriContext context, T eventContext, Func<T, Task> raise) where T : OidcRelyingPartyEventContext
    {
        await raise(eventContext).ConfigureAwait(false);
        if (eventContext.FailureReason is { } reason)
        {
            throw new OidcProtocolException(new OidcError(OidcErrorCodes.EventRejected, "The sign-in was rejected by the application.", 403), "an event rejected the login: " + reason);
        }
        return eventContext.Handled;
    }

    private static JsonElement PayloadOf(JsonWebToken token)
    {
        using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        return document.RootElement.Clone();
    }

    private static OidcProtocolException Invalid(string code, string description, string logDetail) =>
        new(new OidcError(code, description, 400), logDetail);
}
