#!/usr/bin/env bash
# Households, births, deaths and the settlement move through the real binary: household create
# (family, a unit's collective), show, add, remove, head, split; birth; death; a talent's
# settlement completed into the talent service agency's collective household; the refusals'
# exit statuses; export/import of the day of death; the event chain.
set -euo pipefail
hukou=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/err" >&2; cat "$tmp/out" >&2; fail "$* exited $got, expected $want"; }
}
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$tmp/out" "$1"; }

db=$tmp/h.db
head=330402196001010015 wife=330402196202020025 son=33040219900303003X daughter=330402199509090048
talent=341222199303030012 baby=330402202406010011
off=officer:330402
expect 0 "$hukou" init --db "$db"
{
  echo "{\"id_number\":\"$head\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\",\"head\":true,\"urban\":true,\"household_no\":\"330402-000101\"}}"
  echo "{\"id_number\":\"$wife\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\",\"urban\":true,\"household_no\":\"330402-000101\"}}"
  echo "{\"id_number\":\"$son\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\",\"urban\":true,\"household_no\":\"330402-000101\"}}"
  echo "{\"id_number\":\"$daughter\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\",\"urban\":true,\"household_no\":\"330402-000101\"}}"
  echo "{\"id_number\":\"$talent\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true},\"talent\":[{\"category\":\"bachelor\",\"division\":\"330400\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2024-01-01\"}]}"
} >"$tmp/p.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"

# show
expect 0 "$hukou" household show --db "$db" --as $off 330402-000101
[ "$(field 'd["head"], len(d["members"])')" = "('$head', 4)" ] || fail "show: $(cat "$tmp/out")"
expect 1 "$hukou" household show --db "$db" --as officer:330106 330402-000101
expect 1 "$hukou" household show --db "$db" 330402-999999
expect 2 "$hukou" household show --db "$db" --as nobody 330402-000101

# create: a unit's collective household; the same unit again is refused; bad input exits 2.
expect 0 "$hukou" household create --db "$db" --as $off --today 2024-06-30 --kind collective \
  --division 330402 --owner unit --owner-code 91330402MA0000001U --owner-name 嘉兴某厂 --address "南湖区 工业路 9 号"
[ "$(field 'd["household"]["number"], d["household"]["owner"]')" = "('330402-000002', 'unit')" ] || fail "create: $(cat "$tmp/out")"
expect 1 "$hukou" household create --db "$db" --as $off --kind collective --division 330402 \
  --owner unit --owner-code 91330402MA0000001U --owner-name 嘉兴某厂
grep -q "already has a collective household" "$tmp/err" || fail "duplicate named"
expect 2 "$hukou" household create --db "$db" --as $off --kind family --division 330402
grep -q "head" "$tmp/err" || fail "missing head named"
expect 2 "$hukou" household create --db "$db" --as $off --kind tent --division 330402
expect 1 "$hukou" household create --db "$db" --as $off --kind family --division 330402 --head $head
grep -q "change the head first" "$tmp/err" || fail "head with others named"

# remove the head while others remain: refused; change the head, then remove him.
expect 1 "$hukou" household remove --db "$db" --as $off 330402-000101 $head
expect 0 "$hukou" household head --db "$db" --as $off --today 2024-06-30 330402-000101 $wife
[ "$(field 'd["household"]["head"]')" = "$wife" ] || fail "head: $(cat "$tmp/out")"
expect 0 "$hukou" household remove --db "$db" --as $off --today 2024-06-30 330402-000101 $head
[ "$(field 'd["new_household"]["head"], len(d["household"]["members"])')" = "('$head', 3)" ] || fail "remove: $(cat "$tmp/out")"
new=$(field 'd["new_household"]["number"]')
# add him back (并户): his own household is dissolved.
expect 0 "$hukou" household add --db "$db" --as $off --today 2024-06-30 330402-000101 $head
[ "$(field 'd["from"], len(d["household"]["members"])')" = "('$new', 4)" ] || fail "add: $(cat "$tmp/out")"
expect 1 "$hukou" household add --db "$db" --as $off 330402-000101 $head
grep -q "already a member" "$tmp/err" || fail "member named"

# split: son and daughter leave, the son heads.
expect 1 "$hukou" household split --db "$db" --as $off --head $son 330402-000101 $son $wife
expect 2 "$hukou" household split --db "$db" --as $off 330402-000101 $son
expect 0 "$hukou" household split --db "$db" --as $off --head $son --today 2024-06-30 330402-000101 $son $daughter
[ "$(field 'd["new_household"]["head"], len(d["new_household"]["members"]), len(d["household"]["members"])')" = "('$son', 2, 2)" ] || fail "split: $(cat "$tmp/out")"
split=$(field 'd["new_household"]["number"]')

# birth: the ID number must carry the birth date; the child joins the mother's household; the
# birth medical certificate's number and the birthplace are required and recorded.
cert="--birthplace-division 330402 --birthplace 嘉兴市妇幼保健院"
expect 2 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --id-number $baby --born 2024-06-02 --mother $daughter --birth-certificate Q330000001 $cert
expect 2 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --id-number $baby --born 2024-06-01 --mother $daughter $cert
grep -q "birth_certificate" "$tmp/err" || fail "certificate named: $(cat "$tmp/err")"
expect 0 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --id-number $baby --born 2024-06-01 --name 宝宝 --mother $daughter --birth-certificate Q330000001 $cert
[ "$(field 'd["household"]["number"], d["id_number"], d["birth_certificate"]')" = "('$split', '$baby', 'Q330000001')" ] || fail "birth: $(cat "$tmp/out")"
expect 1 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --id-number $baby --born 2024-06-01 --mother $daughter --birth-certificate Q330000009 $cert
# Without a number the officer gives the sex and the number is allocated: the first girl of
# 南湖区 born that day, order code 002, and its check character.
expect 2 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --born 2024-06-01 --mother $daughter --birth-certificate Q330000002 $cert
grep -q "sex" "$tmp/err" || fail "sex named: $(cat "$tmp/err")"
expect 0 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --born 2024-06-01 --sex F --name 妹妹 --mother $daughter --birth-certificate Q330000002 $cert
[ "$(field 'd["id_number"], d["id_allocated"]')" = "('33040220240601002X', True)" ] || fail "allocated: $(cat "$tmp/out")"
expect 1 "$hukou" birth --db "$db" --as $off --today 2024-06-30 --born 2024-06-01 --sex F --mother $daughter --birth-certificate Q330000002 $cert
grep -q "birth_certificate" "$tmp/err" || fail "certificate registered twice: $(cat "$tmp/err")"
expect 0 "$hukou" person show --db "$db" $baby
[ "$(field 'd["relatives"][0]["relation"], d["hukou"]["household_no"]')" = "('parent', '$split')" ] || fail "links: $(cat "$tmp/out")"

# death: the head of the split household dies; the eldest other member heads it.
expect 0 "$hukou" death --db "$db" --as $off --today 2024-06-30 --died 2024-06-30 $son
[ "$(field 'd["new_head"]')" = "$daughter" ] || fail "death: $(cat "$tmp/out")"
expect 1 "$hukou" death --db "$db" --as $off --today 2024-06-30 --died 2024-06-30 $son
expect 2 "$hukou" death --db "$db" --as $off --today 2024-06-30 $son
expect 0 "$hukou" export --db "$db" --out "$tmp/one.jsonl"
grep -q '"died_on":"2024-06-30"' "$tmp/one.jsonl" || fail "export keeps the day of death"
# The statistics count the living: the export keeps the dead, the summary does not.
expect 0 "$hukou" stats summary --db "$db" --json
[ "$(field 'd["registry"]["persons"]')" = "$(($(wc -l <"$tmp/one.jsonl") - 1))" ] \
  || fail "stats count the dead: $(cat "$tmp/out")"
expect 0 "$hukou" init --db "$tmp/two.db"
expect 0 "$hukou" import --db "$tmp/two.db" "$tmp/one.jsonl"
expect 0 "$hukou" export --db "$tmp/two.db" --out "$tmp/two.jsonl"
cmp -s "$tmp/one.jsonl" "$tmp/two.jsonl" || fail "export -> import -> export differs"

# A talent settles (五): completed into the talent service agency's collective household.
echo "{\"id_number\":\"$talent\",\"kind\":\"settlement\",\"pathway\":\"talent\",\"target\":\"330402\"}" >"$tmp/settle.json"
expect 0 "$hukou" apply --db "$db" --as "resident:$talent" --today 2024-07-01 "$tmp/settle.json"
app=$(field 'd["id"]')
expect 0 "$hukou" application act --db "$db" --as $off --today 2024-07-02 "$app" accept
expect 0 "$hukou" application act --db "$db" --as $off --today 2024-07-03 "$app" approve
expect 2 "$hukou" application act --db "$db" --as $off --unit 913 "$app" approve
expect 1 "$hukou" application act --db "$db" --as officer:330411 --today 2024-07-04 "$app" complete
# The agency's collective household is created now: its address is the officer's to give.
expect 2 "$hukou" application act --db "$db" --as $off --today 2024-07-04 "$app" complete
grep -q "address" "$tmp/err" || fail "address named: $(cat "$tmp/err")"
expect 0 "$hukou" application act --db "$db" --as $off --today 2024-07-04 --address "南湖区 人才服务中心" "$app" complete
[ "$(field 'd["state"], d["moved_to"]["destination"], d["moved_to"]["from_division"]')" = "('completed', 'talent_service_collective', '341222')" ] || fail "complete: $(cat "$tmp/out")"
agency=$(field 'd["moved_to"]["household"]')
expect 0 "$hukou" person show --db "$db" $talent
[ "$(field 'd["hukou"]["division"], d["hukou"]["household"]')" = "('330402', 'collective')" ] || fail "moved: $(cat "$tmp/out")"

# The household's own facts travel with its members' lines: export, import, export again.
expect 0 "$hukou" export --db "$db" --out "$tmp/three.jsonl"
grep -q '"household_owner":"talent_service"' "$tmp/three.jsonl" || fail "household owner exported"
expect 0 "$hukou" init --db "$tmp/four.db"
expect 0 "$hukou" import --db "$tmp/four.db" "$tmp/three.jsonl"
expect 0 "$hukou" export --db "$tmp/four.db" --out "$tmp/four.jsonl"
cmp -s "$tmp/three.jsonl" "$tmp/four.jsonl" || fail "household facts lost in a round trip"
expect 0 "$hukou" household show --db "$tmp/four.db" --as $off "$agency"
[ "$(field 'd["owner"], d["created_on"]')" = "('talent_service', '2024-07-04')" ] || fail "re-imported household: $(cat "$tmp/out")"

expect 0 "$hukou" audit verify --db "$db"
# create 1; head 1, remove 2 (create + remove), add 1; split 2; births 2; death 1;
# settlement: submit, accept, approve, household create, move_out, residence ended (settled),
# move_in, complete 8; the settlement approval's certificate.issue 1
[ "$(field 'd["valid"], d["events_checked"]')" = "(True, 20)" ] || fail "events: $(cat "$tmp/out")"
echo "household CLI: all checks passed"
