using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Caching;

/// <summary>
/// Checks the cache settings at startup, each message naming its key and mod_auth_openidc directive, so a farm
/// misconfiguration stops the app before its first login rather than at it.
/// </summary>
internal sealed class AuthOpenIdcCacheOptionsValidator : IValidateOptions<AuthOpenIdcCacheOptions>
{
    private readonly IServiceProviderIsService _services;

    public AuthOpenIdcCacheOptionsValidator(IServiceProviderIsService services)
    {
        _services = services;
    }

    public ValidateOptionsResult Validate(string? name, AuthOpenIdcCacheOptions options)
    {
        const string path = AuthOpenIdcCacheOptions.ConfigurationSection;
        var errors = new List<string>();
        if (options.Backend == AuthOpenIdcCacheBackend.File && string.IsNullOrWhiteSpace(options.FileDirectory))
        {
            errors.Add($"{path}:FileDirectory is required when Backend is File (OIDCCacheDir)");
        }
        if (options.Backend == AuthOpenIdcCacheBackend.DistributedCache && !_services.IsService(typeof(IDistributedCache)))
        {
            errors.Add($"{path}:Backend is DistributedCache, but no IDistributedCache is registered: add one, e.g. services.AddStackExchangeRedisCache(...) (OIDCCacheType redis)");
        }
        if (options.Backend != AuthOpenIdcCacheBackend.Memory && options.OperationTimeout <= TimeSpan.Zero && options.OperationTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{path}:OperationTimeout must be positive (OIDCRedisCacheTimeout)");
        }
        if (options.CryptoPassphrases.Any(p => p.Length is > 0 and < 16))
        {
            errors.Add($"{path}:CryptoPassphrases entries must be at least 16 characters (OIDCCryptoPassphrase)");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
