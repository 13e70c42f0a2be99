#!/usr/bin/env sh
# Load benchmark of one authenticated GET / (see docs/performance.md).
#
#   sh tests/AuthOpenIdc.Benchmarks/load.sh          or   ./build.sh bench load
#   SUITE=rs sh tests/AuthOpenIdc.Benchmarks/load.sh      the resource-server suite
#
# SUITE picks the modes (MODES, if set, overrides it):
#   sessions (the default)  noauth mscookie oidc-memory oidc-redis oidc-cookie   (ratios to noauth and mscookie)
#   rs                      noauth authfloor jwtbearer rs-jwt rs-jwt-nocache rs-introspection   (ratios to noauth and jwtbearer)
#   all                     both, noauth once
# The rs modes send `Authorization: Bearer <token>` instead of a cookie: jwtbearer is Microsoft's JwtBearer, rs-* the
# library's resource server (JWT with the result cache on and off, introspection with the cache on). Each server hosts
# its own authorization server (discovery, JWKS, introspection) under /as and reports at exit how often they were called.
# authfloor accepts any Authorization header unchecked: ASP.NET's authentication and authorization middleware alone,
# the least a bearer mode can cost.
#
# For each round and each mode, round-robin (so the machine's noise hits every mode alike): start
# `AuthOpenIdc.Benchmarks serve` on a free port with a freshly minted session, warm up with wrk (checking
# that every response is a 200: a session that fails to authenticate gets a 302 or 401, which wrk alone
# would count as fast successes), measure `wrk -t1 -c32 -d10s`, stop the server. Then print the median
# requests/sec per mode as ratios to noauth and to mscookie; the server's CPU time per request (from
# /proc/PID/stat over the measured run: far less disturbed by other work on a shared machine than req/s);
# the session sizes; for oidc-redis the Redis commands and redis-server CPU per request; and for the bearer modes the
# introspection and JWKS calls each server made (rs-introspection: 1 per server when the cache works).
#
# A server lives for one run only, so the session is at most ~20 s old when measured: the library slides
# (rewrites) a session at most every 30 s with the default 300 s inactivity timeout, and wrk, unlike a
# browser, would keep sending the old client-side cookie, so a long-lived server would measure a rewrite
# on every request in oidc-cookie mode. The steady state of a real user is the no-rewrite path measured.
#
# Environment: DURATION (s, default 10), WARMUP (s, 3 for SUITE=sessions, else 10), ROUNDS (3), CONNECTIONS (32),
# SUITE (sessions), MODES (default: the suite's; oidc-redis needs redis-server),
# BENCH_DLL (a built AuthOpenIdc.Benchmarks.dll: skips the build; `load` mode sets it).
# Needs dotnet and wrk (apt-get install -y wrk redis-server).
set -eu

HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
SUITE=${SUITE:-sessions}
case "$SUITE" in
  sessions) SUITE_MODES="noauth mscookie oidc-memory oidc-redis oidc-cookie" ;;
  rs) SUITE_MODES="noauth authfloor jwtbearer rs-jwt rs-jwt-nocache rs-introspection" ;;
  all) SUITE_MODES="noauth mscookie oidc-memory oidc-redis oidc-cookie authfloor jwtbearer rs-jwt rs-jwt-nocache rs-introspection" ;;
  *) echo "load.sh: SUITE must be sessions, rs or all" >&2; exit 2 ;;
esac
MODES=${MODES:-$SUITE_MODES}
# The JWT-validating paths (IdentityModel, not precompiled) take several seconds of load to reach tier-1 code: a
# JwtBearer server used 210, 157, 69, 57 and 54 us of CPU per request in five 3 s runs back to back.
case "$SUITE" in
  sessions) WARMUP=${WARMUP:-3} ;;
  *) WARMUP=${WARMUP:-10} ;;
esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for tool in dotnet wrk timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "load.sh: '$tool' is required (apt-get install -y wrk redis-server)" >&2; exit 2; }
done

WORK=$(mktemp -d)
server_pid=""
redis_pid=""
watchdog_pid=""

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

cleanup() {
  stop_server
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "load.sh: interrupted" >&2; exit 130' INT TERM

fail() {
  echo "load.sh: $*" >&2
  exit 1
}

# The whole run is bounded: a hung step ends everything, through the EXIT trap.
mode_count=$(echo $MODES | wc -w)
budget=$((900 + ROUNDS * mode_count * (DURATION + WARMUP + 90)))
main_pid=$$
(
  trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM
  sleep "$budget" &
  sleep_pid=$!
  wait "$sleep_pid"
  echo "load.sh: over the ${budget}s budget, stopping" >&2
  kill -TERM "$main_pid"
) &
watchdog_pid=$!

if [ -n "${BENCH_DLL:-}" ]; then
  DLL=$BENCH_DLL
else
  echo "Building tests/AuthOpenIdc.Benchmarks (Release)..."
  timeout 600 dotnet build "$HERE/AuthOpenIdc.Benchmarks.csproj" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
  DLL="$HERE/bin/Release/net10.0/AuthOpenIdc.Benchmarks.dll"
fi
[ -f "$DLL" ] || fail "$DLL not found"

free_port() { timeout 30 dotnet "$DLL" freeport; }

# ---- Redis (no persistence) --------------------------------------------------------------------
redis_port=""
case " $MODES " in
  *" oidc-redis "*) need_redis=1 ;;
  *) need_redis="" ;;
esac
if [ -z "$need_redis" ]; then
  :
elif command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  redis_pid=$!
  i=0
  until [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = "PONG" ]; do
    i=$((i + 1))
    [ $i -le 50 ] || { cat "$WORK/redis.log" >&2; fail "redis-server did not start"; }
    sleep 0.2
  done
else
  echo "redis-server not found: skipping oidc-redis (apt-get install -y redis-server)"
  MODES=$(echo " $MODES " | sed 's/ oidc-redis / /')
fi
rcli() { timeout 10 redis-cli -p "$redis_port" "$@"; }

# CPU time (user + system, clock ticks) a process has used so far; 0 without /proc.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- one run -----------------------------------------------------------------------------------
# wrk_run SECONDS OUTFILE [wrk options...]: wrk against the current server, with the session cookie or bearer token if any.
wrk_run() {
  seconds=$1 out=$2
  shift 2
  if [ -n "$token" ]; then
    timeout $((seconds + 30)) wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" "$@" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/" >"$out" 2>&1 || true
  elif [ -n "$cookie" ]; then
    timeout $((seconds + 30)) wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" "$@" -H "Cookie: $cookie" "http://127.0.0.1:$port/" >"$out" 2>&1 || true
  else
    timeout $((seconds + 30)) wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" "$@" "http://127.0.0.1:$port/" >"$out" 2>&1 || true
  fi
}

# check_status OUTFILE WHAT: every response of a status.lua run was a 200.
check_status() {
  line=$(grep '^STATUS ' "$1" || true)
  case "$line" in
    "STATUS ok=0 "*|"") cat "$1" >&2; fail "$mode: $2: no 200 response" ;;
    *" other=0 "*) ;;
    *) fail "$mode: $2: not every response was 200 ($line)" ;;
  esac
}

run_once() {
  mode=$1 round=$2
  port=$(free_port)
  [ "$mode" = "oidc-redis" ] && rcli flushall >/dev/null # one session key to measure
  out="$WORK/server-$mode-$round.out"
  : >"$out"
  dotnet "$DLL" serve --port "$port" --mode "$mode" --redis "127.0.0.1:${redis_port:-0}" >"$out" 2>&1 &
  server_pid=$!
  i=0
  until grep -q '^READY' "$out" 2>/dev/null; do
    i=$((i + 1))
    kill -0 "$server_pid" 2>/dev/null || { cat "$out" >&2; fail "$mode: server exited"; }
    [ $i -le 300 ] || { cat "$out" >&2; fail "$mode: no READY within 60 s"; }
    sleep 0.2
  done
  cookie=$(sed -n 's/^COOKIE //p' "$out")
  token=$(sed -n 's/^TOKEN //p' "$out")
  stored=$(sed -n 's/^STORED //p' "$out")
  if [ "$round" = 1 ]; then
    if [ -n "$token" ]; then
      echo "$mode $(printf 'Bearer %s' "$token" | wc -c | tr -d ' ') -" >>"$WORK/sizes"
    else
      echo "$mode $(printf %s "$cookie" | wc -c | tr -d ' ') ${stored:--}" >>"$WORK/sizes"
    fi
    if [ "$mode" = "oidc-redis" ]; then
      key=$(rcli --scan --pattern 'authopenidc:s:*' | head -n 1)
      [ -n "$key" ] || fail "oidc-redis: no session key in Redis"
      echo "$(rcli strlen "$key")" >"$WORK/redis-strlen"
      # Everything the login wrote (the session plus, e.g., the back-channel logout index entries).
      rcli --scan --pattern 'authopenidc:*' | while read -r k; do echo "$k $(rcli strlen "$k")"; done \
        | awk '{ n++; b += $2; split($1, p, ":"); s[p[2]]++ } END { line = sprintf("%d keys, %d bytes (by section:", n, b); for (k in s) line = line " " k "=" s[k]; print line ")" }' >"$WORK/redis-all"
    fi
  fi

  wrk_run "$WARMUP" "$WORK/warmup.out" -s "$HERE/status.lua"
  check_status "$WORK/warmup.out" "warm-up"
  [ "$mode" = "oidc-redis" ] && rcli config resetstat >/dev/null

  cpu0=$(cpu_ticks "$server_pid")
  rcpu0=$(cpu_ticks "${redis_pid:-0}")
  wrk_run "$DURATION" "$WORK/run.out"
  cpu1=$(cpu_ticks "$server_pid")
  rcpu1=$(cpu_ticks "${redis_pid:-0}")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/run.out")
  requests=$(awk '/ requests in / { print $1 }' "$WORK/run.out")
  [ -n "$rps" ] && [ -n "$requests" ] || { cat "$WORK/run.out" >&2; fail "$mode: wrk gave no result"; }
  if grep -q 'Non-2xx' "$WORK/run.out"; then
    cat "$WORK/run.out" >&2
    fail "$mode: non-2xx responses while measuring"
  fi
  if [ "$mode" = "oidc-redis" ]; then
    # Data commands only (the client's own PING/INFO/CLIENT traffic is not the library's).
    rcli info commandstats | tr -d '\r' | awk -F'[:=,]' -v n="$requests" '
      /^cmdstat_(get|set|setex|psetex|del|unlink|expire|pexpire|getex|exists|mget):/ { name = substr($1, 9); c[name] += $3; total += $3 }
      END {
        line = sprintf("%.3f", total / n)
        for (k in c) line = line sprintf(" %s=%.3f", k, c[k] / n)
        print line
      }' >"$WORK/ops"
    awk -v r="$round" -v ops="$(cat "$WORK/ops")" -v t="$((rcpu1 - rcpu0))" -v hz="$TICK" -v n="$requests" \
      'BEGIN { printf "round %s: %s   redis-server CPU %.1f us/request\n", r, ops, t / hz * 1e6 / n }' >>"$WORK/redis-ops"
  fi

  # A last check that the session still authenticated at the end of the run.
  wrk_run 1 "$WORK/after.out" -s "$HERE/status.lua"
  check_status "$WORK/after.out" "after the run"
  stop_server
  if grep -q '^INTROSPECTIONS ' "$WORK/server-$mode-$round.out"; then
    # A bearer-mode server prints its authorization server's call counts as it stops; against every request it answered.
    all=$(cat "$WORK/warmup.out" "$WORK/run.out" "$WORK/after.out" | awk '/ requests in / { n += $1 } END { print n + 0 }')
    # (Not $out: wrk_run reuses that name.)
    introspections=$(sed -n 's/^INTROSPECTIONS //p' "$WORK/server-$mode-$round.out")
    jwks=$(sed -n 's/^JWKS //p' "$WORK/server-$mode-$round.out")
    echo "$mode $round ${introspections:-?} ${jwks:-?} $all" >>"$WORK/ascalls"
  fi

  cpu_us=$(awk -v t="$((cpu1 - cpu0))" -v hz="$TICK" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  echo "$mode $rps $cpu_us" >>"$WORK/results"
  printf '  round %s  %-16s %10s req/s %8s us server CPU/request\n' "$round" "$mode" "$rps" "$cpu_us"
}

echo "AuthOpenIdc load benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(dotnet --version 2>/dev/null | head -n 1) SDK, $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (other work on the machine skews every mode alike only roughly)"
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up, $ROUNDS rounds, modes:$(echo " $MODES" | tr -s ' ')"
r=1
while [ $r -le "$ROUNDS" ]; do
  for mode in $MODES; do
    run_once "$mode" "$r"
  done
  r=$((r + 1))
done

# ---- report ------------------------------------------------------------------------------------
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# median MODE COLUMN: the median of that column of the results (2 = req/s, 3 = CPU us/request).
median() {
  awk -v m="$1" -v c="$2" '$1 == m { print $c }' "$WORK/results" | sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
rps_noauth=$(median noauth 2)
cpu_noauth=$(median noauth 3)
# The peers each figure is also compared with: Microsoft's cookie for the sessions, JwtBearer for the resource server.
peers="" peer_rps="" peer_cpu=""
for peer in mscookie jwtbearer; do
  case " $MODES " in
    *" $peer "*) peers="$peers $peer" peer_rps="$peer_rps $(median $peer 2)" peer_cpu="$peer_cpu $(median $peer 3)" ;;
  esac
done

echo
echo "Medians of $ROUNDS runs. Ratios: higher is better, 1.00 = the baseline; the CPU ratios are baseline CPU"
echo "per request / this mode's, i.e. the throughput ratio a CPU-bound server would show."
awk -v peers="$peers" 'BEGIN {
  n = split(peers, p, " ")
  line = sprintf("%-16s %9s %8s", "mode", "req/s", "/noauth")
  for (i = 1; i <= n; i++) line = line sprintf(" %10s", "/" p[i])
  line = line sprintf("   %9s %8s", "CPU us/rq", "/noauth")
  for (i = 1; i <= n; i++) line = line sprintf(" %10s", "/" p[i])
  print line "   req/s of each run"
}'
for mode in $MODES; do
  awk -v mode="$mode" -v rps="$(median "$mode" 2)" -v cpu="$(median "$mode" 3)" \
      -v ra="${rps_noauth:-0}" -v ca="${cpu_noauth:-0}" -v peer_rps="$peer_rps" -v peer_cpu="$peer_cpu" \
      -v runs="$(awk -v m="$mode" '$1 == m { printf "%.0f ", $2 }' "$WORK/results")" '
    function ratio(a, b) { return a > 0 && b > 0 ? sprintf("%.2f", a / b) : "-" }
    BEGIN {
      n = split(peer_rps, pr, " "); split(peer_cpu, pc, " ")
      line = sprintf("%-16s %9.0f %8s", mode, rps, ratio(rps, ra))
      for (i = 1; i <= n; i++) line = line sprintf(" %10s", ratio(rps, pr[i]))
      line = line sprintf("   %9.1f %8s", cpu, ratio(ca, cpu))
      for (i = 1; i <= n; i++) line = line sprintf(" %10s", ratio(pc[i], cpu))
      print line "   " runs
    }'
done

echo
echo "Session size (bytes; for the bearer modes the Authorization header):"
printf '%-16s %14s %14s\n' mode "Cookie header" "cache entry"
while read -r mode cbytes sbytes; do
  if [ "$mode" = "oidc-redis" ] && [ -f "$WORK/redis-strlen" ]; then
    sbytes="$sbytes   (Redis STRLEN of the session key: $(cat "$WORK/redis-strlen"); all keys the login wrote: $(cat "$WORK/redis-all"))"
  fi
  printf '%-16s %14s %14s\n' "$mode" "$cbytes" "$sbytes" | sed 's/ *$//'
done <"$WORK/sizes"

if [ -f "$WORK/redis-ops" ]; then
  echo
  echo "oidc-redis: Redis data commands per request (total, then by command), and redis-server CPU:"
  sed 's/^/  /' "$WORK/redis-ops"
fi

if [ -f "$WORK/ascalls" ]; then
  echo
  echo "Authorization server calls of each bearer-mode server (warm-up, measured run and the last check together):"
  printf '  %-16s %5s %14s %6s %10s\n' mode round introspections JWKS requests
  while read -r mode round introspections jwks requests; do
    printf '  %-16s %5s %14s %6s %10s\n' "$mode" "$round" "$introspections" "$jwks" "$requests"
  done <"$WORK/ascalls"
fi
