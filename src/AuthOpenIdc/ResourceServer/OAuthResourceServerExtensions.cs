using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OAuth 2.0 Resource Server scheme and the mixed-mode policy scheme.</summary>
public static class OAuthResourceServerExtensions
{
    /// <summary>Adds the resource server under the default scheme name with options from a configuration section.</summary>
    public static AuthenticationBuilder AddOAuthResourceServer(this AuthenticationBuilder builder, IConfigurationSection configuration, Action<OAuthResourceServerOptions>? configure = null) =>
        builder.AddOAuthResourceServer(OAuthResourceServerDefaults.AuthenticationScheme, configuration, configure);

    /// <summary>Adds the resource server under the default scheme name, configured in code.</summary>
    public static AuthenticationBuilder AddOAuthResourceServer(this AuthenticationBuilder builder, Action<OAuthResourceServerOptions> configure) =>
        builder.AddOAuthResourceServer(OAuthResourceServerDefaults.AuthenticationScheme, configuration: null, configure);

    /// <summary>
    /// Adds the resource server under <paramref name="scheme"/>: options bind from <paramref name="configuration"/> (if any),
    /// then <paramref name="configure"/> runs; both are validated at startup, and a missing audience is logged as a warning.
    /// </summary>
    public static AuthenticationBuilder AddOAuthResourceServer(this AuthenticationBuilder builder, string scheme, IConfigurationSection? configuration, Action<OAuthResourceServerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var services = builder.Services;

        services.AddAuthOpenIdcCache();
        services.AddAuthOpenIdcAuthorization();
        services.AddHttpClient(OidcRelyingPartyDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddMetrics();
        services.TryAddSingleton<AuthOpenIdcMetrics>();
        services.TryAddSingleton<ResourceServerRuntimes>();
        services.AddSingleton<IValidateOptions<OAuthResourceServerOptions>>(new OAuthResourceServerOptionsValidator(scheme));
        services.AddSingleton<IPostConfigureOptions<OAuthResourceServerOptions>>(sp => new OAuthResourceServerAudienceWarning(scheme, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IPostConfigureOptions<OAuthResourceServerOptions>>(new ConfiguredSigningKeys(scheme));

        var options = services.AddOptions<OAuthResourceServerOptions>(scheme);
        if (configuration is not null)
        {
            options.Bind(configuration).Configure(o => o.ConfigurationPath = configuration.Path);
        }
        options.ValidateOnStart();
        return builder.AddScheme<OAuthResourceServerOptions, OAuthResourceServerHandler>(scheme, OAuthResourceServerDefaults.DisplayName, configure);
    }

    /// <summary>
    /// Mixed mode (mod_auth_openidc <c>AuthType auth-openidc</c>) under <see cref="OAuthResourceServerDefaults.OidcOrBearerScheme"/>:
    /// a request with an <c>Authorization: Bearer</c> header goes to the resource server scheme, any other to the relying party.
    /// </summary>
    public static AuthenticationBuilder AddOidcOrBearer(this AuthenticationBuilder builder) =>
        builder.AddOidcOrBearer(OAuthResourceServerDefaults.OidcOrBearerScheme, OidcRelyingPartyDefaults.AuthenticationScheme, OAuthResourceServerDefaults.AuthenticationScheme);

    /// <summary>
    /// Mixed mode under <paramref name="scheme"/>: a policy scheme that forwards every operation (authenticate, challenge,
    /// forbid, sign-out) to <paramref name="resourceServerScheme"/> when the request has an <c>Authorization: Bearer</c>
    /// header, otherwise to <paramref name="relyingPartyScheme"/>. Both schemes must be added separately. Policies that
    /// should accept only one kind of caller must check <c>User.Identity.AuthenticationType</c> (the scheme name).
    /// </summary>
    public static AuthenticationBuilder AddOidcOrBearer(this AuthenticationBuilder builder, string scheme, string relyingPartyScheme, string resourceServerScheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentException.ThrowIfNullOrEmpty(relyingPartyScheme);
        ArgumentException.ThrowIfNullOrEmpty(resourceServerScheme);
        return builder.AddPolicyScheme(scheme, "OpenID Connect or bearer token", options =>
        {
            options.ForwardDefaultSelector = context =>
            {
                var authorization = context.Request.Headers[HeaderNames.Authorization];
                return authorization.Count > 0 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? resourceServerScheme
                    : relyingPartyScheme;
            };
        });
    }
}
