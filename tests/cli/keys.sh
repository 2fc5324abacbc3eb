#!/usr/bin/env bash
# Certificate signing keys through the real binary (九): keys init, rotate, list, jwks; the
# modes of the directory and the private keys; refusals and their exit statuses; a private
# key never printed.
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
py() { /usr/bin/python3 -c "$@"; }

dir=$tmp/keys
expect 0 "$hukou" keys init --dir "$dir"
first=$(py 'import json,sys; print(json.load(sys.stdin)["kid"])' <"$tmp/out")
[[ $first =~ ^[0-9a-f]{16}$ ]] || fail "init kid: $(cat "$tmp/out")"
[ "$(stat -c %a "$dir")" = 700 ] || fail "keys dir mode $(stat -c %a "$dir")"
[ "$(stat -c %a "$dir/$first.key")" = 600 ] || fail "private key mode"
grep -q "$first.key" "$tmp/err" || fail "init does not say where the private key is"
seed1=$(cat "$dir/$first.key")
[[ $seed1 =~ ^[0-9a-f]{64}$ ]] || fail "private key file: not a 32-byte seed in hex"
! grep -q "$seed1" "$tmp/out" "$tmp/err" || fail "init printed its private key"

# A second init refuses (a conflict, 1); no directory or an unknown subcommand is usage (2).
expect 1 "$hukou" keys init --dir "$dir"
grep -q "rotate" "$tmp/err" || fail "second init does not point to rotate"
[ "$(ls "$dir"/*.key | wc -l)" = 1 ] || fail "a refused init left a key"
expect 2 "$hukou" keys init
expect 2 "$hukou" keys burn --dir "$dir"
expect 2 "$hukou" keys list --dir "$dir" extra
expect 1 "$hukou" keys list --dir "$tmp/nothing"
grep -q "keys init" "$tmp/err" || fail "a missing key set does not say how to make one"
mkdir -m 755 "$tmp/open"
expect 2 "$hukou" keys init --dir "$tmp/open"
grep -q "0700" "$tmp/err" || fail "an open directory is not explained"
expect 0 "$hukou" keys --help
grep -q "签名密钥" "$tmp/out" && grep -q "hukou key)" "$tmp/out" || fail "help does not tell keys from key"

# Rotation: a new signing key, the old one kept and retired.
expect 0 "$hukou" keys rotate --dir "$dir"
second=$(py 'import json,sys; print(json.load(sys.stdin)["kid"])' <"$tmp/out")
[ "$second" != "$first" ] || fail "rotate kept the kid"
[ "$(stat -c %a "$dir/$second.key")" = 600 ] || fail "rotated private key mode"
[ "$(cat "$dir/$first.key")" = "$seed1" ] || fail "rotation touched the old private key"
seed2=$(cat "$dir/$second.key")
! grep -q "$seed2" "$tmp/out" "$tmp/err" || fail "rotate printed its private key"

expect 0 "$hukou" keys list --dir "$dir" --json
[ "$(wc -l <"$tmp/out")" = 2 ] || fail "list --json: $(cat "$tmp/out")"
py '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["kid"] for r in rows] == [sys.argv[2], sys.argv[3]], rows
assert [r["signing"] for r in rows] == [False, True], rows
assert "retired" in rows[0] and "retired" not in rows[1], rows
assert [r["private_key_file"] for r in rows] == [True, True], rows
' "$tmp/out" "$first" "$second" || fail "list --json: $(cat "$tmp/out")"
expect 0 "$hukou" keys list --dir "$dir"
grep "$first" "$tmp/out" | grep -q "verify only" || fail "list: old key: $(cat "$tmp/out")"
grep "$second" "$tmp/out" | grep -q "signing" || fail "list: new key: $(cat "$tmp/out")"
# An archived private key is said, without reading any.
mv "$dir/$first.key" "$tmp/archived.key"
expect 0 "$hukou" keys list --dir "$dir"
grep "$first" "$tmp/out" | grep -q "no private key file" || fail "list: archived key: $(cat "$tmp/out")"
grep "$second" "$tmp/out" | grep -q "no private key file" && fail "list: signing key said missing"
mv "$tmp/archived.key" "$dir/$first.key"
HUKOU_KEYS=$dir expect 0 "$hukou" keys list
grep -q "$second" "$tmp/out" || fail "HUKOU_KEYS not used"

# The JWK Set: both keys, RFC 8037 members, each kid the SHA-256 of its key, no private part.
expect 0 "$hukou" keys jwks --dir "$dir"
py '
import base64, hashlib, json, sys
keys = json.load(open(sys.argv[1]))["keys"]
assert len(keys) == 2
for k in keys:
    assert (k["kty"], k["crv"], k["alg"], k["use"]) == ("OKP", "Ed25519", "EdDSA", "sig"), k
    assert "d" not in k, k
    x = base64.urlsafe_b64decode(k["x"] + "=")
    assert hashlib.sha256(x).digest()[:8].hex() == k["kid"], k
assert "exp" in keys[0] and "exp" not in keys[1]
' "$tmp/out" || fail "jwks: $(cat "$tmp/out")"

# The private keys appear in no output of any command.
for cmd in "keys list --dir $dir" "keys list --json --dir $dir" "keys jwks --dir $dir"; do
  # shellcheck disable=SC2086
  "$hukou" $cmd >"$tmp/all" 2>&1
  ! grep -q -e "$seed1" -e "$seed2" "$tmp/all" || fail "$cmd printed a private key"
done
echo ok
