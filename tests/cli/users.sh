#!/usr/bin/env bash
# Accounts and department keys through the real binary (九): user add (generated and stdin
# passwords), list, disable, enable, set, password; key add, list, revoke; the refusals and their exit statuses; the
# events they leave; audit access and audit verify over both chains.
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
field() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(eval(sys.argv[2]))" "$tmp/out" "$1"; }

db=$tmp/r.db
id=330402199001010019
expect 0 "$hukou" init --db "$db"
echo "{\"id_number\":\"$id\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\",\"head\":true}}" >"$tmp/p.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"

# A server on a registry without a usable account says how to make the first one.
serve_says() {
  "$hukou" serve --db "$db" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
  local pid=$!
  for _ in $(seq 300); do grep -q 'listening on' "$tmp/serve.out" && break; sleep 0.1; done
  kill -TERM "$pid"; wait "$pid" || true
  grep -q 'listening on' "$tmp/serve.out" || fail "serve did not start: $(cat "$tmp/serve.err")"
}
serve_says
grep -q "hukou user add NAME --role admin" "$tmp/serve.err" || fail "no hint without accounts"

# A generated password is printed once, 20 characters.
expect 0 "$hukou" user add wang --role officer --jurisdiction 330402 --db "$db"
[ "$(field 'len(d["password"]), d["role"]')" = "(20, 'officer')" ] || fail "add: $(cat "$tmp/out")"
grep -q "only this once" "$tmp/err" || fail "the password's one showing is said"
# From stdin: nothing printed back.
echo "resident password" | expect 0 "$hukou" user add li --role resident --id-number "$id" --password-stdin --db "$db"
[ "$(field '"password" in d')" = "False" ] || fail "stdin password echoed"
echo "admin password!" | expect 0 "$hukou" user add root --role admin --password-stdin --db "$db"
serve_says
! grep -q "hukou user add" "$tmp/serve.err" || fail "the hint shown with accounts"

# Refusals: usage 2 for bad input, 1 for a conflict.
expect 2 "$hukou" user add x --role king --db "$db"
expect 2 "$hukou" user add x --role officer --db "$db"                       # no jurisdiction
expect 2 "$hukou" user add x --role resident --db "$db"                      # no ID number
expect 2 "$hukou" user add "$id" --role admin --db "$db"                     # a name that is an ID
echo short | expect 2 "$hukou" user add x --role admin --password-stdin --db "$db"
grep -q "password" "$tmp/err" || fail "short password names the field"
expect 1 "$hukou" user add wang --role analyst --db "$db"                    # taken
expect 2 "$hukou" user add --db "$db"

expect 0 "$hukou" user list --db "$db"
[ "$(wc -l <"$tmp/out")" = 3 ] || fail "list: $(cat "$tmp/out")"
grep -q "$id" "$tmp/out" && fail "user list shows a full ID number"
grep -q '"name":"li","role":"resident"' "$tmp/out" || fail "list: $(cat "$tmp/out")"
grep -q '"jurisdiction":"330402"' "$tmp/out" || fail "list jurisdiction: $(cat "$tmp/out")"
grep -q 'argon2' "$tmp/out" && fail "user list shows hashes"

expect 0 "$hukou" user disable wang --db "$db"
expect 0 "$hukou" user list --db "$db"
grep -q '"name":"wang","role":"officer","disabled":true' "$tmp/out" || fail "disabled: $(cat "$tmp/out")"
expect 1 "$hukou" user disable nobody --db "$db"

# Department keys: printed once, listed without the key, revoked.
expect 0 "$hukou" key add --department gongan --title "嘉兴市公安局南湖区分局" --questions permit-valid,hukou-registered --db "$db"
key=$(field 'd["key"]')
[ "$(field 'd["title"]')" = "嘉兴市公安局南湖区分局" ] || fail "key title: $(cat "$tmp/out")"
expect 2 "$hukou" key add --department gongan --title "公安局 330402199001010019" --questions permit-valid --db "$db"
grep -q "title" "$tmp/err" || fail "a title with an ID number names the field"
[ "${key:0:4}" = hkk_ ] || fail "key: $key"
expect 2 "$hukou" key add --department gongan --questions everything --db "$db"
expect 2 "$hukou" key add --department gongan --db "$db"
expect 0 "$hukou" key list --db "$db"
grep -q "$key" "$tmp/out" && fail "key list shows the key"
grep -q '"department":"gongan","title":"嘉兴市公安局南湖区分局","questions":"permit-valid,hukou-registered","revoked":false' "$tmp/out" || fail "key list: $(cat "$tmp/out")"
expect 0 "$hukou" key revoke 1 --db "$db"
expect 0 "$hukou" key list --db "$db"
grep -q '"revoked":true' "$tmp/out" || fail "revoked: $(cat "$tmp/out")"
expect 1 "$hukou" key revoke 99 --db "$db"
expect 2 "$hukou" key revoke one --db "$db"

# Issue 16: re-enable, change role and jurisdiction, reset a password.
expect 0 "$hukou" user enable wang --db "$db"
expect 0 "$hukou" user list --db "$db"
grep -q '"name":"wang","role":"officer","disabled":false' "$tmp/out" || fail "enabled: $(cat "$tmp/out")"
expect 1 "$hukou" user enable nobody --db "$db"
expect 0 "$hukou" user set wang --jurisdiction 330411 --db "$db"
[ "$(field 'd["role"], d["jurisdiction"]')" = "('officer', '330411')" ] || fail "set: $(cat "$tmp/out")"
expect 2 "$hukou" user set wang --jurisdiction 110101 --db "$db"            # outside the province
grep -q "jurisdiction" "$tmp/err" || fail "set names the field"
expect 2 "$hukou" user set li --role analyst --db "$db"                     # a resident stays one
expect 2 "$hukou" user set wang --db "$db"                                  # nothing to change
expect 0 "$hukou" user password wang --db "$db"
[ "$(field 'len(d["password"])')" = 20 ] || fail "password: $(cat "$tmp/out")"
echo "a new password" | expect 0 "$hukou" user password wang --password-stdin --db "$db"
[ "$(field '"password" in d')" = "False" ] || fail "stdin password echoed"
echo "a new password" | expect 1 "$hukou" user password nobody --password-stdin --db "$db"

# Expired sessions are purged (issue 16): one ended an hour ago goes, one still running stays.
if command -v sqlite3 >/dev/null; then
  sqlite3 "$db" "INSERT INTO session VALUES (x'01', 1, strftime('%s','now') - 3600);
                 INSERT INTO session VALUES (x'02', 1, strftime('%s','now') + 3600);"
  expect 0 "$hukou" user purge-sessions --db "$db"
  [ "$(field 'd["purged"]')" = 1 ] || fail "purge-sessions: $(cat "$tmp/out")"
  [ "$(sqlite3 "$db" "SELECT count(*) FROM session")" = 1 ] || fail "the running session stays"
fi
expect 2 "$hukou" user purge-sessions --db "$db" extra

# A resident's account names a registered person, one account each (issue 16); a person
# without one gets it through an activation code an officer of their county hands over.
second=330402199002020024
echo "resident password" | expect 2 "$hukou" user add zhao --role resident --id-number "$second" --password-stdin --db "$db"
grep -q "id_number" "$tmp/err" || fail "unregistered resident: $(cat "$tmp/err")"
echo "resident password" | expect 1 "$hukou" user add li2 --role resident --id-number "$id" --password-stdin --db "$db"
grep -q "id_number" "$tmp/err" || fail "second account for one person: $(cat "$tmp/err")"
echo "{\"id_number\":\"$second\",\"hukou\":{\"division\":\"330402\",\"household\":\"family\",\"head\":true}}" >"$tmp/p2.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/p2.jsonl"
expect 1 "$hukou" user activation-code "$second" --as officer:330411 --db "$db"   # not theirs
expect 2 "$hukou" user activation-code "$second" --db "$db"                      # who issues?
expect 0 "$hukou" user activation-code "$second" --as officer:330402 --db "$db"
code=$(field 'd["code"]')
[[ $code =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$ ]] || fail "code: $code"
grep -q "only this once" "$tmp/err" || fail "the code's one showing is said"
echo "resident password" | expect 2 "$hukou" user activate --id-number "$second" --code "$code" --name zhao --db "$db"  # no password
echo "resident password" | expect 2 "$hukou" user activate --id-number "$second" --code ZZZZ-ZZZZ-ZZZZ --name zhao --password-stdin --db "$db"
grep -q "code" "$tmp/err" || fail "wrong code names it"
echo "resident password" | expect 0 "$hukou" user activate --id-number "$second" --code "$code" --name zhao --password-stdin --db "$db"
[ "$(field 'd["name"], d["role"]')" = "('zhao', 'resident')" ] || fail "activate: $(cat "$tmp/out")"
echo "resident password" | expect 2 "$hukou" user activate --id-number "$second" --code "$code" --name zhao2 --password-stdin --db "$db"
expect 1 "$hukou" user activation-code "$second" --as officer:330402 --db "$db"  # has one now
expect 0 "$hukou" audit events --person "$second" --db "$db"
grep -q "account.activation_code" "$tmp/out" && grep -q "account.activate" "$tmp/out" || fail "activation events: $(cat "$tmp/out")"
grep -q "$second" "$tmp/out" && fail "a full number in the events"

# Every change is an event; nobody has read anyone yet; both chains verify.
expect 0 "$hukou" audit verify --db "$db"
[ "$(field 'd["valid"], d["events_checked"], d["access_checked"]')" = "(True, 14, 0)" ] || fail "verify: $(cat "$tmp/out")"
expect 0 "$hukou" audit access --person "$id" --db "$db"
[ -s "$tmp/out" ] && fail "no reads yet: $(cat "$tmp/out")"
expect 2 "$hukou" audit access --person 123 --db "$db"
expect 1 "$hukou" audit access --person 330402199001010027 --db "$db"      # not registered
expect 2 "$hukou" audit access --db "$db"
echo "users ok"
