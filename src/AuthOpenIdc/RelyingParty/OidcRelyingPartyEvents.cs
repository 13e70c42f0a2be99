using AuthOpenIdc.RelyingParty.Events;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// The Relying Party's events: set the <c>On*</c> delegates, or derive, override the methods, register the
/// derived type in DI and name it in <c>EventsType</c>.
/// </summary>
public class OidcRelyingPartyEvents
{
    /// <summary>Before the redirect to the OP.</summary>
    public Func<RedirectToIdentityProviderContext, Task> OnRedirectToIdentityProvider { get; set; } = _ => Task.CompletedTask;

    /// <summary>When an authorization response matched its state.</summary>
    public Func<AuthorizationResponseReceivedContext, Task> OnAuthorizationResponseReceived { get; set; } = _ => Task.CompletedTask;

    /// <summary>When the token endpoint answered.</summary>
    public Func<TokenResponseReceivedContext, Task> OnTokenResponseReceived { get; set; } = _ => Task.CompletedTask;

    /// <summary>When the ID token passed validation.</summary>
    public Func<TokenValidatedContext, Task> OnTokenValidated { get; set; } = _ => Task.CompletedTask;

    /// <summary>When userinfo was received.</summary>
    public Func<UserInfoReceivedContext, Task> OnUserInfoReceived { get; set; } = _ => Task.CompletedTask;

    /// <summary>When a session was created.</summary>
    public Func<SessionCreatedContext, Task> OnSessionCreated { get; set; } = _ => Task.CompletedTask;

    /// <summary>When a login or redirect_uri request failed.</summary>
    public Func<AuthenticationFailedContext, Task> OnAuthenticationFailed { get; set; } = _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnRedirectToIdentityProvider"/>.</summary>
    public virtual Task RedirectToIdentityProvider(RedirectToIdentityProviderContext context) => OnRedirectToIdentityProvider(context);

    /// <summary>Invokes <see cref="OnAuthorizationResponseReceived"/>.</summary>
    public virtual Task AuthorizationResponseReceived(AuthorizationResponseReceivedContext context) => OnAuthorizationResponseReceived(context);

    /// <summary>Invokes <see cref="OnTokenResponseReceived"/>.</summary>
    public virtual Task TokenResponseReceived(TokenResponseReceivedContext context) => OnTokenResponseReceived(context);

    /// <summary>Invokes <see cref="OnTokenValidated"/>.</summary>
    public virtual Task TokenValidated(TokenValidatedContext context) => OnTokenValidated(context);

    /// <summary>Invokes <see cref="OnUserInfoReceived"/>.</summary>
    public virtual Task UserInfoReceived(UserInfoReceivedContext context) => OnUserInfoReceived(context);

    /// <summary>Invokes <see cref="OnSessionCreated"/>.</summary>
    public virtual Task SessionCreated(SessionCreatedContext context) => OnSessionCreated(context);

    /// <summary>Invokes <see cref="OnAuthenticationFailed"/>.</summary>
    public virtual Task AuthenticationFailed(AuthenticationFailedContext context) => OnAuthenticationFailed(context);
}
