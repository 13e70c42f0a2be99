using AuthOpenIdc.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the handlers that evaluate AuthOpenIdc's authorization requirements.</summary>
public static class AuthOpenIdcAuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the handlers for <see cref="ClaimRequirement"/> and <see cref="ScopeRequirement"/>.
    /// Idempotent, because the relying-party and resource-server registrations call it as well.
    /// </summary>
    public static IServiceCollection AddAuthOpenIdcAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ClaimRequirementHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeRequirementHandler>());
        return services;
    }

    /// <summary>
    /// Registers the handlers and the policies of a configuration section (see
    /// <see cref="AuthOpenIdcPolicies.AddClaimPolicies"/>), parsing them now so that a bad expression
    /// stops the application at startup instead of failing its first request.
    /// </summary>
    /// <exception cref="FormatException">An expression is invalid; the message names the configuration key.</exception>
    public static IServiceCollection AddAuthOpenIdcAuthorization(this IServiceCollection services, IConfiguration policies)
    {
        ArgumentNullException.ThrowIfNull(services);
        var built = AuthOpenIdcPolicies.BuildPolicies(policies);
        services.AddAuthOpenIdcAuthorization();
        services.Configure<AuthorizationOptions>(options =>
        {
            foreach (var (name, policy) in built)
            {
                options.AddPolicy(name, policy);
            }
        });
        return services;
    }
}
