using AuthOpenIdc.Caching;
using AuthOpenIdc.IntegrationTests.Infrastructure.Redis;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.IntegrationTests.Sessions;

/// <summary>
/// Instances of one app as a farm runs them: the same OP client, the same cache passphrase, the same Data
/// Protection key ring (a shared directory) and one real Redis behind the <see cref="IDistributedCache"/>.
/// </summary>
public sealed class SharedCacheFarm : IAsyncDisposable
{
    public const string Passphrase = "farm-passphrase-with-enough-entropy-0123456789";

    private readonly string _keyRing = Directory.CreateTempSubdirectory("authopenidc-keyring-").FullName;
    private readonly List<RpApp> _instances = [];

    private SharedCacheFarm(ScriptableOp op, RedisServer redis)
    {
        Op = op;
        Redis = redis;
    }

    public ScriptableOp Op { get; }
    public RedisServer Redis { get; }

    /// <summary>One clock for every instance, as a farm's servers share real time.</summary>
    public ManualTimeProvider Clock { get; } = new();

    public static async Task<SharedCacheFarm> StartAsync(RedisServer redis) => new(await ScriptableOp.StartAsync(), redis);

    public async Task<RpApp> StartInstanceAsync(Action<OidcRelyingPartyOptions>? tweak = null, IList<string>? passphrases = null)
    {
        var app = await RpApp.StartAsync(o =>
        {
            o.Issuer = Op.IssuerIdentifier;
            o.ClientId = ScriptableOp.DefaultClientId;
            o.ClientSecret = ScriptableOp.DefaultClientSecret;
            o.RequireHttpsMetadata = false;
            tweak?.Invoke(o);
        }, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddDataProtection().SetApplicationName("farm-test").PersistKeysToFileSystem(new DirectoryInfo(_keyRing));
            services.AddSingleton<IDistributedCache>(_ => new RedisDistributedCache(Redis.ConnectionString, TimeSpan.FromSeconds(2)));
            services.AddAuthOpenIdcCache(o =>
            {
                o.Backend = AuthOpenIdcCacheBackend.DistributedCache;
                o.OperationTimeout = TimeSpan.FromSeconds(2);
                foreach (var passphrase in passphrases ?? [Passphrase])
                {
                    o.CryptoPassphrases.Add(passphrase);
                }
            });
        });
        _instances.Add(app);
        return app;
    }

    public async Task StopInstanceAsync(RpApp app)
    {
        _instances.Remove(app);
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _instances)
        {
            await app.DisposeAsync();
        }
        await Op.DisposeAsync();
        Directory.Delete(_keyRing, recursive: true);
    }
}
