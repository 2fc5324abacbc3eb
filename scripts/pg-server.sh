#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests, on a Unix socket only (no TCP port):
#   scripts/pg-server.sh start DIR   prints the libpq connection string of its "postgres" database
#   scripts/pg-server.sh stop DIR
# initdb refuses to run as root, so as root the server runs as the postgres user.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a directory for the cluster}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "pg-server: PostgreSQL server binaries not found" >&2; exit 1; }
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  "${as_owner[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "host=$dir user=postgres dbname=postgres"
  ;;
stop)
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-server.sh start|stop DIR" >&2
  exit 2
  ;;
esac
