using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;

/// <summary>
/// A real OpenID Provider (the npm package <c>oidc-provider</c>, see <c>tests/oidc-provider</c>) running as a child
/// <c>node</c> process on a free loopback port. Start it with <see cref="StartAsync"/>; dispose it to stop it.
/// </summary>
/// <remarks>
/// The process keeps running only while its stdin pipe is open, so a test host that dies never leaves it behind.
/// Clients and secrets are in <see cref="NodeOpClients"/>. Override the node executable with the environment variable
/// <c>AUTHOPENIDC_NODE</c>.
/// </remarks>
public sealed class NodeOidcProvider : IAsyncDisposable
{
    /// <summary>Environment variable of server.mjs: a JSON array of client metadata objects to register too.</summary>
    public const string ExtraClientsVariable = "OP_EXTRA_CLIENTS";

    /// <summary>Environment variable of server.mjs: the access token lifetime in seconds (default 300).</summary>
    public const string AccessTokenTtlVariable = "OP_ACCESS_TOKEN_TTL";

    /// <summary>Environment variable of server.mjs: "1" logs every request to stderr (see <see cref="GetRecentStandardError"/>).</summary>
    public const string DebugVariable = "OP_DEBUG";

    /// <summary>Environment variable of server.mjs: "1" also accepts POST at /auth and /session/end (enableHttpPostMethods).</summary>
    public const string EnableHttpPostVariable = "OP_ENABLE_HTTP_POST";

    /// <summary>How long <see cref="StartAsync"/> waits for the READY line.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);

    private const int MaxStandardErrorLines = 200;
    private static readonly TimeSpan ShutdownGracePeriod = TimeSpan.FromSeconds(3);

    private readonly Process _process;
    private readonly Queue<string> _standardError = new();
    private readonly Lock _standardErrorLock = new();
    private readonly TaskCompletionSource<Uri> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private NodeOidcProvider(Process process)
    {
        _process = process;
    }

    /// <summary>The issuer, <c>http://127.0.0.1:&lt;port&gt;</c> (its string form has no trailing slash).</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>The issuer exactly as the OP spells it (no trailing slash), e.g. for comparing with <c>iss</c>.</summary>
    public string IssuerString => Issuer.GetLeftPart(UriPartial.Authority);

    /// <summary>How long the start took, from spawning node to the READY line.</summary>
    public TimeSpan StartupDuration { get; private set; }

    /// <summary>The id of the node process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the node process has exited.</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary><c>/.well-known/openid-configuration</c>.</summary>
    public Uri DiscoveryEndpoint => Endpoint("/.well-known/openid-configuration");

    /// <summary><c>/auth</c>.</summary>
    public Uri AuthorizationEndpoint => Endpoint("/auth");

    /// <summary><c>/token</c>.</summary>
    public Uri TokenEndpoint => Endpoint("/token");

    /// <summary><c>/me</c>.</summary>
    public Uri UserInfoEndpoint => Endpoint("/me");

    /// <summary><c>/jwks</c>.</summary>
    public Uri JwksUri => Endpoint("/jwks");

    /// <summary><c>/session/end</c>.</summary>
    public Uri EndSessionEndpoint => Endpoint("/session/end");

    /// <summary><c>/token/introspection</c>.</summary>
    public Uri IntrospectionEndpoint => Endpoint("/token/introspection");

    /// <summary><c>/token/revocation</c>.</summary>
    public Uri RevocationEndpoint => Endpoint("/token/revocation");

    /// <summary><c>/request</c> (pushed authorization requests).</summary>
    public Uri PushedAuthorizationRequestEndpoint => Endpoint("/request");

    /// <summary>An absolute URL on the OP for <paramref name="pathAndQuery"/> (which starts with '/').</summary>
    public Uri Endpoint(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        if (!pathAndQuery.StartsWith('/'))
        {
            throw new ArgumentException("The path must start with '/'.", nameof(pathAndQuery));
        }

        return new Uri(IssuerString + pathAndQuery, UriKind.Absolute);
    }

    /// <summary>
    /// An access token from a client_credentials grant of <see cref="NodeOpClients.ResourceServerClientId"/>: for the API
    /// <paramref name="resource"/> (a JWT for <see cref="NodeOpClients.TestApiResource"/>, opaque for
    /// <see cref="NodeOpClients.TestApiOpaqueResource"/>) with <paramref name="scope"/>, or, with no resource, an opaque
    /// token without scope.
    /// </summary>
    public async Task<string> ClientCredentialsTokenAsync(string? resource, string scope = NodeOpClients.TestApiScopes)
    {
        using var http = new HttpClient();
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (resource is not null)
        {
            form.Add(new("resource", resource));
            form.Add(new("scope", scope));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            NodeOpClients.ResourceServerClientId + ":" + NodeOpClients.ResourceServerClientSecret)));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The OP refused the client_credentials grant: {(int)response.StatusCode} {body}");
        }
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The last (up to 200) lines the OP wrote to stderr, oldest first.</summary>
    public IReadOnlyList<string> GetRecentStandardError()
    {
        lock (_standardErrorLock)
        {
            return [.. _standardError];
        }
    }

    /// <summary>The folder holding <c>AuthOpenIdc.sln</c>, found by walking up from <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AuthOpenIdc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Cannot find the repository root (a folder holding AuthOpenIdc.sln) above '{AppContext.BaseDirectory}'.");
    }

    /// <summary>
    /// Starts <c>node tests/oidc-provider/server.mjs --port 0</c> and waits (up to <see cref="StartupTimeout"/>) until
    /// it is listening.
    /// </summary>
    /// <param name="environment">Extra environment variables for the OP, e.g. <see cref="ExtraClientsVariable"/>.</param>
    /// <param name="cancellationToken">Cancels the start (the process is then killed).</param>
    /// <exception cref="InvalidOperationException">
    /// node_modules is missing, node cannot be started, or the OP exited or did not become ready in time.
    /// </exception>
    public static async Task<NodeOidcProvider> StartAsync(
        IDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var providerDirectory = Path.Combine(FindRepositoryRoot(), "tests", "oidc-provider");
        var script = Path.Combine(providerDirectory, "server.mjs");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"The test OpenID Provider script '{script}' does not exist.");
        }

        if (!Directory.Exists(Path.Combine(providerDirectory, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException(
                $"The test OpenID Provider's npm packages are not installed ('{Path.Combine(providerDirectory, "node_modules")}' " +
                "is missing). Run `npm ci --prefix tests/oidc-provider` (or `./build.sh test`) from the repository root.");
        }

        var nodeExecutable = Environment.GetEnvironmentVariable("AUTHOPENIDC_NODE");
        if (string.IsNullOrWhiteSpace(nodeExecutable))
        {
            nodeExecutable = "node";
        }

        var startInfo = new ProcessStartInfo(nodeExecutable)
        {
            WorkingDirectory = providerDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(script);
        startInfo.ArgumentList.Add("--port");
        startInfo.ArgumentList.Add("0");
        startInfo.ArgumentList.Add("--host");
        startInfo.ArgumentList.Add("127.0.0.1");
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var provider = new NodeOidcProvider(process);
        process.OutputDataReceived += (_, e) => provider.OnStandardOutput(e.Data);
        process.ErrorDataReceived += (_, e) => provider.OnStandardError(e.Data);

        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Cannot start '{nodeExecutable}' for the test OpenID Provider; Node.js 20 or later must be on PATH " +
                "(or set AUTHOPENIDC_NODE to its path).",
                ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = provider.ObserveExitAsync();

        try
        {
            provider.Issuer = await provider._ready.Task.WaitAsync(StartupTimeout, cancellationToken);
            provider.StartupDuration = stopwatch.Elapsed;
            return provider;
        }
        catch (TimeoutException)
        {
            await provider.DisposeAsync();
            throw new InvalidOperationException(
                $"The test OpenID Provider did not print READY within {StartupTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s." +
                provider.FormatStandardError());
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the OP's stdin (it then exits) and kills the process tree if it is still running after 3 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!HasExited)
            {
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The pipe is already broken: the process is going away anyway.
                }
                catch (InvalidOperationException)
                {
                }

                using var grace = new CancellationTokenSource(ShutdownGracePeriod);
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    using var afterKill = new CancellationTokenSource(ShutdownGracePeriod);
                    try
                    {
                        await _process.WaitForExitAsync(afterKill.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // Nothing more can be done.
                    }
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Issuer is null ? "NodeOidcProvider (starting)" : $"NodeOidcProvider {IssuerString}";

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting right now, or not ours to kill.
        }
    }

    private async Task ObserveExitAsync()
    {
        try
        {
            // Also waits until stdout and stderr have been read to their end, so the stderr tail is complete.
            await _process.WaitForExitAsync();
            var exitCode = _process.ExitCode;
            _ready.TrySetException(new InvalidOperationException(
                $"The test OpenID Provider exited with code {exitCode.ToString(CultureInfo.InvariantCulture)} before it was ready." +
                FormatStandardError()));
        }
        catch (InvalidOperationException)
        {
            // The process object was disposed.
        }
    }

    private void OnStandardOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        const string Prefix = "READY ";
        if (line.StartsWith(Prefix, StringComparison.Ordinal)
            && Uri.TryCreate(line[Prefix.Length..].Trim(), UriKind.Absolute, out var issuer))
        {
            _ready.TrySetResult(issuer);
            return;
        }

        AppendStandardError("[stdout] " + line);
    }

    private void OnStandardError(string? line)
    {
        if (line is not null)
        {
            AppendStandardError(line);
        }
    }

    private void AppendStandardError(string line)
    {
        lock (_standardErrorLock)
        {
            _standardError.Enqueue(line);
            while (_standardError.Count > MaxStandardErrorLines)
            {
                _standardError.Dequeue();
            }
        }
    }

    private string FormatStandardError()
    {
        var lines = GetRecentStandardError();
        return lines.Count == 0
            ? " It wrote nothing to stderr."
            : " Its stderr:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
