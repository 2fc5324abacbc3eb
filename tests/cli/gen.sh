#!/usr/bin/env bash
# hukou gen and hukou stats through the real binary: usage errors, the same seed giving the same
# bytes, a load straight into a registry with its statistics (counted, then kept), a registry
# that is not empty refused, and a load killed half-way leaving a consistent registry.
set -euo pipefail
hukou=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/err" >&2; fail "$* exited $got, expected $want"; }
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

expect 0 "$hukou" gen --help
grep -q -- "--scale" "$tmp/out" || fail "help names --scale"
expect 2 "$hukou" gen --persons 10                       # neither --out nor --db
expect 2 "$hukou" gen --out "$tmp/x.jsonl"               # no size
expect 2 "$hukou" gen --persons 0 --out "$tmp/x.jsonl"
expect 2 "$hukou" gen --scale -1 --out "$tmp/x.jsonl"
expect 2 "$hukou" gen --persons 10 --as-of 2023-02-30 --out "$tmp/x.jsonl"
expect 2 "$hukou" stats
expect 2 "$hukou" stats nonsense --db "$tmp/x.db"

# The same seed, the same bytes; another seed, other bytes.
expect 0 "$hukou" gen --persons 4000 --seed 9 --out "$tmp/a.jsonl" --report "$tmp/report.json" --quiet
expect 0 "$hukou" gen --persons 4000 --seed 9 --out "$tmp/b.jsonl" --quiet
expect 0 "$hukou" gen --persons 4000 --seed 10 --out "$tmp/c.jsonl" --quiet
cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" || fail "the same seed gave different output"
! cmp -s "$tmp/a.jsonl" "$tmp/c.jsonl" || fail "another seed gave the same output"
[ "$(wc -l <"$tmp/a.jsonl")" = 4000 ] || fail "4000 lines expected"
[ "$(json "$tmp/report.json" 'd["persons"]')" = 4000 ] || fail "report persons"
# No full ID number on stderr (progress, messages).
expect 0 "$hukou" gen --persons 2000 --seed 9 --out "$tmp/d.jsonl"
! grep -Eq '[0-9]{17}[0-9X]' "$tmp/err" || fail "an ID number on stderr"

# Straight into a registry: the import path (one import event), then the statistics.
expect 0 "$hukou" gen --persons 4000 --seed 9 --db "$tmp/r.db" --quiet
[ "$(json "$tmp/out" 'd["persons"]')" = 4000 ] || fail "gen --db persons: $(cat "$tmp/out")"
expect 0 "$hukou" export --db "$tmp/r.db" --out "$tmp/e.jsonl"
[ "$(wc -l <"$tmp/e.jsonl")" = 4000 ] || fail "export after gen --db"
expect 0 "$hukou" audit verify --db "$tmp/r.db"
expect 0 "$hukou" stats summary --db "$tmp/r.db" --json
cp "$tmp/out" "$tmp/s.json"
[ "$(json "$tmp/s.json" 'd["registry"]["persons"], d["totals"]["resident"], d["from_cache"]')" = "(4000, 4000, True)" ] \
  || fail "stats summary: $(cat "$tmp/s.json")"
[ "$(json "$tmp/s.json" 'sum(c["resident"] for c in d["parts"])')" = 4000 ] || fail "cities add up"
[ "$(json "$tmp/s.json" 'len(d["parts"])')" = 11 ] || fail "11 cities"
fl=$(json "$tmp/s.json" 'd["totals"]["floating"]')
python3 -c "import sys; f=int(sys.argv[1]); t=4000*25557450/66270000; sys.exit(0 if abs(f-t)/t < 0.01 else 1)" "$fl" \
  || fail "floating $fl not within 1% of the census share"
expect 0 "$hukou" stats summary --db "$tmp/r.db"
grep -q "杭州市" "$tmp/out" || fail "table names the cities"
# One city, by county: its counties add up to the city's figures in the province report.
expect 0 "$hukou" stats summary --db "$tmp/r.db" --area 330100 --json
[ "$(json "$tmp/out" 'd["area"]["name"], all(p["code"].startswith("3301") for p in d["parts"])')" = "('杭州市', True)" ] \
  || fail "city report: $(cat "$tmp/out")"
[ "$(json "$tmp/out" 'sum(p["resident"] for p in d["parts"]) == d["totals"]["resident"]')" = True ] || fail "counties add up"
[ "$(json "$tmp/out" 'd["totals"]["resident"]')" = "$(json "$tmp/s.json" '[c["resident"] for c in d["parts"] if c["code"] == "330100"][0]')" ] \
  || fail "city totals differ from the province report's city row"
expect 0 "$hukou" stats summary --db "$tmp/r.db" --area 330106 --json
[ "$(json "$tmp/out" 'd["area"]["type"], d["parts"]')" = "('district', [])" ] || fail "county report: $(cat "$tmp/out")"
expect 2 "$hukou" stats summary --db "$tmp/r.db" --area 110000
grep -q "area" "$tmp/err" || fail "area outside Zhejiang not named"
expect 2 "$hukou" stats summary --db "$tmp/r.db" --area 33
expect 0 "$hukou" stats summary --db "$tmp/r.db" --refresh --json
[ "$(json "$tmp/out" 'd["from_cache"]')" = False ] || fail "--refresh counts again"
# A change (an import: a new event) makes the kept figures stale: counted again.
echo '{"id_number":"11010519491231002X","name":"测试"}' >"$tmp/one.jsonl"
expect 0 "$hukou" import --db "$tmp/r.db" "$tmp/one.jsonl"
expect 0 "$hukou" stats summary --db "$tmp/r.db" --json
[ "$(json "$tmp/out" 'd["registry"]["persons"], d["from_cache"]')" = "(4001, False)" ] || fail "stale figures: $(cat "$tmp/out")"

# A registry that already holds persons is refused.
expect 1 "$hukou" gen --persons 10 --db "$tmp/r.db" --quiet
grep -q "already holds" "$tmp/err" || fail "non-empty registry not named"

# Killed half-way: nothing or everything, and the registry still verifies.
rm -f "$tmp/k.db"*
"$hukou" gen --persons 100000 --seed 2 --db "$tmp/k.db" --quiet >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
# Opened read-write first: SQLite rolls a killed load back on the first read-write open (a
# read-only open cannot, and fails while the journal is hot).
expect 0 "$hukou" stats summary --db "$tmp/k.db" --json --refresh
n=$(json "$tmp/out" 'd["registry"]["persons"]')
expect 0 "$hukou" audit verify --db "$tmp/k.db"
[ "$n" = 0 ] || [ "$n" = 100000 ] || fail "a killed load left $n persons"
echo "ok"
