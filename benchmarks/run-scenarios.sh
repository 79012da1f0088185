#!/usr/bin/env bash
# The load scenarios of tests/LoadTests (xchat-load --scenario ...) with modest sizes for a small
# machine: builds Release, starts a standalone server (SQLite, a fresh data folder) and runs each
# scenario against it one after another, printing each report (JSON and markdown land in
# $XCHAT_BENCH_REPORTS, default ./load-reports). The server it started is stopped by its PID.
#
#   benchmarks/run-scenarios.sh                         # pairs group-fanout offline-drain connect-storm
#   benchmarks/run-scenarios.sh group-fanout            # only the named ones
#   benchmarks/run-scenarios.sh cluster                 # 2 silos + 2 gateways via scripts/cluster.sh
#
# Server settings the scenarios need (set here, per process, by environment):
#   XChat__Gateway__SendsPerSecond / SendBurst = 1000000   the per-device send limit (default 50/s,
#                                                          burst 100) would otherwise pace the senders
#   XChat__Limits__MaxGroupMembers = 1001                  group-fanout's 500 members + the sender
#                                                          (the default allows 256)
# Sizes (environment): XCHAT_BENCH_MEMBERS (500), XCHAT_BENCH_TOTAL (50000), XCHAT_BENCH_CONNECTIONS
# (2000; the issue's target is 10000), XCHAT_BENCH_PAIRS (20), XCHAT_BENCH_MESSAGES (100).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port="${XCHAT_BENCH_PORT:-5080}"
reports="${XCHAT_BENCH_REPORTS:-$root/load-reports}"
members="${XCHAT_BENCH_MEMBERS:-500}"
total="${XCHAT_BENCH_TOTAL:-50000}"
connections="${XCHAT_BENCH_CONNECTIONS:-2000}"
pairs="${XCHAT_BENCH_PAIRS:-20}"
messages="${XCHAT_BENCH_MESSAGES:-100}"
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(pairs group-fanout offline-drain connect-storm)
load="$root/tests/LoadTests/bin/Release/net10.0/xchat-load.dll"
server_limits=(XChat__Gateway__SendsPerSecond=1000000 XChat__Gateway__SendBurst=1000000 XChat__Limits__MaxGroupMembers=1001)

# Each connection is a file descriptor on both sides: allow as many as the hard limit does.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
dotnet build XChat.Orleans.sln -c Release -nologo -v q >/dev/null
echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1048576)}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"

server=""
data=""
cluster_dir=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  [[ -n "$data" ]] && rm -rf "$data"
  if [[ -n "$cluster_dir" ]]; then XCHAT_CLUSTER_DIR="$cluster_dir" "$root/scripts/cluster.sh" down >/dev/null || true; rm -rf "$cluster_dir"; fi
}
trap cleanup EXIT

start_standalone() {
  [[ -n "$server" ]] && return 0
  data="$(mktemp -d /tmp/xchat-bench-data.XXXXXX)"
  env "${server_limits[@]}" Logging__LogLevel__Default=Warning \
    dotnet Silo/bin/Release/net10.0/XChat.Silo.dll --urls "http://127.0.0.1:$port" --data-dir "$data" >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.2; done
  echo "the server did not start; its log:" >&2; tail -n 40 "$data/server.log" >&2; exit 1
}

run() {  # run SCENARIO [xchat-load options]
  echo; echo "=== $1"; echo "+ xchat-load --scenario $*"
  dotnet "$load" --scenario "$@" --report-dir "$reports"
}

ws="ws://127.0.0.1:$port/ws"
for scenario in "${scenarios[@]}"; do
  case "$scenario" in
    pairs)
      start_standalone
      run pairs --server "$ws" --server-pid "$server" --pairs "$pairs" --messages "$messages" --window 10 ;;
    group-fanout)
      start_standalone
      run group-fanout --server "$ws" --server-pid "$server" --members "$members" --messages 50 --rate 10 ;;
    offline-drain)
      start_standalone
      run offline-drain --server "$ws" --server-pid "$server" --recipients 100 --senders 10 --total "$total" --window 32 --timeout-seconds 300 ;;
    connect-storm)
      start_standalone
      run connect-storm --server "$ws" --server-pid "$server" --connections "$connections" --settle-seconds 10 --timeout-seconds 600 ;;
    cluster)
      # 2 silos + 2 gateways with their own PostgreSQL and Redis, on ports apart from scripts/cluster.sh's defaults.
      cluster_dir="$(mktemp -d /tmp/xchat-bench-cluster.XXXXXX)"
      chmod 755 "$cluster_dir"   # PostgreSQL runs as its own user and keeps its data below
      env "${server_limits[@]}" Logging__LogLevel__Default=Warning XCHAT_CLUSTER_DIR="$cluster_dir" XCHAT_CLUSTER_GATEWAYS=2 \
        XCHAT_CLUSTER_WS_PORT="${XCHAT_BENCH_CLUSTER_WS_PORT:-5181}" \
        XCHAT_CLUSTER_PG_PORT="${XCHAT_BENCH_CLUSTER_PG_PORT:-55462}" XCHAT_CLUSTER_REDIS_PORT="${XCHAT_BENCH_CLUSTER_REDIS_PORT:-56399}" \
        "$root/scripts/cluster.sh" up
      first="${XCHAT_BENCH_CLUSTER_WS_PORT:-5181}"
      run cluster --server "ws://127.0.0.1:$first/ws" --server "ws://127.0.0.1:$((first + 1))/ws" \
        --pairs "$pairs" --messages "$messages" --window 10
      # The same storm against one gateway process of the cluster: its memory is the connections' alone.
      run connect-storm --server "ws://127.0.0.1:$first/ws" --server-pid "$(cat "$cluster_dir/gateway.pid")" \
        --connections "$connections" --settle-seconds 10 --timeout-seconds 600 ;;
    *) echo "unknown scenario $scenario (pairs, group-fanout, offline-drain, connect-storm, cluster)" >&2; exit 2 ;;
  esac
done
