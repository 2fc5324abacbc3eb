#!/usr/bin/env bash
# The audit trail through the real binary (issue 16): hukou audit events (a person's events and an
# account's, readable, Chinese as Chinese, ID numbers masked, --since/--limit/--json, bad input
# named), the operating system user in what the command line writes as an officer, and
# hukou audit checkpoint / verify --checkpoint catching a truncated or rolled back log.
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

db=$tmp/a.db
id=341222199001010112
other=110101198001010010
expect 0 "$hukou" init --db "$db"
for n in $id $other; do
  echo "{\"id_number\":\"$n\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\"}]}"
done >"$tmp/p.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"
for n in $id $other; do
  echo "{\"id_number\":\"$n\",\"kind\":\"permit\",\"target\":\"330402\"}" >"$tmp/permit.json"
  expect 0 "$hukou" apply --db "$db" --as "resident:$n" --today 2024-03-05 "$tmp/permit.json"
done
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-06 1 accept
expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-07 --reason "劳动合同" 1 request_material

# A person's events, oldest first, readable: Chinese as Chinese, never the full number.
expect 0 "$hukou" audit events --db "$db" --person "$id"
[ "$(wc -l <"$tmp/out")" = 3 ] || fail "three events of the person: $(cat "$tmp/out")"
grep -q "劳动合同" "$tmp/out" || fail "Chinese printed as Chinese: $(cat "$tmp/out")"
grep -q '\\u' "$tmp/out" && fail "no \\u escapes: $(cat "$tmp/out")"
grep -q "$id" "$tmp/out" && fail "the full ID number printed"
grep -q "341222\*\*\*\*\*\*\*\*0112" "$tmp/out" || fail "the masked number shown"
grep -q "110101" "$tmp/out" && fail "another person's event listed"
[ "$(grep -o 'application\.[a-z_]*' "$tmp/out" | tr '\n' ' ')" = "application.submit application.accept application.request_material " ] ||
  fail "oldest first: $(cat "$tmp/out")"
# An account's events, as JSON lines.
expect 0 "$hukou" audit events --db "$db" --actor officer:330402 --json
python3 - "$tmp/out" "$(id -un)" <<'PY' || fail "json: $(cat "$tmp/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [r["action"] for r in rows] == ["application.accept", "application.request_material"], rows
# The command line acting as an officer names the operating system user who ran it.
assert all(r["actor"] == "officer:330402 via cli:" + sys.argv[2] for r in rows), rows
assert "劳动合同" in open(sys.argv[1], encoding="utf-8").read()
PY
expect 0 "$hukou" audit events --db "$db" --actor officer:330402 --limit 1
[ "$(wc -l <"$tmp/out")" = 1 ] || fail "--limit 1: $(cat "$tmp/out")"
expect 0 "$hukou" audit events --db "$db" --actor officer:330402 --since 2999-01-01
[ ! -s "$tmp/out" ] || fail "--since in the future lists nothing"
expect 0 "$hukou" audit events --db "$db" --actor officer:3304
[ ! -s "$tmp/out" ] || fail "--actor is an account, not a prefix: $(cat "$tmp/out")"
grep -q "resident:341222\*\*\*\*\*\*\*\*0112 via cli:$(id -un)" <("$hukou" audit events --db "$db" --person "$id") ||
  fail "a resident's event written through --as names the operating system user"
# The actor is hashed as written: the chain still verifies.
expect 0 "$hukou" audit verify --db "$db"
# hukou audit access --writes: the writes to the person's record beside the reads (none here:
# no server ran), in time order, masked.
expect 0 "$hukou" audit access --db "$db" --person "$id" --writes
python3 - "$tmp/out" <<'PY' || fail "access --writes: $(cat "$tmp/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [(r["kind"], r["action"]) for r in rows] == [("write", "application.submit"),
    ("write", "application.accept"), ("write", "application.request_material")], rows
assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
PY
grep -q "$id" "$tmp/out" && fail "the full number in access --writes"
expect 2 "$hukou" audit access --db "$db" --searches --writes
# Bad input names the field.
expect 2 "$hukou" audit events --db "$db"
expect 2 "$hukou" audit events --db "$db" --person 341222199001010113
grep -q -- "--person" "$tmp/err" || fail "--person named"
grep -q "$id" "$tmp/err" && fail "the full number in an error"
expect 2 "$hukou" audit events --db "$db" --actor officer:330402 --since 2024-13-01
grep -q -- "--since" "$tmp/err" || fail "--since named"
expect 2 "$hukou" audit events --db "$db" --actor officer:330402 --limit -3
grep -q -- "--limit" "$tmp/err" || fail "--limit named"
# A full number written into an event by some older writer is masked in what is printed.
sqlite3 "$db" "UPDATE event SET payload = '{\"note\":\"$id\"}' WHERE seq = 1"
expect 0 "$hukou" audit events --db "$db" --actor "$(sqlite3 "$db" 'SELECT actor FROM event WHERE seq = 1')"
grep -q "$id" "$tmp/out" && fail "a full number in a payload printed: $(cat "$tmp/out")"
grep -q "341222\*\*\*\*\*\*\*\*0112" "$tmp/out" || fail "masked in the payload: $(cat "$tmp/out")"

# Checkpoints: the last events removed, or the log rolled back, are reported.
fresh=$tmp/c.db
expect 0 "$hukou" init --db "$fresh"
expect 0 "$hukou" import --db "$fresh" "$tmp/p.jsonl"
for n in $id $other; do
  echo "{\"id_number\":\"$n\",\"kind\":\"permit\",\"target\":\"330402\"}" >"$tmp/permit.json"
  expect 0 "$hukou" apply --db "$fresh" --as "resident:$n" --today 2024-03-05 "$tmp/permit.json"
done
cp "$fresh" "$tmp/older.db"
expect 0 "$hukou" application act --db "$fresh" --as officer:330402 --today 2024-03-06 1 accept
cps=$tmp/audit/checkpoints
mkdir "$tmp/audit"
expect 2 "$hukou" audit checkpoint --db "$fresh"
grep -q -- "--to" "$tmp/err" || fail "--to named"
expect 0 "$hukou" audit checkpoint --db "$fresh" --to "$cps"
[ "$(stat -c %a "$cps") $(stat -c %a "$cps.key")" = "600 600" ] || fail "mode 600: $(stat -c %a "$cps" "$cps.key")"
expect 0 "$hukou" audit verify --db "$fresh" --checkpoint "$cps"
grep -q '"checkpoints_checked": 1' "$tmp/out" || fail "one checkpoint: $(cat "$tmp/out")"
# The last event deleted: the chain alone still verifies, the checkpoint does not.
cp "$fresh" "$tmp/cut.db"
sqlite3 "$tmp/cut.db" "DELETE FROM event WHERE seq = (SELECT max(seq) FROM event)"
expect 0 "$hukou" audit verify --db "$tmp/cut.db"
expect 1 "$hukou" audit verify --db "$tmp/cut.db" --checkpoint "$cps"
grep -q "truncated/rolled back.*saw entry 4 .*now ends at 3" "$tmp/out" || fail "names the truncation: $(cat "$tmp/out")"
grep -q "截断或回滚" "$tmp/err" || fail "Chinese first: $(cat "$tmp/err")"
# An older copy put back, then written to again: event 4 exists, but it is another one.
expect 0 "$hukou" application act --db "$tmp/older.db" --as officer:330402 --today 2024-03-06 2 accept
expect 1 "$hukou" audit verify --db "$tmp/older.db" --checkpoint "$cps"
grep -q "rolled back and rewritten.*entry 4" "$tmp/out" || fail "names the rewrite: $(cat "$tmp/out")"
# Checkpoints accumulate; an altered or forged line is refused, as is a missing key.
expect 0 "$hukou" application act --db "$fresh" --as officer:330402 --today 2024-03-06 2 accept
expect 0 "$hukou" audit checkpoint --db "$fresh" --to "$cps"
expect 0 "$hukou" audit verify --db "$fresh" --checkpoint "$cps"
grep -q '"checkpoints_checked": 2' "$tmp/out" || fail "two checkpoints: $(cat "$tmp/out")"
sed 's/^v1 \([^ ]*\) 5 /v1 \1 4 /' "$cps" >"$tmp/forged"
cp "$cps.key" "$tmp/forged.key"
expect 1 "$hukou" audit verify --db "$tmp/cut.db" --checkpoint "$tmp/forged"
grep -q "line 2: its signature does not verify" "$tmp/err" || fail "forged line: $(cat "$tmp/err")"
rm "$tmp/forged.key"
expect 1 "$hukou" audit verify --db "$fresh" --checkpoint "$tmp/forged"
grep -q "forged.key" "$tmp/err" || fail "the missing key named: $(cat "$tmp/err")"

# hukou serve --checkpoint: one at the start, one at the stop (and every S seconds between).
served=$tmp/served
expect 2 "$hukou" serve --db "$fresh" --checkpoint "$served" --checkpoint-every 0
grep -q -- "--checkpoint-every" "$tmp/err" || fail "--checkpoint-every named"
"$hukou" serve --db "$fresh" --listen 127.0.0.1:0 --checkpoint "$served" >"$tmp/sout" 2>"$tmp/slog" &
pid=$!
for _ in $(seq 300); do
  grep -q 'listening on' "$tmp/sout" && break
  kill -0 "$pid" 2>/dev/null || fail "hukou serve exited: $(cat "$tmp/slog")"
  sleep 0.1
done
grep -q 'listening on' "$tmp/sout" || { kill -KILL "$pid"; fail "hukou serve did not start"; }
[ "$(wc -l <"$served")" = 1 ] || fail "a checkpoint at the start: $(cat "$served")"
kill -TERM "$pid"
set +e; wait "$pid"; status=$?; set -e
[ "$status" = 0 ] || fail "hukou serve exited $status: $(cat "$tmp/slog")"
[ "$(wc -l <"$served")" = 2 ] || fail "a checkpoint at the stop: $(cat "$served") $(cat "$tmp/slog")"
expect 0 "$hukou" audit verify --db "$fresh" --checkpoint "$served"
expect 1 "$hukou" audit verify --db "$tmp/cut.db" --checkpoint "$served"

echo "audit: ok"
