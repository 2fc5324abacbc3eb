#!/usr/bin/env bash
# Applications and permits through the real binary: apply (refused when ineligible, with the
# engine's answer), review with --as officer:DIVISION, list and overdue, complete issuing a
# permit, endorse (early, on time, late), recognise, the exit statuses, and the event chain.
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

db=$tmp/a.db
id=341222199001010112
expect 0 "$hukou" init --db "$db"
echo "{\"id_number\":\"$id\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\"}]}" >"$tmp/p.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"

echo "{\"id_number\":\"$id\",\"kind\":\"permit\",\"target\":\"330402\"}" >"$tmp/permit.json"
# Too early: refused with the unmet condition in a sentence in each language (no internal
# names); stdout has the error and, beside it under "answer", the engine's answer.
expect 1 "$hukou" apply --db "$db" --as "resident:$id" --today 2024-02-01 "$tmp/permit.json"
grep -q "不符合居住证条件：在嘉兴市连续居住 5 个月，需满 6 个月" "$tmp/err" || fail "unmet condition (zh): $(cat "$tmp/err")"
grep -q "Lived in 嘉兴市 for 5 months without a break; 6 required" "$tmp/err" || fail "unmet condition (en): $(cat "$tmp/err")"
if grep -q "residence_half_year" "$tmp/err"; then fail "internal name in the message: $(cat "$tmp/err")"; fi
[ "$(field 'd["answer"]["residence_permit"]["eligible"]')" = "False" ] || fail "answer on stdout"
[ "$(field 'd["error"]["code"], d["error"]["field"]')" = "('conflict', 'eligibility')" ] || fail "error beside the answer"
[ "$(field '"预计 2024-03-01 起符合条件" in d["error"]["message"]')" = "True" ] || fail "error message: $(cat "$tmp/out")"
expect 0 "$hukou" apply --db "$db" --as "resident:$id" --today 2024-03-05 "$tmp/permit.json"
[ "$(field 'd["id"], d["state"], d["channel"], d["due_on"]')" = "(1, 'submitted', 'online', '2024-03-20')" ] || fail "apply: $(cat "$tmp/out")"
expect 1 "$hukou" apply --db "$db" --as "resident:$id" --today 2024-03-05 "$tmp/permit.json"
grep -q "still open" "$tmp/err" || fail "one open application per kind"

# Review: outside the jurisdiction, by state, with a reason.
expect 1 "$hukou" application act --db "$db" --as officer:330411 --today 2024-03-06 1 accept
grep -q "jurisdiction" "$tmp/err" || fail "jurisdiction named"
expect 1 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-06 1 approve
grep -q "submitted" "$tmp/err" || fail "state named"
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-06 1 accept
[ "$(field 'd["state"], d["due_on"]')" = "('accepted', '2024-03-21')" ] || fail "accept: $(cat "$tmp/out")"
expect 2 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-07 1 request_material
grep -q "reason" "$tmp/err" || fail "reason is the bad field"
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-07 --reason "劳动合同 / labour contract" 1 request_material

# Lists: by area and state, overdue, a resident's own.
expect 0 "$hukou" application list --db "$db" --as officer:330400 --state material_requested
[ "$(field '[(a["id"], a["applicant"]) for a in d["applications"]]')" = "[(1, '341222********0112')]" ] || fail "list: $(cat "$tmp/out")"
expect 1 "$hukou" application list --db "$db" --as officer:330402 --area 330100
expect 0 "$hukou" application act --db "$db" --as "resident:$id" --today 2024-03-10 1 supply_material
expect 0 "$hukou" application list --db "$db" --as officer:330402 --overdue --today 2024-03-24
[ "$(field 'len(d["applications"])')" = "0" ] || fail "due 2024-03-24 after 3 days waiting for material"
expect 0 "$hukou" application list --db "$db" --as officer:330402 --overdue --today 2024-03-25
[ "$(field '[a["id"] for a in d["applications"]]')" = "[1]" ] || fail "overdue: $(cat "$tmp/out")"
# The queue's filters and paging (issue 10): open states, kind, a page of one with its next.
expect 0 "$hukou" application list --db "$db" --as officer:330402 --state open --kind permit --limit 1
[ "$(field '[a["id"] for a in d["applications"]], d["next"] is not None')" = "([1], True)" ] || fail "page: $(cat "$tmp/out")"
next=$(field 'd["next"]')
expect 0 "$hukou" application list --db "$db" --as officer:330402 --state open --limit 1 --after "$next"
[ "$(field 'd["applications"], d["next"]')" = "([], None)" ] || fail "after: $(cat "$tmp/out")"
expect 2 "$hukou" application list --db "$db" --as officer:330402 --after nope
grep -q "after" "$tmp/err" || fail "after is the bad field"
expect 2 "$hukou" application list --db "$db" --as officer:330402 --scope everywhere

expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-25 1 approve
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-25 1 complete
[ "$(field 'd["state"], d["permit_number"]')" = "('completed', '330402-2024-000001')" ] || fail "complete: $(cat "$tmp/out")"
expect 0 "$hukou" application show --db "$db" --as "resident:$id" 1
[ "$(field '[s["step"] for s in d["steps"]]')" = "['submit', 'accept', 'request_material', 'supply_material', 'approve', 'complete']" ] || fail "steps"
expect 1 "$hukou" application show --db "$db" --as officer:330100 1

# Permits: early, on time, late (suspended, reinstated).
expect 1 "$hukou" permit endorse --db "$db" --as "resident:$id" --today 2025-01-01 "$id"
grep -q "opens on 2025-02-25" "$tmp/err" || fail "window named: $(cat "$tmp/err")"
expect 0 "$hukou" permit endorse --db "$db" --as "resident:$id" --today 2025-03-01 "$id"
[ "$(field 'd["outcome"], d["from"], d["valid_until"]')" = "('endorsed', '2025-03-25', '2026-03-24')" ] || fail "endorse: $(cat "$tmp/out")"
expect 0 "$hukou" permit show --db "$db" --today 2026-04-10 "$id"
[ "$(field 'd["state"]')" = "suspended" ] || fail "suspended"
expect 0 "$hukou" permit endorse --db "$db" --as officer:330402 --today 2026-04-10 "$id"
[ "$(field 'd["outcome"], d["from"]')" = "('reinstated', '2026-04-10')" ] || fail "late: $(cat "$tmp/out")"

# Recognition after a move to Hangzhou (三).
expect 1 "$hukou" permit recognise --db "$db" --today 2026-05-01 "$id"
echo "{\"id_number\":\"$id\",\"division\":\"330106\",\"address\":\"西湖区 文三路 90 号\",\"urban\":true,\"moved_in\":\"2026-05-01\",\"declared_on\":\"2026-05-02\"}" >"$tmp/move.json"
expect 0 "$hukou" residence declare --db "$db" "$tmp/move.json"
expect 0 "$hukou" permit recognise --db "$db" --as officer:330106 --today 2026-05-03 "$id"
[ "$(field 'd["outcome"], d["previous_division"], d["valid_until"]')" = "('recognised', '330402', '2027-04-09')" ] || fail "recognise: $(cat "$tmp/out")"

# Settlement: not eligible yet (the move on completion is in household.sh).
echo "{\"id_number\":\"$id\",\"kind\":\"settlement\",\"pathway\":\"best\",\"target\":\"330106\"}" >"$tmp/settle.json"
expect 1 "$hukou" apply --db "$db" --today 2026-05-03 "$tmp/settle.json"
# Bad input names the field and exits 2.
echo "{\"id_number\":\"$id\",\"kind\":\"settlement\",\"target\":\"330106\"}" >"$tmp/bad.json"
expect 2 "$hukou" apply --db "$db" "$tmp/bad.json"
grep -q "pathway" "$tmp/err" || fail "pathway named"
echo "{\"id_number\":\"$id\",\"kind\":\"visa\",\"target\":\"330106\"}" >"$tmp/bad.json"
expect 2 "$hukou" apply --db "$db" "$tmp/bad.json"
expect 2 "$hukou" application act --db "$db" --as officer:330402 1 dance
expect 2 "$hukou" application act --db "$db" --as nobody 1 accept
expect 2 "$hukou" permit show --db "$db" 12345
echo "{\"id_number\":\"11010519491231002X\",\"kind\":\"permit\",\"target\":\"330402\"}" >"$tmp/bad.json"
expect 2 "$hukou" apply --db "$db" "$tmp/bad.json"

expect 0 "$hukou" audit verify --db "$db"
# import, submit, accept, request, supply, approve, complete, issue, endorse x2, declare, recognise;
# certificates: the permit's 1, a new one and the previous superseded at each endorsement and at
# the recognition 6, the residence receipt 1
[ "$(field 'd["events_checked"]')" = "20" ] || fail "events: $(cat "$tmp/out")"
echo "apply CLI: all checks passed"
