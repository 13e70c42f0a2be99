#!/usr/bin/env sh
# AuthOpenIdc build script (POSIX twin of build.ps1). Verbs:
#   test   install what the tests need (npm packages), build, run every test, print "N passed, N failed"
#   demo   start the demo OP (npm oidc-provider), the API sample on http://127.0.0.1:5002 and the web app on :5000
#   pack   build the NuGet package into artifacts/
#   bench  run the benchmarks (see docs/performance.md)
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need() { command -v "$1" >/dev/null 2>&1 || { echo "build.sh: '$1' is required but not installed" >&2; exit 2; }; }

# apt packages the tests use; installed only when missing (root on this kind of machine, else sudo).
ensure_apt() {
  missing=""
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"; done
  [ -z "$missing" ] && return 0
  echo "build.sh: installing$missing" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
}

# The test/demo OP: npm's oidc-provider, pinned by tests/oidc-provider/package-lock.json.
ensure_op() {
  need node; need npm
  if [ ! -d tests/oidc-provider/node_modules/oidc-provider ] || [ tests/oidc-provider/package-lock.json -nt tests/oidc-provider/node_modules/.package-lock.json ]; then
    npm ci --prefix tests/oidc-provider --no-audit --no-fund --loglevel=error >&2
  fi
}

cmd_test() {
  need dotnet
  # redis-server: the shared-cache tests start their own on a free loopback port; chromium: the SPA browser tests.
  ensure_apt redis-server chromium
  ensure_op
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >&2
  fi
  log=$(mktemp)
  status=0
  dotnet build AuthOpenIdc.sln -c Release -nologo -v q >"$log" 2>&1 || { cat "$log"; echo "0 passed, 1 failed"; exit 1; }
  for project in tests/AuthOpenIdc.Tests tests/AuthOpenIdc.IntegrationTests; do
    dotnet test "$project" -c Release --no-build -nologo 2>&1 | tee -a "$log" || status=1
  done
  # One "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S" line per test assembly; sum them.
  summary=$(grep -E '^[[:space:]]*(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
    | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}')
  rm -f "$log"
  case "$summary" in "0 passed, 0 failed"*) status=1 ;; esac
  echo "$summary"
  exit $status
}

# The demo: the OP, the API sample and the web app sample, each its own process; all of them stop together.
cmd_demo() {
  need dotnet
  ensure_op
  OP_PORT=${OP_PORT:-9090}
  issuer="http://127.0.0.1:$OP_PORT"
  api_url=${DEMO_API_URL:-http://127.0.0.1:5002}
  app_urls=${DEMO_URLS:-http://127.0.0.1:5000}
  # DEMO_API_VALIDATION=introspection: the API introspects opaque tokens instead of validating JWTs locally (both apps
  # then run in the Introspection environment, i.e. read their appsettings.Introspection.json).
  case "${DEMO_API_VALIDATION:-jwt}" in
    jwt) environment=${ASPNETCORE_ENVIRONMENT:-Production}; validation="validated locally as JWTs" ;;
    introspection) environment=Introspection; validation="validated by introspection" ;;
    *) echo "build.sh: DEMO_API_VALIDATION must be 'jwt' or 'introspection'" >&2; exit 2 ;;
  esac
  # Build first, one project at a time (they share the library's output), then run the built apps directly.
  log=$(mktemp)
  for sample in Api WebApp; do
    dotnet build "src/samples/AuthOpenIdc.Samples.$sample" -c Release -nologo -v q >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  done
  rm -f "$log"

  pids=""
  # Ctrl+C reaches every process of the terminal's group, but background jobs of a script ignore SIGINT:
  # so on any exit, stop what was started here, by process id, and wait for it.
  stop_all() { for pid in $pids; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
  trap stop_all EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # run_sample NAME ARGS...: starts the built sample in its own folder (its content root, where appsettings.json is).
  run_sample() {
    name=$1; shift
    (cd "src/samples/AuthOpenIdc.Samples.$name" && exec dotnet "bin/Release/net10.0/AuthOpenIdc.Samples.$name.dll" --environment "$environment" "$@") &
    pids="$pids $!"
  }

  node tests/oidc-provider/server.mjs --port "$OP_PORT" </dev/null &
  pids="$pids $!"
  run_sample Api --urls "$api_url" --AuthOpenIdc:ResourceServer:Issuer="$issuer"
  run_sample WebApp --urls "$app_urls" --AuthOpenIdc:RelyingParty:Issuer="$issuer" --SampleApi:BaseUrl="$api_url"
  echo "Demo OP:  $issuer (any user name logs in; names starting with 'admin' get the admin role)"
  echo "Demo API: $api_url (/health public, /api/whoami and /api/orders need a bearer token, $validation)"
  echo "Demo app: $app_urls (/call-api calls the API with your session's access token; Ctrl+C stops all three)"
  # Until Ctrl+C, or until one of them exits (a port in use, for example): then the trap stops the others.
  while :; do
    for pid in $pids; do kill -0 "$pid" 2>/dev/null || { echo "build.sh: a demo process exited; stopping the others" >&2; exit 1; }; done
    sleep 1
  done
}

cmd_pack() {
  need dotnet
  dotnet pack src/AuthOpenIdc/AuthOpenIdc.csproj -c Release -o artifacts -nologo
}

cmd_bench() {
  need dotnet
  ensure_apt wrk redis-server
  dotnet run --project tests/AuthOpenIdc.Benchmarks -c Release -- "$@"
}

verb=${1:-test}
[ $# -gt 0 ] && shift
case "$verb" in
  test) cmd_test ;;
  demo) cmd_demo ;;
  pack) cmd_pack ;;
  bench) cmd_bench "$@" ;;
  *) echo "usage: ./build.sh [test|demo|pack|bench]" >&2; exit 2 ;;
esac
