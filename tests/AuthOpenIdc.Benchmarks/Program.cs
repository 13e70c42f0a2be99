using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AuthOpenIdc.Benchmarks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Entry modes, chosen by the first argument (see docs/performance.md):
//   micro [BenchmarkDotNet args]   e.g. micro --filter '*' --job short
//   serve --port N --mode <noauth|mscookie|oidc-memory|oidc-redis|oidc-cookie|authfloor|jwtbearer|rs-jwt|rs-jwt-nocache|rs-introspection> [--redis host:port]
//   load [SUITE=sessions|rs|all ROUNDS=.. DURATION=.. in the environment]   runs load.sh (wrk against the suite's serve modes)
//   freeport                        prints a free TCP port on 127.0.0.1 (used by load.sh)
switch (args.FirstOrDefault())
{
    case "micro":
        // Artifacts (reports, logs) go beside the build, not into whatever directory the run started in.
        BenchmarkSwitcher.FromAssembly(typeof(SessionAuthenticateBenchmarks).Assembly)
            .Run(args[1..], DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts")));
        return 0;
    case "serve":
        return await ServeCommand.RunAsync(args[1..]);
    case "load":
        return RunLoadScript(args[1..]);
    case "freeport":
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Console.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port);
        }
        return 0;
    default:
        Console.Error.WriteLine("""
            usage: AuthOpenIdc.Benchmarks micro [--filter '*'] [--job short] ...   BenchmarkDotNet micro benchmarks
                   AuthOpenIdc.Benchmarks serve --port N --mode <noauth|mscookie|oidc-memory|oidc-redis|oidc-cookie|authfloor|jwtbearer|rs-jwt|rs-jwt-nocache|rs-introspection> [--redis host:port]
                   AuthOpenIdc.Benchmarks load                                     sh tests/AuthOpenIdc.Benchmarks/load.sh (needs wrk)
                       SUITE=sessions (default: noauth, Microsoft's cookie, the RP sessions) | rs (noauth, authfloor, JwtBearer, the
                       resource server) | all; MODES="..." picks modes by hand
            via the build script: ./build.sh bench micro --filter '*' --job short, SUITE=rs ./build.sh bench load
            """);
        return 2;
}

// `load` runs the script from the source tree with this very build, so it does not rebuild under itself.
static int RunLoadScript(string[] rest)
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    // The project directory (load.sh beside the .csproj), found upwards from bin/<configuration>/<tfm>/.
    while (dir is not null && !(File.Exists(Path.Combine(dir.FullName, "load.sh")) && File.Exists(Path.Combine(dir.FullName, "AuthOpenIdc.Benchmarks.csproj"))))
    {
        dir = dir.Parent;
    }
    if (dir is null)
    {
        Console.Error.WriteLine("load: load.sh not found above " + AppContext.BaseDirectory);
        return 2;
    }
    var start = new ProcessStartInfo("sh") { UseShellExecute = false };
    start.ArgumentList.Add(Path.Combine(dir.FullName, "load.sh"));
    foreach (var arg in rest)
    {
        start.ArgumentList.Add(arg);
    }
    start.Environment["BENCH_DLL"] = typeof(SessionAuthenticateBenchmarks).Assembly.Location;
    using var script = Process.Start(start)!;
    script.WaitForExit();
    return script.ExitCode;
}
