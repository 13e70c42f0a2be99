using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Browser;

/// <summary>
/// Runs a real-browser test script from <c>tests/browser</c> (Node + playwright-core + Debian's headless Chromium)
/// and collects what it printed. The scripts print one line per check, <c>ok &lt;name&gt;</c> or
/// <c>not ok &lt;name&gt; - &lt;why&gt;</c>, and exit non-zero when any check failed.
/// </summary>
public static class BrowserScript
{
    /// <summary>The Chromium that the scripts drive unless <c>CHROMIUM_PATH</c> names another one.</summary>
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    /// <summary>How long one script may run before it is killed (the scripts bound themselves to under 60 s).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary><c>tests/browser</c> in the repository.</summary>
    public static string Directory => Path.Combine(NodeOidcProvider.FindRepositoryRoot(), "tests", "browser");

    /// <summary>
    /// Null when Chromium, Node's playwright-core and the script are all there; otherwise what is missing and how to
    /// install it (the test fails with this message rather than being skipped).
    /// </summary>
    public static string? MissingPrerequisites(string script)
    {
        var problems = new List<string>();
        var chromium = ChromiumPath;
        if (!File.Exists(chromium))
        {
            problems.Add($"Chromium is not installed at '{chromium}' (Debian package 'chromium'; or set CHROMIUM_PATH).");
        }
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "playwright-core")))
        {
            problems.Add($"The browser tests' npm packages are not installed ('{Path.Combine(Directory, "node_modules")}' is missing; `npm ci --prefix tests/browser`).");
        }
        if (!File.Exists(Path.Combine(Directory, script)))
        {
            problems.Add($"The browser test script '{Path.Combine(Directory, script)}' does not exist.");
        }
        return problems.Count == 0
            ? null
            : "The real-browser tests cannot run: " + string.Join(" ", problems) + " Run `./build.sh test` from the repository root, which installs both.";
    }

    private static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromiumPath;

    /// <summary>Runs <c>node tests/browser/&lt;script&gt; &lt;arguments&gt;</c> and waits (up to <see cref="Timeout"/>) for it to end.</summary>
    public static async Task<BrowserScriptResult> RunAsync(string script, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var node = Environment.GetEnvironmentVariable("AUTHOPENIDC_NODE") is { Length: > 0 } configured ? configured : "node";
        var startInfo = new ProcessStartInfo(node)
        {
            WorkingDirectory = Directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(Directory, script));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Cannot start '{node}' for the browser tests; Node.js 20 or later must be on PATH (or set AUTHOPENIDC_NODE to its path).", ex);
        }
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();

        var timedOut = false;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                try
                {
                    process.Kill(entireProcessTree: true); // node and the Chromium it started
                }
                catch (InvalidOperationException)
                {
                    // It ended just now.
                }
                await process.WaitForExitAsync();
            }
        }

        return new BrowserScriptResult(
            script,
            timedOut ? -1 : process.ExitCode,
            timedOut,
            await standardOutput,
            await standardError,
            stopwatch.Elapsed);
    }
}

/// <summary>What a <see cref="BrowserScript"/> run printed and how it ended.</summary>
public sealed record BrowserScriptResult(string Script, int ExitCode, bool TimedOut, string StandardOutput, string StandardError, TimeSpan Duration)
{
    /// <summary>The <c>not ok</c> lines.</summary>
    public IReadOnlyList<string> FailedChecks => Lines.Where(l => l.StartsWith("not ok ", StringComparison.Ordinal)).ToList();

    /// <summary>The <c>ok</c> lines.</summary>
    public IReadOnlyList<string> PassedChecks => Lines.Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).ToList();

    private IEnumerable<string> Lines => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A report for a failure message: how it ended, then everything it printed.</summary>
    public override string ToString()
    {
        var ending = TimedOut
            ? $"was killed after {BrowserScript.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
            : $"exited with code {ExitCode.ToString(CultureInfo.InvariantCulture)} after {Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
        var builder = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"node tests/browser/{Script} {ending}.")
            .AppendLine("--- stdout ---")
            .AppendLine(StandardOutput.TrimEnd());
        if (StandardError.Length > 0)
        {
            builder.AppendLine("--- stderr ---").AppendLine(StandardError.TrimEnd());
        }
        return builder.ToString();
    }
}
