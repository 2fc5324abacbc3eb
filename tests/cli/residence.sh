#!/usr/bin/env bash
# Residence registration through the real binary: declare, change (late), move, cancel, the
# refusals and their exit statuses, and the history and events that remain.
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
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$tmp/out" "$1"; }

db=$tmp/r.db
id=341222199001010112
expect 0 "$hukou" init --db "$db"
echo "{\"id_number\":\"$id\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true}}" >"$tmp/p.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"

req() { echo "$1" >"$tmp/req.json"; }
req "{\"id_number\":\"$id\",\"division\":\"330402\",\"address\":\"南湖区 东栅街道 1 号\",\"urban\":true,\"moved_in\":\"2024-03-01\",\"declared_on\":\"2024-03-02\"}"
expect 0 "$hukou" residence declare --db "$db" "$tmp/req.json"
[ "$(field 'd["outcome"], d["late"]')" = "('declared', False)" ] || fail "declare: $(cat "$tmp/out")"

req "{\"id_number\":\"$id\",\"division\":\"330411\",\"address\":\"秀洲区 新城街道 8 号\",\"urban\":true,\"moved_in\":\"2024-05-01\",\"declared_on\":\"2024-05-20\"}"
expect 0 "$hukou" residence change --db "$db" "$tmp/req.json"
[ "$(field 'd["outcome"], d["late"], d["deadline"]')" = "('changed', True, '2024-05-11')" ] || fail "change: $(cat "$tmp/out")"

req "{\"id_number\":\"$id\",\"division\":\"330106\",\"address\":\"西湖区 文三路 90 号\",\"urban\":true,\"moved_in\":\"2024-06-01\",\"declared_on\":\"2024-06-02\"}"
expect 1 "$hukou" residence change --db "$db" "$tmp/req.json"        # another city: declare
grep -q "declare instead" "$tmp/err" || fail "change across cities is refused with the way forward"
expect 0 "$hukou" residence declare --db "$db" "$tmp/req.json"
[ "$(field 'd["outcome"], d["previous_division"]')" = "('moved', '330411')" ] || fail "move: $(cat "$tmp/out")"

req "{\"id_number\":\"$id\",\"left_on\":\"2024-07-01\"}"
expect 0 "$hukou" residence cancel --db "$db" "$tmp/req.json"
expect 1 "$hukou" residence cancel --db "$db" "$tmp/req.json"        # nothing active
grep -q "no active residence registration" "$tmp/err" || fail "second cancel"

# Bad input names the field and exits 2; an unknown person exits 2 too.
req "{\"id_number\":\"$id\",\"division\":\"330400\",\"address\":\"x\",\"urban\":true,\"moved_in\":\"2024-08-01\"}"
expect 2 "$hukou" residence declare --db "$db" "$tmp/req.json"
grep -q "division" "$tmp/err" || fail "a city code is named as the bad field"
req "{\"id_number\":\"$id\",\"division\":\"330402\",\"adress\":\"x\",\"urban\":true,\"moved_in\":\"2024-08-01\"}"
expect 2 "$hukou" residence declare --db "$db" "$tmp/req.json"
grep -q "adress: unknown field" "$tmp/err" || fail "unknown field"
req "{\"id_number\":\"11010519491231002X\",\"left_on\":\"2024-07-01\"}"
expect 2 "$hukou" residence cancel --db "$db" "$tmp/req.json"
echo 'not json' | { expect 2 "$hukou" residence cancel --db "$db" -; }

# The whole history is there, and one event per accepted change.
expect 0 "$hukou" person show --db "$db" "$id"
[ "$(field '[(r["division"], r.get("ended")) for r in d["residence"]]')" = "[('330402', 'changed'), ('330411', 'moved'), ('330106', 'cancelled')]" ] || fail "history: $(cat "$tmp/out")"
expect 0 "$hukou" audit verify --db "$db"
# and the receipts: one issued at each declaration (the previous superseded), revoked at the end
[ "$(field 'd["events_checked"]')" = "11" ] || fail "events: $(cat "$tmp/out")"
echo "residence CLI: all checks passed"
