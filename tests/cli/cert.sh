#!/usr/bin/env bash
# Certificates end to end through the real binary (issue 12): a registry from the sample, signing
# keys, a residence permit issued through apply and review, a hukou proof requested; each one
# rendered to PDF, rasterised (pdftoppm), its QR read back from the image (zbarimg) and verified
# by `hukou cert verify` and by the independent verifier (tests/cert/verify_independent.py):
# both accept the good ones and refuse a changed byte, a wrong key, an expired one and a revoked
# one (a status list taken after a revocation and a death); a certificate signed before a key
# rotation verifies after it; revoking needs the issuing county's officer.
set -euo pipefail
hukou=$1
here=$(cd "$(dirname "$0")" && pwd)
indep="/usr/bin/python3 $here/../cert/verify_independent.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/err" "$tmp/out" >&2; fail "$* exited $got, expected $want"; }
}
field() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$tmp/out" "$1"; }

db=$tmp/a.db
today=$(date -u +%F)
migrant=341222199001010112 # hukou in Anhui, lives and works in 330411
local_=330106198803030016  # hukou in 330106's collective household
expect 0 "$hukou" init --db "$db"
expect 0 "$hukou" import --db "$db" "$here/../data/registry_sample.jsonl"
expect 0 "$hukou" keys init --dir "$tmp/keys"
expect 0 "$hukou" keys init --dir "$tmp/other"
expect 0 "$hukou" keys jwks --dir "$tmp/keys"
cp "$tmp/out" "$tmp/keys.json"
expect 0 "$hukou" keys jwks --dir "$tmp/other"
cp "$tmp/out" "$tmp/other.json"

# A permit through apply and review: its certificate comes with it.
echo "{\"id_number\":\"$migrant\",\"kind\":\"permit\",\"target\":\"330411\"}" >"$tmp/permit.json"
expect 0 "$hukou" apply --db "$db" --as "resident:$migrant" --today "$today" "$tmp/permit.json"
for step in accept approve complete; do
  expect 0 "$hukou" application act --db "$db" --as officer:330411 --today "$today" 1 $step
done
expect 0 "$hukou" cert list --db "$db" --as "resident:$migrant" --person "$migrant"
[ "$(field '[(c["type"], c["issuer"], c["status"]) for c in d]')" = "[('residence_permit', '330411', 'valid')]" ] || fail "permit certificate: $(cat "$tmp/out")"
permit=$(field 'd[0]["id"]')
[[ $permit =~ ^01330411[0-9]{4}[0-9]{7}[0-9X]$ ]] || fail "identifier shape: $permit"
# Another county's officer sees nothing of it.
expect 0 "$hukou" cert list --db "$db" --as officer:330106 --person "$migrant"
[ "$(field 'd')" = "[]" ] || fail "list outside the jurisdiction: $(cat "$tmp/out")"

# Every active permit of an area at once (--all --area): an imported permit with no certificate
# gets one, a second run none; outside the officer's reach refused.
imported=$(/usr/bin/python3 -c '
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
n = "34122219850505001"
print(n + "10X98765432"[sum(int(c) * k for c, k in zip(n, w)) % 11])')
from=$(date -u -d "$today - 30 days" +%F)
until=$(date -u -d "$today + 300 days" +%F)
echo "{\"id_number\":\"$imported\",\"name\":\"赵六\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true},\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2020-01-01\",\"to\":null,\"address\":\"南湖区 中山路 3 号\"}],\"residence_permits\":[{\"division\":\"330402\",\"from\":\"$from\",\"to\":\"$until\"}]}" >"$tmp/imported.jsonl"
expect 0 "$hukou" import --db "$db" "$tmp/imported.jsonl"
expect 1 "$hukou" cert issue --all --area 330400 --db "$db" --keys "$tmp/keys" --as officer:330106 --today "$today"
expect 0 "$hukou" cert issue --all --area 330400 --db "$db" --keys "$tmp/keys" --as supervisor:330400 --today "$today"
[ "$(field 'd["issued"]')" = "1" ] || fail "issue --all: $(cat "$tmp/out")"
grep -q "\] 100% 2/2" "$tmp/err" || fail "progress bar (both holders looked at): $(cat "$tmp/err")"
expect 0 "$hukou" cert issue --all --area 330400 --db "$db" --keys "$tmp/keys" --today "$today"
[ "$(field 'd["issued"]')" = "0" ] || fail "issue --all twice: $(cat "$tmp/out")"
expect 0 "$hukou" cert list --db "$db" --person "$imported"
[ "$(field '[(c["type"], c["issuer"], c["valid_until"][:10]) for c in d]')" = "[('residence_permit', '330402', '$(date -u -d "$until - 1 day" +%F)')]" ] || fail "imported permit's certificate: $(cat "$tmp/out")"

# A hukou proof on request: the officer of the hukou county; refused where there is nothing to
# prove (a hukou in Anhui), and to an officer elsewhere (the same answer as an unknown person).
expect 1 "$hukou" cert issue --db "$db" --keys "$tmp/keys" --as officer:330411 --type hukou_proof --person "$migrant" --today "$today"
grep -q "hukou" "$tmp/err" || fail "nothing to prove: $(cat "$tmp/err")"
expect 1 "$hukou" cert issue --db "$db" --keys "$tmp/keys" --as officer:330402 --type hukou_proof --person "$local_" --today "$today"
expect 2 "$hukou" cert issue --db "$db" --keys "$tmp/keys" --type residence_permit --person "$local_"
expect 0 "$hukou" cert issue --db "$db" --keys "$tmp/keys" --as officer:330106 --type hukou_proof --person "$local_" --today "$today"
proof=$(field 'd["id"]')
[ "$(field 'd["qr"].startswith("HKC1:"), d["id_masked"]')" = "(True, '330106********0016')" ] || fail "proof: $(cat "$tmp/out")"
expect 0 "$hukou" cert show "$proof" --db "$db" --as "resident:$local_"
grep -q "户籍证明 / Proof of household registration" "$tmp/out" || fail "show: $(cat "$tmp/out")"
grep -q "与户主关系 / Relation to head of household: 集体户成员" "$tmp/out" || fail "show fields"
if grep -q "$local_" "$tmp/out"; then fail "the full ID number is shown"; fi
expect 1 "$hukou" cert show "$proof" --db "$db" --as officer:330411
grep -q "no certificate" "$tmp/err" || fail "one answer for not allowed"

# Each certificate: PDF, image, QR read back, verified by both.
for c in "$permit" "$proof"; do
  expect 0 "$hukou" cert pdf "$c" --db "$db" --keys "$tmp/keys" --out "$tmp/$c.pdf"
  pdftoppm -r 150 -png "$tmp/$c.pdf" "$tmp/$c"
  zbarimg --nodbus -Sdisable -Sqrcode.enable --raw -q "$tmp/$c"-1.png >"$tmp/$c.qr" || fail "no QR read from $c's page"
  grep -q '^HKC1:' "$tmp/$c.qr" || fail "QR text of $c: $(head -c 80 "$tmp/$c.qr")"
  expect 0 "$hukou" cert verify --file "$tmp/$c.qr" --keys "$tmp/keys.json" --holder "$(
    [ "$c" = "$permit" ] && echo $migrant || echo $local_)"
  grep -q "状态未核验（离线）/ status not checked (offline)" "$tmp/out" || fail "offline not said"
  grep -q "与打码号码相符" "$tmp/out" || fail "holder not matched (offline: the masked number)"
  expect 0 $indep --keys "$tmp/keys.json" "$tmp/$c.qr"
  [ "$(field 'd["verdict"], d["id"]')" = "('valid', '$c')" ] || fail "independent: $(cat "$tmp/out")"
done
# The QR text from the image is the one the registry keeps.
expect 0 "$hukou" cert show "$proof" --db "$db" --json
[ "$(field 'd["qr"]')" = "$(cat "$tmp/$proof.qr")" ] || fail "QR read back differs"
expect 1 "$hukou" cert verify --file "$tmp/$proof.qr" --keys "$tmp/keys.json" --holder 330106198803030024
grep -q "不相符 / does not match" "$tmp/out" || fail "another holder matched"

# A key rotation: certificates signed before still verify, with the rotated key set.
expect 0 "$hukou" keys rotate --dir "$tmp/keys"
expect 0 "$hukou" keys jwks --dir "$tmp/keys"
cp "$tmp/out" "$tmp/keys.json"
for c in "$permit" "$proof"; do
  expect 0 "$hukou" cert verify --file "$tmp/$c.qr" --keys "$tmp/keys"
  expect 0 $indep --keys "$tmp/keys.json" "$tmp/$c.qr"
done

# Refused by both: a changed byte, a wrong key, expired.
for c in "$permit" "$proof"; do
  /usr/bin/python3 - "$tmp/$c.qr" "$tmp/$c.bad" <<'PY'
import sys
t = open(sys.argv[1]).read().strip()
i = len(t) // 2
open(sys.argv[2], "w").write(t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1:])
PY
  expect 1 "$hukou" cert verify --file "$tmp/$c.bad" --keys "$tmp/keys.json"
  expect 1 $indep --keys "$tmp/keys.json" "$tmp/$c.bad"
  expect 1 "$hukou" cert verify --file "$tmp/$c.qr" --keys "$tmp/other.json"
  grep -q "unknown_key\|bad_signature" "$tmp/out" || fail "wrong key: $(cat "$tmp/out")"
  expect 1 $indep --keys "$tmp/other.json" "$tmp/$c.qr"
  later=$(date -u -d "$today + 400 days" +%F)
  expect 1 "$hukou" cert verify --file "$tmp/$c.qr" --keys "$tmp/keys.json" --now "$later"
  grep -q "expired" "$tmp/out" || fail "expired: $(cat "$tmp/out")"
  expect 1 $indep --keys "$tmp/keys.json" --now "$(date -u -d "$later" +%s)" "$tmp/$c.qr"
  [ "$(field 'd["verdict"]')" = "expired" ] || fail "independent expired: $(cat "$tmp/out")"
done

# Revoked: the permit by its county's officer (another's is refused, a reason is required), the
# proof by its holder's death.
expect 1 "$hukou" cert revoke "$permit" --db "$db" --as officer:330106 --reason "错误签发 / issued in error"
expect 1 "$hukou" cert revoke "$permit" --db "$db" --as "resident:$migrant" --reason x
grep -q "issuing county" "$tmp/err" || fail "holder revoking: $(cat "$tmp/err")"
expect 2 "$hukou" cert revoke "$permit" --db "$db" --as officer:330411
expect 0 "$hukou" cert status --db "$db" --keys "$tmp/keys" --out "$tmp/before.cwt"
expect 0 "$hukou" cert verify --file "$tmp/$permit.qr" --keys "$tmp/keys.json" --status "$tmp/before.cwt"
if grep -q "status not checked" "$tmp/out"; then fail "status given but not checked"; fi
expect 0 "$hukou" cert revoke "$permit" --db "$db" --as officer:330411 --reason "错误签发 / issued in error"
expect 0 "$hukou" death --db "$db" --as officer:330106 --today "$today" --died "$today" "$local_"
expect 0 "$hukou" cert list --db "$db" --person "$local_"
[ "$(field '[(c["status"], c["status_reason"]) for c in d]')" = "[('revoked', 'died')]" ] || fail "death: $(cat "$tmp/out")"
expect 0 "$hukou" cert status --db "$db" --keys "$tmp/keys" --out "$tmp/after.cwt"
for c in "$permit" "$proof"; do
  expect 1 "$hukou" cert verify --file "$tmp/$c.qr" --keys "$tmp/keys.json" --status "$tmp/after.cwt"
  grep -q "revoked" "$tmp/out" || fail "revoked: $(cat "$tmp/out")"
  expect 1 $indep --keys "$tmp/keys.json" --status "$tmp/after.cwt" "$tmp/$c.qr"
  [ "$(field 'd["verdict"]')" = "revoked" ] || fail "independent revoked: $(cat "$tmp/out")"
  # The list taken before still says valid: a verifier's list is as fresh as its fetch.
  expect 0 $indep --keys "$tmp/keys.json" --status "$tmp/before.cwt" "$tmp/$c.qr"
done

# The chain holds the certificates' events with masked numbers only.
expect 0 "$hukou" audit verify --db "$db"
for who in "$migrant" "$local_"; do
  expect 0 "$hukou" audit events --db "$db" --person "$who" --json
  if grep -q "$who" "$tmp/out"; then fail "a full ID number in the events"; fi
  grep -q "certificate.issue" "$tmp/out" || fail "certificate.issue event"
  grep -q "certificate.status" "$tmp/out" || fail "certificate.status event"
done
/usr/bin/python3 - "$db" "$migrant" "$local_" <<'PY' || fail "a full ID number in the event table"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT subject || payload FROM event").fetchall()
sys.exit(any(n in r[0] for r in rows for n in sys.argv[2:]))
PY
echo "cert CLI: all checks passed"
