#!/usr/bin/env sh
# AuthOpenIdc build script (POSIX twin of build.ps1). Verbs:
#   test   install what the tests need (npm packages), build, run every test, print "N passed, N failed"
#   demo   start the demo OP (npm oidc-provider) and the sample app on http://127.0.0.1:5000
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

cmd_demo() {
  need dotnet
  ensure_op
  OP_PORT=${OP_PORT:-9090}
  node tests/oidc-provider/server.mjs --port "$OP_PORT" &
  op_pid=$!
  trap 'kill $op_pid 2>/dev/null || true' EXIT INT TERM
  echo "Demo OP: http://127.0.0.1:$OP_PORT (any user name logs in; names starting with 'admin' get the admin role)"
  echo "Demo app: http://127.0.0.1:5000  (Ctrl+C stops both)"
  dotnet run --project src/samples/AuthOpenIdc.Samples.WebApp -c Release -- --urls "${DEMO_URLS:-http://127.0.0.1:5000}"
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
