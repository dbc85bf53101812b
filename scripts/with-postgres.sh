#!/usr/bin/env bash
# Run a command against PostgreSQL: the server DATABASE_URL names, or else a throwaway server on loopback
# that this script installs (Debian's package) if needed, starts, and removes when the command ends.
set -euo pipefail

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  exec "$@"
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PG_BIN=$(pg_bin)
if [ -z "$PG_BIN" ]; then
  echo "Installing PostgreSQL (Debian package) for the tests..." >&2
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(pg_bin)
fi

# The server refuses to run as root: as root, run it as the postgres user the package created.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

DIR=$(mktemp -d /tmp/pengaduan-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres: "$DIR"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT

as_owner "$PG_BIN/initdb" -D "$DIR/data" -A trust -U pengaduan -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability is not needed for a throwaway test server: fsync off makes the suite much faster.
as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U pengaduan pengaduan

export DATABASE_URL="postgres://pengaduan@127.0.0.1:$PORT/pengaduan"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
