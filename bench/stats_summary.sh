#!/usr/bin/env bash
# Figure: the population summary of a whole registry (persons, households, registered / resident
# / floating population per city), seconds.
#   ours:  hukou stats summary --db DB: the kept figures (read back while no event was appended
#          since they were counted) and a fresh count (--refresh: one pass over the current hukou
#          and the ongoing residence registrations in person order).
#   peer:  the sqlite3 CLI answering the same question with one SQL query over the same file
#          (a LEFT JOIN of current hukou and ongoing residence, GROUP BY city), the way an analyst
#          would without our code; its "floating" leaves out the same-city-districts rule.
# Usage: bench/stats_summary.sh DB. Env: HUKOU (default build-rel/hukou).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hukou=${HUKOU:-$(dirname "$here")/build-rel/hukou}
db=${1:?usage: bench/stats_summary.sh DB}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.3f}')" "$1" "$2"; }
echo "machine: $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ); db: $db ($(du -h "$db" | cut -f1))"
t0=$(now); "$hukou" stats summary --db "$db" --refresh --json >$tmp/refresh.json; t1=$(now)
counted=$(secs "$t0" "$t1")
t0=$(now); "$hukou" stats summary --db "$db" --json >$tmp/kept.json; t1=$(now)
kept=$(secs "$t0" "$t1")
sql="WITH h AS (SELECT person_id, division FROM hukou WHERE valid_to IS NULL),
 r AS (SELECT person_id, division FROM residence WHERE valid_to IS NULL)
 SELECT coalesce(r.division, h.division) / 100 * 100 AS city, count(*) AS resident,
   sum(r.division IS NOT NULL AND r.division <> h.division) AS floating
 FROM h LEFT JOIN r ON r.person_id = h.person_id GROUP BY city ORDER BY city;"
t0=$(now); sqlite3 -readonly "$db" "$sql" >$tmp/sqlite.txt; t1=$(now)
peer=$(secs "$t0" "$t1")
python3 - "$counted" "$kept" "$peer" "$tmp/kept.json" <<'PY'
import json, sys
c, k, p, kept = sys.argv[1:]
d = json.load(open(kept))
print(f"persons {d['registry']['persons']:,}, resident {d['totals']['resident']:,}, floating {d['totals']['floating']:,}")
print("| summary | seconds |\n|---|---|")
print(f"| hukou stats summary (kept figures) | **{k}** |")
print(f"| hukou stats summary --refresh (counted) | {c} |")
print(f"| sqlite3 CLI, one GROUP BY query over the same file | {p} |")
PY
echo "reproduce: HUKOU=$hukou bench/stats_summary.sh $db"
