#!/usr/bin/env bash
# hukou division show: JSON output for a known code, exit 1 for an unknown code, 2 for a
# malformed one. Usage: division.sh PATH/TO/hukou
set -euo pipefail

hukou=${1:?usage: division.sh PATH/TO/hukou}
failures=0
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Run hukou, capturing stdout, stderr and the exit status without tripping set -e.
run() {
  set +e
  out=$("$hukou" "$@" 2>"$errfile")
  status=$?
  set -e
  err=$(cat "$errfile")
}

# A known current district: every field, checked by a JSON parser rather than by text.
run division show 330106
[ "$status" -eq 0 ] || fail "show 330106: exit $status, stderr: $err"
if ! python3 -c '
import json, sys
lines = sys.argv[1].splitlines()
assert len(lines) == 1, "expected one line, got %d" % len(lines)
o = json.loads(lines[0])
want = {"code": "330106", "name": "西湖区", "type": "district", "current": True,
        "parent": "330100", "city": {"code": "330100", "name": "杭州市"},
        "province": {"code": "330000", "name": "浙江省"}}
assert o == want, "got %r" % o
' "$out"; then
  fail "show 330106: unexpected JSON: $out"
fi

# A historical code and a province: one line each, in argument order.
run division show 330103 330000
[ "$status" -eq 0 ] || fail "show 330103 330000: exit $status, stderr: $err"
if ! python3 -c '
import json, sys
a, b = [json.loads(l) for l in sys.argv[1].splitlines()]
assert a["code"] == "330103" and a["name"] == "下城区" and a["current"] is False, a
assert b["type"] == "province" and b["parent"] is None and b["city"] is None, b
assert b["province"] == {"code": "330000", "name": "浙江省"}, b
' "$out"; then
  fail "show 330103 330000: unexpected JSON: $out"
fi

# Unknown code: exit 1, the code named on stderr, nothing on stdout.
run division show 330199
[ "$status" -eq 1 ] || fail "show 330199: exit $status, want 1"
[[ "$err" == *330199* ]] || fail "show 330199: stderr does not name the code: $err"
[ -z "$out" ] || fail "show 330199: unexpected stdout: $out"

# Malformed codes: exit 2.
for bad in 33010 3301066 33o106 ""; do
  run division show "$bad"
  [ "$status" -eq 2 ] || fail "show '$bad': exit $status, want 2"
done

# A bad code does not hide the good ones; the worst status wins.
run division show 330106 330199 33o106
[ "$status" -eq 2 ] || fail "show 330106 330199 33o106: exit $status, want 2"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "mixed: want one JSON line, got: $out"

# Usage: --help on stdout with status 0, Chinese before English; no code is a usage error.
run division --help
[ "$status" -eq 0 ] || fail "--help: exit $status"
[[ "$out" == *用法*usage* ]] || fail "--help: no bilingual usage: $out"
run division show
[ "$status" -eq 2 ] || fail "show without codes: exit $status, want 2"
run division frobnicate 330106
[ "$status" -eq 2 ] || fail "unknown subcommand: exit $status, want 2"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "division.sh: all checks passed"
