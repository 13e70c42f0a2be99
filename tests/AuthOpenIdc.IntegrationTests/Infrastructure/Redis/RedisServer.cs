using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Redis;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) running as a child process on a free loopback port, with no
/// persistence (<c>--save "" --appendonly no</c>). Start it with <see cref="StartAsync"/>; stop it with
/// <see cref="StopAsync"/> or <see cref="Kill"/> and bring it back on the same port with <see cref="StartAgainAsync"/>
/// (for "Redis goes away and comes back" tests); dispose it to kill it.
/// </summary>
/// <remarks>
/// redis-server is started through a small <c>/bin/sh</c> watchdog that kills it when this process's pipe to it closes,
/// so a test host that dies never leaves a server behind. Override the executable with the environment variable
/// <c>AUTHOPENIDC_REDIS_SERVER</c>; otherwise it is looked up on PATH, then in /usr/bin and /usr/local/bin.
/// </remarks>
public sealed class RedisServer : IAsyncDisposable, IDisposable
{
    /// <summary>The environment variable that overrides the redis-server executable.</summary>
    public const string ExecutableVariable = "AUTHOPENIDC_REDIS_SERVER";

    /// <summary>How long <see cref="StartAsync"/> and <see cref="StartAgainAsync"/> wait for the server to answer PING.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(10);

    private const int MaxOutputLines = 200;
    private const int PortAttempts = 5;
    private static readonly TimeSpan ShutdownGracePeriod = TimeSpan.FromSeconds(5);

    // $0 is redis-server, "$@" its arguments. fd 3 keeps our stdin pipe for the background watchdog, which kills the
    // server ($$ stays the server's pid across exec) once the pipe reaches end of file; the server itself gets /dev/null.
    // The watchdog does not hold our stdout/stderr pipes, so they end when the server does.
    private const string WatchdogScript = "exec 3<&0; (read -r _ <&3; kill $$) </dev/null >/dev/null 2>&1 & exec \"$0\" \"$@\" 3<&- </dev/null";

    private readonly string _executable;
    private readonly string _workingDirectory;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private Process? _process;
    private int _disposed;

    private RedisServer(string executable, int port)
    {
        _executable = executable;
        Port = port;
        _workingDirectory = Path.Combine(Path.GetTempPath(), "authopenidc-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workingDirectory);
    }

    /// <summary>The loopback port the server listens on (the same after <see cref="StartAgainAsync"/>).</summary>
    public int Port { get; }

    /// <summary>
    /// A StackExchange.Redis connection string for the server:
    /// <c>127.0.0.1:&lt;port&gt;,abortConnect=false,connectTimeout=2000,syncTimeout=2000</c>.
    /// </summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    /// <summary>The server's endpoint.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Whether a server process is running now.</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                return _process is { HasExited: false };
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>The id of the current server process, or null when it is stopped.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>
    /// The redis-server executable: <c>AUTHOPENIDC_REDIS_SERVER</c>, else the first <c>redis-server</c> on PATH, else
    /// /usr/bin/redis-server or /usr/local/bin/redis-server.
    /// </summary>
    /// <exception cref="InvalidOperationException">It is not installed.</exception>
    public static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{ExecutableVariable} is '{configured}', which does not exist.");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var candidates = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .Concat(["/usr/bin/redis-server", "/usr/local/bin/redis-server"]);
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server is not installed (not on PATH, nor in /usr/bin or /usr/local/bin). `./build.sh test` installs it " +
            "(Debian/Ubuntu: `apt-get install -y redis-server`; it does not need to run as a service), or set " +
            $"{ExecutableVariable} to its path.");
    }

    /// <summary>
    /// Starts <c>redis-server --port &lt;free port&gt; --bind 127.0.0.1 --save "" --appendonly no --daemonize no</c> and
    /// waits (up to <see cref="StartupTimeout"/>) until it answers PING.
    /// </summary>
    /// <exception cref="InvalidOperationException">redis-server is missing, exited, or did not answer in time.</exception>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(executable, FreeLoopbackPort());
            try
            {
                await server.StartProcessAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < PortAttempts && server.PortWasTaken())
            {
                // Another process took the port between probing and binding: try another one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts the server again on the same <see cref="Port"/> (after <see cref="StopAsync"/> or <see cref="Kill"/>).</summary>
    /// <exception cref="InvalidOperationException">It is still running, exited, or did not answer in time.</exception>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (IsRunning)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is still running.");
        }

        await StartProcessAsync(cancellationToken);
    }

    /// <summary>Stops the server cleanly (<c>SHUTDOWN NOSAVE</c>), killing it if it has not exited after 5 s.</summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            var process = _process;
            if (process is null)
            {
                return;
            }

            if (!HasExited(process))
            {
                try
                {
                    // Redis closes the connection without a reply when the shutdown succeeds.
                    await SendCommandAsync(Port, "SHUTDOWN NOSAVE", TimeSpan.FromSeconds(2), CancellationToken.None);
                }
                catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or OperationCanceledException)
                {
                }

                await WaitOrKillAsync(process);
            }

            Release(process);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would, and waits until it is gone.</summary>
    public void Kill()
    {
        _lifecycle.Wait();
        try
        {
            var process = _process;
            if (process is null)
            {
                return;
            }

            KillTree(process);
            process.WaitForExit(ShutdownGracePeriod);
            Release(process);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a hung or overloaded Redis.
    /// Undo with <see cref="ResumeAsync"/>; <see cref="Kill"/> and disposing work on a paused server too.
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a <see cref="PauseAsync">paused</see> server run again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>The last (up to 200) lines redis-server wrote, oldest first.</summary>
    public IReadOnlyList<string> GetRecentOutput()
    {
        lock (_outputLock)
        {
            return [.. _output];
        }
    }

    /// <summary>Kills the server and deletes its working directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifecycle.WaitAsync();
        try
        {
            if (_process is { } process)
            {
                KillTree(process);
                await WaitOrKillAsync(process);
                Release(process);
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Kills the server and deletes its working directory.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override string ToString() => $"redis-server 127.0.0.1:{Port} ({(IsRunning ? "running" : "stopped")})";

    /// <summary>Sends one inline command and returns the first line of the reply, or null when the server closed the connection.</summary>
    internal static async Task<string?> SendCommandAsync(int port, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, timeoutSource.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeoutSource.Token);
        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeoutSource.Token);
            if (read == 0)
            {
                return reply.Length == 0 ? null : reply.ToString();
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var end = reply.ToString().IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return reply.ToString(0, end);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting right now.
        }
    }

    private static async Task WaitOrKillAsync(Process process)
    {
        using var grace = new CancellationTokenSource(ShutdownGracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            using var afterKill = new CancellationTokenSource(ShutdownGracePeriod);
            try
            {
                await process.WaitForExitAsync(afterKill.Token);
            }
            catch (OperationCanceledException)
            {
                // Nothing more can be done.
            }
        }
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            var startInfo = new ProcessStartInfo("/bin/sh")
            {
                WorkingDirectory = _workingDirectory,
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            foreach (var argument in (string[])["-c", WatchdogScript, _executable,
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", _workingDirectory, "--logfile", ""])
            {
                startInfo.ArgumentList.Add(argument);
            }

            var process = new Process { StartInfo = startInfo };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            try
            {
                process.Start();
            }
            catch (Win32Exception ex)
            {
                process.Dispose();
                throw new InvalidOperationException($"Cannot start '{_executable}' through /bin/sh.", ex);
            }

            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
        }
        finally
        {
            _lifecycle.Release();
        }

        await WaitUntilReadyAsync(cancellationToken);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var process = _process;
            if (process is null || HasExited(process))
            {
                if (process is not null)
                {
                    await process.WaitForExitAsync(CancellationToken.None);
                }

                throw new InvalidOperationException(
                    $"redis-server on port {Port} exited before it answered PING." + FormatOutput());
            }

            try
            {
                if (await SendCommandAsync(Port, "PING", TimeSpan.FromSeconds(1), cancellationToken) == "+PONG")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (stopwatch.Elapsed > StartupTimeout)
            {
                throw new InvalidOperationException(
                    $"redis-server on port {Port} did not answer PING within {StartupTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s." + FormatOutput());
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task SignalAsync(string signal)
    {
        var pid = ProcessId ?? throw new InvalidOperationException($"redis-server on port {Port} is not running.");
        var startInfo = new ProcessStartInfo("kill") { UseShellExecute = false, CreateNoWindow = true };
        startInfo.ArgumentList.Add(signal);
        startInfo.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(startInfo) ?? throw new InvalidOperationException("Cannot start kill.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} failed with exit code {kill.ExitCode}.");
        }
    }

    private bool PortWasTaken() => GetRecentOutput().Any(line => line.Contains("Address already in use", StringComparison.OrdinalIgnoreCase));

    private void Release(Process process)
    {
        try
        {
            // Ends the watchdog, which would otherwise wait for the pipe to close.
            process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
        }

        process.Dispose();
        if (ReferenceEquals(_process, process))
        {
            _process = null;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private string FormatOutput()
    {
        var lines = GetRecentOutput();
        return lines.Count == 0
            ? " It wrote nothing."
            : " Its output:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
