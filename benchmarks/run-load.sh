#!/usr/bin/env bash
# The 1:1 load benchmark of benchmarks/README.md: builds Release, starts a standalone server
# (durable acks, SQLite, a fresh data folder) with the per-device send rate raised so the workload
# measures the server rather than the rate limiter, runs tests/LoadTests against it and against
# the bare Kestrel relay in the same run, and stops the server it started (by PID).
#
#   benchmarks/run-load.sh [xchat-load options]     e.g. --pairs 100 --messages 200 --window 10
#   each workload first runs 50 messages per pair that no figure counts (--warmup 50; give
#   --warmup 0 to measure from a cold start)
#   add --e2e-compare to run the XChat workload plain and end-to-end encrypted in the same run
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port="${XCHAT_BENCH_PORT:-5080}"
data="$(mktemp -d /tmp/xchat-bench-data.XXXXXX)"

dotnet build XChat.Orleans.sln -c Release -nologo -v q >/dev/null
# Both processes JIT all their code, the framework's included, instead of running its precompiled
# (ReadyToRun) code: with tiered compilation off, that code is never recompiled (benchmarks/README.md,
# "Precompiled framework code, and a warm-up"). Silo and Gateway set the same in their launch profiles and images.
export DOTNET_ReadyToRun="${DOTNET_ReadyToRun-0}"
env XChat__Gateway__SendsPerSecond=1000000 XChat__Gateway__SendBurst=1000000 Logging__LogLevel__Default=Warning \
  dotnet Silo/bin/Release/net10.0/XChat.Silo.dll --urls "http://127.0.0.1:$port" --data-dir "$data" >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done

echo "machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1048576)}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet tests/LoadTests/bin/Release/net10.0/xchat-load.dll --server "ws://127.0.0.1:$port/ws" --server-pid "$server" --warmup 50 "$@"
