using AuthOpenIdc.Caching;
using AuthOpenIdc.Claims;
using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RedirectUri;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// The long-lived parts of one RP scheme (metadata cache, protocol clients, cookies, session store,
/// redirect_uri dispatcher), built once by <see cref="OidcRelyingPartyPostConfigureOptions"/>. Handlers
/// are per request; these are not, so metadata and keys are fetched once per scheme, not per request.
/// </summary>
internal sealed class RelyingPartyRuntime
{
    public RelyingPartyRuntime(string scheme, OidcRelyingPartyOptions options, IHttpClientFactory httpClientFactory, IDataProtectionProvider dataProtection,
        ProtectedCache cache, TimeProvider time, ILoggerFactory loggerFactory, AuthOpenIdcMetrics metrics)
    {
        Time = time;
        Metrics = metrics;
        Logger = loggerFactory.CreateLogger("AuthOpenIdc.RelyingParty");
        var backchannel = new OpBackchannel(httpClientFactory, options.BackchannelTimeout, options.RequireHttpsMetadata);
        Provider = new ProviderMetadataCache(options, backchannel, time, loggerFactory.CreateLogger("AuthOpenIdc.Protocol"));
        ClientKeys = new Lazy<ClientKeys>(() => Protocol.ClientKeys.Load(options.ClientAssertion.PrivateKeyFiles));
        var client = new ClientAuthenticator(options.TokenEndpointAuthMethod, options.ClientId ?? string.Empty, options.ClientSecret, options.ClientAssertion, ClientKeys, time);
        TokenEndpoint = new TokenEndpointClient(options, backchannel, client);
        IdTokenValidator = new IdTokenValidator(options, Provider, cache, time, loggerFactory.CreateLogger("AuthOpenIdc.Protocol"));
        UserInfo = new UserInfoClient(backchannel, IdTokenValidator);
        var protector = dataProtection.CreateProtector("AuthOpenIdc.RelyingParty", scheme);
        SessionCookie = new SessionCookie(options.Session, protector.CreateProtector("session-id.v1"));
        StateCookies = new StateCookies(options, protector.CreateProtector("state.v1"), SessionCookie, time);
        Sessions = new SessionManager(options.Session, SessionCookie, new SessionStore(cache), new SessionIndex(cache),
            new CookieSessionStore(options.Session, protector.CreateProtector("client-session.v1"), SessionCookie), time, Logger);
        Refresh = new TokenRefresher(options, Provider, TokenEndpoint, IdTokenValidator, cache, Sessions, time, Logger);
        LogoutTokens = new LogoutTokenValidator(options, IdTokenValidator, cache, time);
        RemoteUser = new RemoteUserMapper(options.RemoteUser);
        RedirectTargets = new RedirectTargetValidator(options.AllowedRedirectUrls);
        Dispatcher = new RedirectUriDispatcher(
        [
            // Logout first: a back-channel logout is a POST too and must not be taken for a form_post response.
            // The specific logout kinds come before the general ?logout=<url>.
            new BackChannelLogoutEndpoint(),
            new FrontChannelLogoutEndpoint(),
            new LogoutEndpoint(),
            new InfoHookEndpoint(),
            new RefreshEndpoint(),
            new JwksEndpoint(),
            new SessionManagementEndpoint(),
            new AdminEndpoint(),
            new ThirdPartyLoginEndpoint(),
            new AuthorizationResponseEndpoint(),
        ]);
    }

    public TimeProvider Time { get; }
    public AuthOpenIdcMetrics Metrics { get; }
    public ILogger Logger { get; }
    public ProviderMetadataCache Provider { get; }
    public TokenEndpointClient TokenEndpoint { get; }

    /// <summary>The RP's private keys (<c>private_key_jwt</c>), loaded on first use: the validator reports bad ones at startup.</summary>
    public Lazy<ClientKeys> ClientKeys { get; }
    public UserInfoClient UserInfo { get; }
    public IdTokenValidator IdTokenValidator { get; }
    public SessionCookie SessionCookie { get; }
    public StateCookies StateCookies { get; }
    public SessionManager Sessions { get; }
    public TokenRefresher Refresh { get; }
    public LogoutTokenValidator LogoutTokens { get; }
    public RemoteUserMapper RemoteUser { get; }
    public RedirectTargetValidator RedirectTargets { get; }
    public RedirectUriDispatcher Dispatcher { get; }
}
