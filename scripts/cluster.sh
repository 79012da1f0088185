#!/usr/bin/env bash
# Runs XChat in cluster mode on this machine (loopback only): PostgreSQL and Redis (scripts/services.sh),
# two silos (XChat__Mode=Cluster) and one WebSocket gateway (two with XCHAT_CLUSTER_GATEWAYS=2).
#
#   scripts/cluster.sh up       # builds Release if needed, starts everything, waits until ws://127.0.0.1:5081/ws
#                               # accepts WebSocket connections, then returns (the processes keep running)
#   scripts/cluster.sh status   # what is running
#   scripts/cluster.sh down     # stops exactly what `up` started, by the PIDs it recorded (never by name)
#
# Then: point a client at ws://127.0.0.1:5081/ws.
#
# Layout (defaults; override with the environment variables in brackets):
#   state, logs, PIDs   /tmp/xchat-cluster                      [XCHAT_CLUSTER_DIR]
#   PostgreSQL          127.0.0.1:55452, database "xchat"        [XCHAT_CLUSTER_PG_PORT]
#   Redis               127.0.0.1:56389                          [XCHAT_CLUSTER_REDIS_PORT]
#   silo 1              silo port 11111, gateway port 30000, HTTP 5091
#   silo 2              silo port 11112, gateway port 30001, HTTP 5092
#   WebSocket gateway   http://127.0.0.1:5081 (/ws)               [XCHAT_CLUSTER_WS_PORT]
#   second gateway      http://127.0.0.1:5082 (/ws), the port after the first, only with
#                       XCHAT_CLUSTER_GATEWAYS=2                  [XCHAT_CLUSTER_GATEWAYS, 1 or 2]
# Other XChat__* variables in the environment reach every process (e.g. XChat__Gateway__SendsPerSecond).
# Logs: $XCHAT_CLUSTER_DIR/{silo1,silo2,gateway,gateway2}.log. The services keep their data across down/up
# (delete $XCHAT_CLUSTER_DIR after `down` to start from nothing).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state="${XCHAT_CLUSTER_DIR:-/tmp/xchat-cluster}"
pg_port="${XCHAT_CLUSTER_PG_PORT:-55452}"
redis_port="${XCHAT_CLUSTER_REDIS_PORT:-56389}"
ws_port="${XCHAT_CLUSTER_WS_PORT:-5081}"
gateways="${XCHAT_CLUSTER_GATEWAYS:-1}"
[[ "$gateways" == 1 || "$gateways" == 2 ]] || { echo "XCHAT_CLUSTER_GATEWAYS must be 1 or 2" >&2; exit 2; }
# Every process `up` may start, in start order; `down` and `status` always look at all of them.
all_names=(silo1 silo2 gateway gateway2)
config=Release
silo_dll="$root/Silo/bin/$config/net10.0/XChat.Silo.dll"
gateway_dll="$root/Gateway/bin/$config/net10.0/XChat.Gateway.dll"
postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=xchat"
redis="127.0.0.1:$redis_port"
ready_timeout=90   # seconds per process

services() { XCHAT_SERVICES_DIR="$state/services" XCHAT_PG_PORT="$pg_port" XCHAT_REDIS_PORT="$redis_port" "$root/scripts/services.sh" "$1"; }

# A recorded PID counts only while it is alive and still runs our dll (a reused PID is not ours).
running_pid() {
  local file="$state/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "XChat\.\(Silo\|Gateway\)\.dll" || return 1
  echo "$pid"
}

build_if_needed() {
  local stale=0
  if [[ ! -f "$silo_dll" || ! -f "$gateway_dll" ]]; then
    stale=1
  elif [[ -n "$(find "$root/Silo" "$root/Gateway" "$root/Grains" "$root/Grains.Interfaces" "$root/Protocol" \
                 -path '*/bin' -prune -o -path '*/obj' -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.proto' -o -name '*.json' \) \
                 -newer "$silo_dll" -print -quit)" ]]; then
    stale=1
  fi
  if [[ $stale -eq 1 ]]; then
    echo "building $config"
    dotnet build "$root/Silo/Silo.csproj" -c "$config" -nologo -v q >"$state/build.log" 2>&1 \
      || { cat "$state/build.log" >&2; echo "build failed" >&2; exit 1; }
  fi
}

create_database() {
  if ! psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'xchat'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc 'CREATE DATABASE xchat' >/dev/null
  fi
}

# start NAME DLL HTTP_PORT [VAR=VALUE...]: runs `dotnet DLL` detached with the cluster settings, records its PID.
start() {
  local name="$1" dll="$2" http_port="$3"
  shift 3
  env DOTNET_ReadyToRun=0 XChat__Cluster__Redis="$redis" XChat__Cluster__ServiceId=xchat XChat__Cluster__ClusterId=xchat-local "$@" \
    setsid nohup dotnet "$dll" --urls "http://127.0.0.1:$http_port" >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

http_ok() {  # a plain GET answered 200
  ( exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 \
    && IFS= read -r -t 3 line <&3 && [[ "$line" == *" 200 "* ]] ) 2>/dev/null
}

websocket_ok() {  # the WebSocket upgrade at /ws answered 101
  ( exec 3<>"/dev/tcp/127.0.0.1/$1" \
    && printf 'GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n' "$1" >&3 \
    && IFS= read -r -t 3 line <&3 && [[ "$line" == *" 101 "* ]] ) 2>/dev/null
}

wait_ready() {  # wait_ready NAME CHECK PORT
  local name="$1" check="$2" port="$3"
  for _ in $(seq 1 $((ready_timeout * 4))); do
    "$check" "$port" && return 0
    running_pid "$name" >/dev/null || { echo "$name exited while starting; its log:" >&2; tail -n 40 "$state/$name.log" >&2; return 1; }
    sleep 0.25
  done
  echo "$name was not ready within ${ready_timeout}s; its log:" >&2; tail -n 40 "$state/$name.log" >&2
  return 1
}

up() {
  mkdir -p "$state"
  for name in "${all_names[@]}"; do
    if pid="$(running_pid "$name")"; then
      echo "already running ($name pid $pid); run '$0 down' first" >&2
      exit 1
    fi
  done
  build_if_needed
  services start
  create_database
  start silo1 "$silo_dll" 5091 XChat__Mode=Cluster XChat__Cluster__Postgres="$postgres" XChat__Cluster__SiloPort=11111 XChat__Cluster__GatewayPort=30000
  start silo2 "$silo_dll" 5092 XChat__Mode=Cluster XChat__Cluster__Postgres="$postgres" XChat__Cluster__SiloPort=11112 XChat__Cluster__GatewayPort=30001
  wait_ready silo1 http_ok 5091 || { down; exit 1; }
  wait_ready silo2 http_ok 5092 || { down; exit 1; }
  start gateway "$gateway_dll" "$ws_port"
  wait_ready gateway websocket_ok "$ws_port" || { down; exit 1; }
  local second=""
  if [[ "$gateways" == 2 ]]; then
    start gateway2 "$gateway_dll" $((ws_port + 1))
    wait_ready gateway2 websocket_ok $((ws_port + 1)) || { down; exit 1; }
    second=", ws://127.0.0.1:$((ws_port + 1))/ws (gateway2 $(cat "$state/gateway2.pid"))"
  fi
  echo "cluster up: ws://127.0.0.1:$ws_port/ws (silo1 $(cat "$state/silo1.pid"), silo2 $(cat "$state/silo2.pid"), gateway $(cat "$state/gateway.pid"))$second; logs in $state"
}

down() {
  local name pid
  # Gateway first (clients go away), then the silos; each gets SIGTERM and 20 s before SIGKILL.
  for name in gateway2 gateway silo2 silo1; do
    if pid="$(running_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "$name (pid $pid) did not stop in 20 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$state/$name.pid"
  done
  [[ -d "$state/services" ]] && services stop
  echo "cluster down"
}

status() {
  local name pid
  for name in "${all_names[@]}"; do
    if pid="$(running_pid "$name")"; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
