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

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Samples;

/// <summary>
/// A sample under <c>src/samples/</c>: its project name and the static class whose public
/// <c>Build(string[], Action&lt;WebApplicationBuilder&gt;?)</c> creates its app.
/// </summary>
public sealed record SampleProject(string Name, string BuilderType)
{
    /// <summary>The SPA backend-for-frontend sample.</summary>
    public static SampleProject Spa { get; } = new("AuthOpenIdc.Samples.Spa", "AuthOpenIdc.Samples.Spa.SpaApp");

    /// <summary>The API sample, protected by the resource server.</summary>
    public static SampleProject Api { get; } = new("AuthOpenIdc.Samples.Api", "AuthOpenIdc.Samples.Api.ApiApp");

    /// <summary>The web app sample (the RP), which calls the API sample.</summary>
    public static SampleProject WebApp { get; } = new("AuthOpenIdc.Samples.WebApp", "AuthOpenIdc.Samples.WebApp.SampleWebApp");

    /// <summary>The sample's project folder (its content root).</summary>
    public string Directory => Path.Combine(NodeOidcProvider.FindRepositoryRoot(), "src", "samples", Name);
}

/// <summary>
/// A sample (<see cref="SampleProject"/>) running in this process on real Kestrel (127.0.0.1, a free port), with its
/// own appsettings.json (and wwwroot), its settings overridden as needed, e.g. to point it at another OP. Its assembly
/// is loaded from the sample's build output (built here first when missing or older than its sources), and its
/// <c>Build</c> method creates the app; the library it uses is this test assembly's AuthOpenIdc. Log lines are captured.
/// </summary>
public sealed class SampleApp : IAsyncDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    private readonly WebApplication _app;

    private SampleApp(WebApplication app, Uri baseUrl, ConcurrentQueue<string> logs)
    {
        _app = app;
        BaseUrl = baseUrl;
        Logs = logs;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every log line of the app.</summary>
    public ConcurrentQueue<string> Logs { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts <paramref name="project"/> with its appsettings.json (plus appsettings.<paramref name="environment"/>.json),
    /// overriding any <paramref name="settings"/> (configuration keys such as <c>AuthOpenIdc:RelyingParty:Issuer</c>).
    /// </summary>
    public static async Task<SampleApp> StartAsync(SampleProject project, IDictionary<string, string>? settings = null, string environment = "Production")
    {
        ArgumentNullException.ThrowIfNull(project);
        var assembly = await LoadSampleAssemblyAsync(project);
        var build = assembly.GetType(project.BuilderType, throwOnError: true)!
            .GetMethod("Build", BindingFlags.Public | BindingFlags.Static, [typeof(string[]), typeof(Action<WebApplicationBuilder>)])
            ?? throw new InvalidOperationException($"{project.BuilderType} has no public static Build(string[], Action<WebApplicationBuilder>?).");

        var args = new List<string>
        {
            $"--contentRoot={project.Directory}",
            $"--applicationName={project.Name}",
            $"--environment={environment}",
            "--urls=http://127.0.0.1:0",
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
            // The library's debug events too, whatever the sample's appsettings say (a provider rule wins).
            builder.Logging.AddFilter<CapturingLoggerProvider>("AuthOpenIdc", LogLevel.Debug);
        };
        WebApplication app;
        try
        {
            app = (WebApplication)build.Invoke(null, [args.ToArray(), configure])!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"{project.BuilderType}.Build failed: {ex.InnerException.Message}", ex.InnerException);
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
        return new SampleApp(app, new Uri(new Uri(address), "/"), logs);
    }

    /// <summary>The absolute URL of <paramref name="pathAndQuery"/> in this app.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    /// <summary>The app's log, one line per entry.</summary>
    public string AllLogs() => string.Join(Environment.NewLine, Logs);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<Assembly> LoadSampleAssemblyAsync(SampleProject project)
    {
        // Same configuration and target framework as this test assembly: bin/<Configuration>/<tfm>/.
        var configuration = typeof(SampleApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(project.Directory, "bin", configuration, framework, project.Name + ".dll");

        await BuildLock.WaitAsync();
        try
        {
            if (IsStale(project, dll))
            {
                await BuildAsync(project, configuration);
            }
        }
        finally
        {
            BuildLock.Release();
        }
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The sample {project.Name} was built but '{dll}' does not exist.");
        }
        // The default load context resolves the sample's own references (AuthOpenIdc, ASP.NET Core) to this
        // process's copies.
        return Assembly.LoadFrom(dll);
    }

    private static bool IsStale(SampleProject project, string dll)
    {
        if (!File.Exists(dll))
        {
            return true;
        }
        var built = File.GetLastWriteTimeUtc(dll);
        return new DirectoryInfo(project.Directory)
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is ".cs" or ".csproj")
            .Where(f => !f.FullName.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.FullName.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Any(f => f.LastWriteTimeUtc > built);
    }

    private static async Task BuildAsync(SampleProject project, string configuration)
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
        foreach (var argument in new[] { "build", Path.Combine(project.Directory, project.Name + ".csproj"), "-c", configuration, "-nologo", "-v", "q", "-nodeReuse:false", "-p:UseSharedCompilation=false" })
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
            throw new InvalidOperationException($"Cannot start `dotnet build` for the sample {project.Name}.", ex);
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
            throw new InvalidOperationException($"`dotnet build` of the sample {project.Name} did not finish within {BuildTimeout}.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`dotnet build` of the sample {project.Name} failed (exit code {process.ExitCode}):{Environment.NewLine}{await output}{await error}");
        }
    }
}
