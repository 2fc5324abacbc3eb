#!/usr/bin/env bash
# Figure: generating and loading a synthetic province, persons per second.
#   ours:  hukou gen --db (generate, parse, validate, store persons, households and histories,
#          resolve kinship links, rebuild indexes, commit, count the statistics), end to end;
#          also its two halves: hukou gen --out (generation alone) and hukou import of that file.
#   peers: the same persons and histories as CSV files (bench/jsonl_to_csv.py, not timed) loaded
#          the way a user would otherwise load them: SQLite's .import (sqlite3 CLI), PostgreSQL
#          COPY (\copy through psql, a throw-away server started as ../shared/research/peers.md
#          shows), DuckDB's read_csv through npm @duckdb/node-api. Each builds a unique index on
#          the ID number; none checks ID numbers, dates, households or links as hukou does.
# Usage: bench/gen_load.sh [PERSONS] (default 1000000). Env: HUKOU (default build-rel/hukou),
#        OUT (default bench/out/gen_load), SMOKE=1 (ours and SQLite only, for ctest),
#        SKIP_PG=1, SKIP_DUCK=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
n=${1:-1000000}
hukou=${HUKOU:-$root/build-rel/hukou}
out=${OUT:-$here/out/gen_load}
[ -x "$hukou" ] || { echo "no hukou binary at $hukou (set HUKOU)" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out"
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$1" "$2"; }
rate() { python3 -c "import sys; print(f'{int(sys.argv[1])/float(sys.argv[2]):,.0f}')" "$1" "$2"; }
rows=()
row() { rows+=("$(printf '| %s | %s s | **%s persons/s** | %s |' "$1" "$2" "$(rate "$n" "$2")" "$3")"); }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
echo "persons: $n"

t0=$(now); "$hukou" gen --persons "$n" --seed 1 --db "$out/ours.db" --quiet >"$out/ours.json"; t1=$(now)
row "hukou gen --db (end to end)" "$(secs "$t0" "$t1")" "$(du -h "$out/ours.db" | cut -f1) database"
t0=$(now); "$hukou" gen --persons "$n" --seed 1 --out "$out/data.jsonl" --quiet; t1=$(now)
row "hukou gen --out (generation only)" "$(secs "$t0" "$t1")" "$(du -h "$out/data.jsonl" | cut -f1) JSON lines"
"$hukou" init --db "$out/import.db" >/dev/null
t0=$(now); "$hukou" import --db "$out/import.db" "$out/data.jsonl" >/dev/null; t1=$(now)
row "hukou import of that file (load only)" "$(secs "$t0" "$t1")" "parse, validate, store, links, indexes"

python3 "$here/jsonl_to_csv.py" "$out/data.jsonl" "$out/csv"
csvsize=$(du -sh "$out/csv" | cut -f1)
tables="person residence housing employment schooling insurance permit talent kinship"

# SQLite's own CSV import, same settings as ours for a load into an empty file.
{
  echo "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;"
  cat "$here/schema.sql"
  echo "BEGIN;"
  for t in $tables; do echo ".import --csv $out/csv/$t.csv $t"; done
  echo "COMMIT;"
  echo "CREATE UNIQUE INDEX person_id_number ON person (id_number);"
} >"$out/sqlite.sql"
t0=$(now); sqlite3 "$out/sqlite.db" <"$out/sqlite.sql" >/dev/null; t1=$(now)
row "sqlite3 .import (CSV, $csvsize)" "$(secs "$t0" "$t1")" "$(du -h "$out/sqlite.db" | cut -f1) database"

if [ "${SMOKE:-0}" != 1 ] && [ "${SKIP_PG:-0}" != 1 ] && [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  pgbin=/usr/lib/postgresql/15/bin; pgdir=$out/pg; port=${PGPORT_BENCH:-55491}
  as=""; [ "$(id -u)" = 0 ] && as="runuser -u postgres --"
  mkdir -p "$pgdir"; [ -n "$as" ] && chown postgres: "$pgdir" "$out" "$out/csv" && chmod o+rx "$out" "$out/csv"
  $as $pgbin/initdb -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
  $as $pgbin/pg_ctl -D "$pgdir/data" -l "$pgdir/log" -w -t 60 -o "-p $port -c listen_addresses=127.0.0.1 -k $pgdir -c shared_buffers=1GB -c maintenance_work_mem=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  trap '$as $pgbin/pg_ctl -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT
  psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
  "${psql[@]}" -f "$here/schema.sql"
  { echo "BEGIN;"; for t in $tables; do echo "\\copy $t FROM '$out/csv/$t.csv' WITH (FORMAT csv)"; done
    echo "CREATE UNIQUE INDEX person_id_number ON person (id_number);"; echo "COMMIT;"; } >"$out/pg.sql"
  t0=$(now); "${psql[@]}" -f "$out/pg.sql"; t1=$(now)
  size=$("${psql[@]}" -At -c "select pg_size_pretty(pg_database_size('postgres'))")
  row "PostgreSQL 15 COPY (CSV, fsync=off)" "$(secs "$t0" "$t1")" "$size database"
  $as $pgbin/pg_ctl -D "$pgdir/data" -m fast -w stop >/dev/null; trap - EXIT
fi

if [ "${SMOKE:-0}" != 1 ] && [ "${SKIP_DUCK:-0}" != 1 ] && command -v node >/dev/null; then
  duck=$here/out/duck
  if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
    mkdir -p "$duck"; cp "$here/package.json" "$here/package-lock.json" "$root/.npmrc" "$duck/"
    (cd "$duck" && npm ci --no-audit --no-fund >/dev/null 2>&1)
  fi
  cp "$here/duck_load.mjs" "$duck/"
  t0=$(now); node "$duck/duck_load.mjs" "$out/csv" "$out/duck.db" "$here/schema.sql" >"$out/duck.json"; t1=$(now)
  row "DuckDB 1.5 read_csv (npm @duckdb/node-api, 2 threads)" "$(secs "$t0" "$t1")" "$(du -h "$out/duck.db" | cut -f1) database"
fi

echo
echo "| load | time | rate | notes |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "reproduce: HUKOU=$hukou bench/gen_load.sh $n"
