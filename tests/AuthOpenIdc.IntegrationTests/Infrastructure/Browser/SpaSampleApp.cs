using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Rp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Browser;

/// <summary>
/// The SPA sample (<c>src/samples/AuthOpenIdc.Samples.Spa</c>) running in this process on real Kestrel
/// (127.0.0.1, a free port), with its own appsettings.json and wwwroot, pointed at another OP. Its assembly is
/// loaded from the sample's build output (built here first when missing or older than its sources), and
/// <c>SpaApp.Build</c> creates the app; the library it uses is this test assembly's AuthOpenIdc. Log lines are
/// captured.
/// </summary>
public sealed class SpaSampleApp : IAsyncDisposable
{
    private const string ProjectName = "AuthOpenIdc.Samples.Spa";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    private readonly WebApplication _app;

    private SpaSampleApp(WebApplication app, Uri baseUrl, ConcurrentQueue<string> logs)
    {
        _app = app;
        BaseUrl = baseUrl;
        Logs = logs;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every log line of the app.</summary>
    public ConcurrentQueue<string> Logs { get; }

    /// <summary>The sample's project folder (its content root).</summary>
    public static string ProjectDirectory => Path.Combine(NodeOidcProvider.FindRepositoryRoot(), "src", "samples", ProjectName);

    /// <summary>
    /// Starts the sample with its appsettings.json, overriding the OP's <paramref name="issuer"/> and any
    /// <paramref name="settings"/> (configuration keys such as <c>AuthOpenIdc:RelyingParty:ClientId</c>).
    /// </summary>
    public static async Task<SpaSampleApp> StartAsync(string issuer, IDictionary<string, string>? settings = null)
    {
        var assembly = await LoadSampleAssemblyAsync();
        var build = assembly.GetType("AuthOpenIdc.Samples.Spa.SpaApp", throwOnError: true)!
            .GetMethod("Build", BindingFlags.Public | BindingFlags.Static, [typeof(string[]), typeof(Action<WebApplicationBuilder>)])
            ?? throw new InvalidOperationException("The SPA sample has no public static SpaApp.Build(string[], Action<WebApplicationBuilder>?).");

        var args = new List<string>
        {
            $"--contentRoot={ProjectDirectory}",
            $"--applicationName={ProjectName}",
            "--environment=Production",
            "--urls=http://127.0.0.1:0",
            $"--AuthOpenIdc:RelyingParty:Issuer={issuer}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }

        var logs = new ConcurrentQueue<string>();
        Action<WebApplicationBuilder> configure = builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new CapturingLoggerProvider(logs));
        };
        WebApplication app;
        try
        {
            app = (WebApplication)build.Invoke(null, [args.ToArray(), configure])!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"SpaApp.Build failed: {ex.InnerException.Message}", ex.InnerException);
        }

        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SpaSampleApp(app, new Uri(new Uri(address), "/"), logs);
    }

    /// <summary>The app's log, one line per entry.</summary>
    public string AllLogs() => string.Join(Environment.NewLine, Logs);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<Assembly> LoadSampleAssemblyAsync()
    {
        // Same configuration and target framework as this test assembly: bin/<Configuration>/<tfm>/.
        var configuration = typeof(SpaSampleApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(ProjectDirectory, "bin", configuration, framework, ProjectName + ".dll");

        await BuildLock.WaitAsync();
        try
        {
            if (IsStale(dll))
            {
                await BuildAsync(configuration);
            }
        }
        finally
        {
            BuildLock.Release();
        }
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The SPA sample was built but '{dll}' does not exist.");
        }
        // The default load context resolves the sample's own references (AuthOpenIdc, ASP.NET Core) to this
        // process's copies.
        return Assembly.LoadFrom(dll);
    }

    private static bool IsStale(string dll)
    {
        if (!File.Exists(dll))
        {
            return true;
        }
        var built = File.GetLastWriteTimeUtc(dll);
        return new DirectoryInfo(ProjectDirectory)
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is ".cs" or ".csproj")
            .Where(f => !f.FullName.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.FullName.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Any(f => f.LastWriteTimeUtc > built);
    }

    private static async Task BuildAsync(string configuration)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = NodeOidcProvider.FindRepositoryRoot(),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        // No lingering MSBuild or compiler server processes after the test run.
        foreach (var argument in new[] { "build", Path.Combine(ProjectDirectory, ProjectName + ".csproj"), "-c", configuration, "-nologo", "-v", "q", "-nodeReuse:false", "-p:UseSharedCompilation=false" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("Cannot start `dotnet build` for the SPA sample.", ex);
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(BuildTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"`dotnet build` of the SPA sample did not finish within {BuildTimeout}.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`dotnet build` of the SPA sample failed (exit code {process.ExitCode}):{Environment.NewLine}{await output}{await error}");
        }
    }
}
