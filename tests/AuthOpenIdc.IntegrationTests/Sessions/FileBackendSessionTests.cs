using System.Net;
using AuthOpenIdc.Caching;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.IntegrationTests.Sessions;

/// <summary>The file backend through the RP: sessions survive an app restart on one host, and bad settings stop startup.</summary>
public sealed class FileBackendSessionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("authopenidc-file-").FullName;

    private Task<RpApp> StartAsync(ScriptableOp op) => RpApp.StartAsync(o =>
    {
        o.Issuer = op.IssuerIdentifier;
        o.ClientId = ScriptableOp.DefaultClientId;
        o.ClientSecret = ScriptableOp.DefaultClientSecret;
        o.RequireHttpsMetadata = false;
    }, services =>
    {
        services.AddDataProtection().SetApplicationName("file-test").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(_root, "keys")));
        services.AddAuthOpenIdcCache(o =>
        {
            o.Backend = AuthOpenIdcCacheBackend.File;
            o.FileDirectory = Path.Combine(_root, "cache");
            o.CryptoPassphrases.Add("file-backend-passphrase-0123456789");
        });
    });

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_session_survives_an_app_restart_and_its_file_is_owner_only()
    {
        await using var op = await ScriptableOp.StartAsync();
        using var browser = RpApp.NewBrowser();
        var first = await StartAsync(op);
        using (var login = await OidcLoginDriver.LoginAsync(browser, first.Url("/protected"), "alice"))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        await first.DisposeAsync();

        await using var second = await StartAsync(op);
        using var page = await browser.GetAsync(second.Url("/protected"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var files = Directory.GetFiles(Path.Combine(_root, "cache"), "*.entry");
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.All(files, f => Assert.DoesNotContain("alice", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_file_backend_without_a_directory_fails_at_startup_naming_the_key()
    {
        await using var op = await ScriptableOp.StartAsync();
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RpApp.StartAsync(o =>
        {
            o.Issuer = op.IssuerIdentifier;
            o.ClientId = ScriptableOp.DefaultClientId;
            o.ClientSecret = ScriptableOp.DefaultClientSecret;
            o.RequireHttpsMetadata = false;
        }, services => services.AddAuthOpenIdcCache(o => o.Backend = AuthOpenIdcCacheBackend.File)));
        Assert.Contains("AuthOpenIdc:Cache:FileDirectory is required when Backend is File (OIDCCacheDir)", failure.Failures);
    }

    [Fact]
    public async Task The_distributed_backend_without_an_IDistributedCache_fails_at_startup()
    {
        await using var op = await ScriptableOp.StartAsync();
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RpApp.StartAsync(o =>
        {
            o.Issuer = op.IssuerIdentifier;
            o.ClientId = ScriptableOp.DefaultClientId;
            o.ClientSecret = ScriptableOp.DefaultClientSecret;
            o.RequireHttpsMetadata = false;
        }, services => services.AddAuthOpenIdcCache(o => o.Backend = AuthOpenIdcCacheBackend.DistributedCache)));
        Assert.Contains(failure.Failures, f => f.StartsWith("AuthOpenIdc:Cache:Backend is DistributedCache, but no IDistributedCache is registered", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
