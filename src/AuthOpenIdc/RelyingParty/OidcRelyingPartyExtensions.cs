using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OpenID Connect Relying Party scheme.</summary>
public static class OidcRelyingPartyExtensions
{
    /// <summary>Adds the RP under the default scheme name with options from a configuration section.</summary>
    public static AuthenticationBuilder AddOidcRelyingParty(this AuthenticationBuilder builder, IConfigurationSection configuration, Action<OidcRelyingPartyOptions>? configure = null) =>
        builder.AddOidcRelyingParty(OidcRelyingPartyDefaults.AuthenticationScheme, configuration, configure);

    /// <summary>Adds the RP under the default scheme name, configured in code.</summary>
    public static AuthenticationBuilder AddOidcRelyingParty(this AuthenticationBuilder builder, Action<OidcRelyingPartyOptions> configure) =>
        builder.AddOidcRelyingParty(OidcRelyingPartyDefaults.AuthenticationScheme, configuration: null, configure);

    /// <summary>
    /// Adds the RP under <paramref name="scheme"/>: options bind from <paramref name="configuration"/> (if any),
    /// then <paramref name="configure"/> runs; both are validated at startup.
    /// </summary>
    public static AuthenticationBuilder AddOidcRelyingParty(this AuthenticationBuilder builder, string scheme, IConfigurationSection? configuration, Action<OidcRelyingPartyOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var services = builder.Services;

        services.AddAuthOpenIdcCache();
        services.AddAuthOpenIdcAuthorization();
        services.AddDataProtection();
        services.AddMetrics();
        services.TryAddSingleton<AuthOpenIdcMetrics>();
        services.AddHttpClient(OidcRelyingPartyDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OidcRelyingPartyOptions>, OidcRelyingPartyPostConfigureOptions>());
        services.AddSingleton<IValidateOptions<OidcRelyingPartyOptions>>(new OidcRelyingPartyOptionsValidator(scheme));
        AddPassResultHandler(services);

        var options = services.AddOptions<OidcRelyingPartyOptions>(scheme);
        if (configuration is not null)
        {
            options.Bind(configuration).Configure(o => o.ConfigurationPath = configuration.Path);
        }
        options.ValidateOnStart();
        return builder.AddScheme<OidcRelyingPartyOptions, OidcRelyingPartyHandler>(scheme, OidcRelyingPartyDefaults.DisplayName, configure);
    }

    /// <summary>
    /// Takes the place of the framework's default result handler whether <c>AddAuthorization()</c> ran before or
    /// after us, but never of one the app registered itself.
    /// </summary>
    private static void AddPassResultHandler(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing is null)
        {
            services.AddSingleton<IAuthorizationMiddlewareResultHandler, PassUnauthenticatedResultHandler>();
        }
        else if (existing.ImplementationType == typeof(Microsoft.AspNetCore.Authorization.Policy.AuthorizationMiddlewareResultHandler))
        {
            services.Remove(existing);
            services.AddSingleton<IAuthorizationMiddlewareResultHandler, PassUnauthenticatedResultHandler>();
        }
    }
}
