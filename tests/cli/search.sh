#!/usr/bin/env bash
# hukou person search / household search through the real binary (issue 10): inside the
# actor's jurisdiction only, masked numbers, the bad field named, exit statuses.
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

db=$tmp/s.db
data=${HK_TEST_DATA:-$(dirname "$0")/../data}
expect 0 "$hukou" init --db "$db"
expect 0 "$hukou" import --db "$db" "$data/registry_sample.jsonl"

# 张三 is registered (active residence) in 秀洲区; 西湖区 does not see him.
expect 0 "$hukou" person search --db "$db" --as officer:330411 --name 张三
[ "$(field '[(p["name"], p["id_masked"], p["residence"]["division"]) for p in d["persons"]]')" = "[('张三', '341222********0112', '330411')]" ] || fail "name: $(cat "$tmp/out")"
grep -q 341222199001010112 "$tmp/out" && fail "a full number in the answer"
expect 0 "$hukou" person search --db "$db" --as officer:330106 --name 张三
[ "$(field 'd["persons"], d["next"]')" = "([], None)" ] || fail "outside: $(cat "$tmp/out")"
# A fragment of the name; the ID number.
expect 0 "$hukou" person search --db "$db" --as officer:330106 --name 小妹
[ "$(field '[p["name"] for p in d["persons"]]')" = "['王小妹']" ] || fail "fragment: $(cat "$tmp/out")"
expect 0 "$hukou" person search --db "$db" --as officer:330106 --id 330106198803030016
[ "$(field '[p["name"] for p in d["persons"]]')" = "['欧阳·买买提']" ] || fail "id: $(cat "$tmp/out")"
# Bad input names the field (exit 2); other roles are refused (exit 1).
expect 2 "$hukou" person search --db "$db" --as officer:330106 --name 王
grep -q "name" "$tmp/err" || fail "name is the bad field"
expect 2 "$hukou" person search --db "$db" --as officer:330106 --address 西湖
grep -q "address" "$tmp/err" || fail "address is the bad field"
expect 2 "$hukou" person search --db "$db" --as officer:330106
expect 1 "$hukou" person search --db "$db" --as resident:341222199001010112 --name 张三
expect 1 "$hukou" person search --db "$db" --as officer:330106 --area 330411 --name 张三

# Households: by number prefix, by head.
expect 0 "$hukou" household search --db "$db" --as officer:330106 --number 330106-C
[ "$(field '[(h["number"], h["members"]) for h in d["households"]]')" = "[('330106-C-0001', 2)]" ] || fail "household: $(cat "$tmp/out")"
expect 0 "$hukou" household search --db "$db" --as officer:330402 --number 330106-C
[ "$(field 'd["households"]')" = "[]" ] || fail "household outside: $(cat "$tmp/out")"
expect 2 "$hukou" household search --db "$db" --as officer:330106 --name 王小妹
echo ok
