#!/usr/bin/env bash
# Starts (or stops) private PostgreSQL and Redis instances on loopback for the tests and the
# cluster script. Installs the Debian packages when they are missing. Only processes this script
# started are stopped, by the PIDs it recorded.
#
#   scripts/services.sh start   # prints nothing on success; state under $XCHAT_SERVICES_DIR
#   scripts/services.sh stop
#
# Ports: PostgreSQL 55432, Redis 56379 (override with XCHAT_PG_PORT / XCHAT_REDIS_PORT).
set -euo pipefail

dir="${XCHAT_SERVICES_DIR:-/tmp/xchat-services}"
pg_port="${XCHAT_PG_PORT:-55432}"
redis_port="${XCHAT_REDIS_PORT:-56379}"

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  echo "$d"
}

install_packages() {
  if [[ -z "$(pg_bin)" ]] || ! command -v redis-server >/dev/null 2>&1; then
    echo "installing postgresql and redis-server (apt-get)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  fi
}

start() {
  install_packages
  local bin; bin=$(pg_bin)
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [[ ! -f "$dir/pg/PG_VERSION" ]]; then
    rm -rf "$dir/pg"; mkdir -p "$dir/pg"; chown postgres:postgres "$dir/pg"
    su postgres -c "$bin/initdb -D '$dir/pg' -A trust -U postgres --no-sync" >/dev/null
  fi
  if ! su postgres -c "$bin/pg_ctl -D '$dir/pg' status" >/dev/null 2>&1; then
    touch "$dir/pg.log"; chown postgres:postgres "$dir/pg.log"
    su postgres -c "$bin/pg_ctl -D '$dir/pg' -o '-p $pg_port -c listen_addresses=127.0.0.1 -k /tmp -c fsync=on -c max_connections=300' -l '$dir/pg.log' -w start" >/dev/null
  fi
  if [[ ! -f "$dir/redis.pid" ]] || ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
    for _ in $(seq 1 50); do [[ -s "$dir/redis.pid" ]] && break; sleep 0.1; done
  fi
}

stop() {
  local bin; bin=$(pg_bin)
  if [[ -n "$bin" && -f "$dir/pg/postmaster.pid" ]]; then
    su postgres -c "$bin/pg_ctl -D '$dir/pg' -m fast -w stop" >/dev/null 2>&1 || true
  fi
  if [[ -f "$dir/redis.pid" ]]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
