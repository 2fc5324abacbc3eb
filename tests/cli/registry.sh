#!/usr/bin/env bash
# The registry through the real binary: init, import (good, bad, --skip-bad), export round trip,
# person show, audit verify (intact and tampered), id check. Exits non-zero on the first mismatch.
set -euo pipefail
hukou=$1
data=${HK_TEST_DATA:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect STATUS COMMAND...: run it, keep stdout/stderr in $tmp/out and $tmp/err.
expect() {
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/err" >&2; fail "$* exited $got, expected $want"; }
}
json() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$1" "$2"; }

db=$tmp/r.db
expect 0 "$hukou" init --db "$db"
expect 1 "$hukou" init --db "$db"              # exists already: refused, untouched
grep -q "already exists" "$tmp/err" || fail "init over an existing file names the reason"
expect 2 "$hukou" import "$data/registry_sample.jsonl"   # no --db
grep -q -- "--db" "$tmp/err" || fail "missing --db is named"
expect 1 "$hukou" import --db "$tmp/absent.db" "$data/registry_sample.jsonl"

# A bad line in the middle: nothing written, the line and field named.
{ head -n 2 "$data/registry_sample.jsonl"
  echo '{"id_number":"330102195012120016","residence":[{"division":"330402","from":"2021-03-01","to":"2020-01-01"}]}'
  tail -n +3 "$data/registry_sample.jsonl"; } >"$tmp/bad.jsonl"
expect 2 "$hukou" import --db "$db" "$tmp/bad.jsonl"
grep -q "line 3: residence\[0\].to: ends before it starts" "$tmp/err" || { cat "$tmp/err"; fail "bad line not named"; }
expect 0 "$hukou" export --db "$db"
[ ! -s "$tmp/out" ] || fail "a failed import wrote something"

# The same file with --skip-bad: the bad line skipped and counted, the rest loaded.
expect 0 "$hukou" import --db "$db" --skip-bad "$tmp/bad.jsonl"
[ "$(json "$(cat "$tmp/out")" 'd["skipped"], d["imported"]')" = "(1, 6)" ] || fail "skip-bad counts: $(cat "$tmp/out")"
grep -q "line 3" "$tmp/err" || fail "skipped line not reported"

# Importing again: every line is a duplicate.
expect 2 "$hukou" import --db "$db" "$data/registry_sample.jsonl"
grep -q "duplicate ID number" "$tmp/err" || fail "duplicate not named"

# Export, import into a new database, export again: identical.
expect 0 "$hukou" export --db "$db" --out "$tmp/one.jsonl"
expect 0 "$hukou" init --db "$tmp/r2.db"
expect 0 "$hukou" import --db "$tmp/r2.db" "$tmp/one.jsonl"
expect 0 "$hukou" export --db "$tmp/r2.db" --out "$tmp/two.jsonl"
cmp -s "$tmp/one.jsonl" "$tmp/two.jsonl" || fail "import -> export -> import is not lossless"
# Personal data: the registry and an export are readable by their owner only, whatever the umask.
( umask 022
  expect 0 "$hukou" init --db "$tmp/r3.db"
  expect 0 "$hukou" export --db "$db" --out "$tmp/three.jsonl" )
for f in "$tmp/r3.db" "$tmp/three.jsonl"; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is mode $(stat -c %a "$f"), expected 600"
done
[ "$(wc -l <"$tmp/one.jsonl")" = 6 ] || fail "export line count"

# person show: histories, relatives and derived fields.
expect 0 "$hukou" person show --db "$db" 341222199001010112
out=$(cat "$tmp/out")
[ "$(json "$out" 'd["name"], d["sex"], d["birth_date"]')" = "('张三', 'M', '1990-01-01')" ] || fail "person show: $out"
[ "$(json "$out" 'len(d["social_insurance"]), len(d["relatives"]), d["hukou"]["division_name"]')" = "(2, 2, '太和县')" ] || fail "person show histories: $out"
expect 1 "$hukou" person show --db "$db" 11010519491231002X
expect 2 "$hukou" person show --db "$db" 11010519491231002Y

# The audit chain: intact, then tampered.
expect 0 "$hukou" audit verify --db "$db"
[ "$(json "$(cat "$tmp/out")" 'd["valid"], d["events_checked"]')" = "(True, 1)" ] || fail "audit: $(cat "$tmp/out")"
sqlite3 "$db" "UPDATE event SET actor = 'someone-else' WHERE seq = 1"
expect 1 "$hukou" audit verify --db "$db"
[ "$(json "$(cat "$tmp/out")" 'd["valid"], d["first_broken"]')" = "(False, 1)" ] || fail "tampered audit: $(cat "$tmp/out")"

# id check: one JSON line per number, exit 1 when any is invalid.
expect 0 "$hukou" id check 11010519491231002x 130503670401001
[ "$(sed -n 1p "$tmp/out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id_number"], d["sex"], d["division_name"])')" = "11010519491231002X F 朝阳区" ] || fail "id check: $(cat "$tmp/out")"
[ "$(sed -n 2p "$tmp/out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id_number"], d["upgraded"])')" = "130503196704010016 True" ] || fail "id upgrade: $(cat "$tmp/out")"
expect 1 "$hukou" id check 11010519491231002X 340524198001010013
[ "$(sed -n 2p "$tmp/out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], d["error"], d["id_number"])')" = "False checksum None" ] || fail "id invalid: $(cat "$tmp/out")"
printf '11010519491231002X\n\n990105194912310021\n' | { expect 1 "$hukou" id check -; }
[ "$(wc -l <"$tmp/out")" = 2 ] || fail "id check - reads lines"
expect 2 "$hukou" id check
echo "registry CLI: all checks passed"
