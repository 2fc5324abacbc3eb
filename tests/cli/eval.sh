#!/usr/bin/env bash
# hukou eval: the contract's examples, the exit statuses, --explain, --parameters, stdin.
# Usage: eval.sh PATH/TO/hukou
set -euo pipefail
hukou=${1:?usage: eval.sh PATH/TO/hukou}
src=${HK_SOURCE_DIR:?}
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
run() { set +e; out=$("$hukou" "$@" 2>"$tmp/err"); status=$?; set -e; err=$(cat "$tmp/err"); }

# The contract's examples and the golden cases, through the real binary, by the contract's checker.
if [ -f "$src/../shared/spec/check_examples.py" ]; then
  python3 "$src/../shared/spec/check_examples.py" --cmd "$hukou eval" >"$tmp/ex" 2>&1 || fail "examples: $(tail -3 "$tmp/ex")"
  python3 "$src/../shared/spec/check_examples.py" --cmd "$hukou eval" "$src/tests/policy/cases" >"$tmp/cs" 2>&1 \
    || fail "cases: $(grep -A3 FAIL "$tmp/cs" | head -20)"
fi

# A situation: answer on stdout, exit 0; the same through stdin.
sit="$tmp/s.json"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["situation"]))' \
  "$src/tests/policy/cases/000-residence-anniversary-day-met.json" >"$sit"
run eval "$sit"
[ "$status" -eq 0 ] || fail "eval: exit $status: $err"
echo "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin); assert a["settlement"]["eligible"] is True' \
  || fail "eval: unexpected answer"
[[ "$out" != *341222199001010112* ]] || fail "eval: full ID number in the answer"
set +e; out2=$("$hukou" eval - <"$sit"); set -e
[ "$out" = "$out2" ] || fail "eval -: differs from eval FILE"

# --explain: Chinese first, English beside it, no JSON, no full ID number.
run eval --explain "$sit"
[ "$status" -eq 0 ] || fail "--explain: exit $status"
[[ "$out" == *资格评估*Eligibility* ]] || fail "--explain: no bilingual heading: $out"
[[ "$out" != *341222199001010112* ]] || fail "--explain: full ID number printed"

# --parameters: a what-if that makes the residence pathway ineligible.
echo '{"330400": {"residence.min_years": 5}}' >"$tmp/p.json"
run eval --parameters "$tmp/p.json" "$sit"
echo "$out" | python3 -c '
import json,sys; a=json.load(sys.stdin); p=a["settlement"]["pathways"][0]
assert p["pathway"] == "residence" and p["eligible"] is False and p["eligible_from"] == "2027-06-01", p' \
  || fail "--parameters: what-if not applied"
echo '{"330400": {"residence.min_years": "five"}}' >"$tmp/bad.json"
run eval --parameters "$tmp/bad.json" "$sit"
[ "$status" -eq 2 ] || fail "--parameters with a wrong type: exit $status"

# Malformed situations: exit 2 and one line on stderr naming the field.
python3 - "$sit" "$tmp" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["person"]["residence"][0]["from"] = "2021-13-01"
json.dump(s, open(sys.argv[2] + "/bad-date.json", "w"))
PY
run eval "$tmp/bad-date.json"
[ "$status" -eq 2 ] || fail "bad date: exit $status"
# Two lines: the sentence in Chinese, then in English, each naming the field (issue 10).
[ "$(printf '%s\n' "$err" | wc -l)" -eq 2 ] || fail "bad date: not two lines: $err"
[[ "$err" == *"person.residence[0].from: 不是日期（YYYY-MM-DD）"* ]] || fail "bad date: no Chinese: $err"
[[ "$err" == *"person.residence[0].from: not a date"* ]] || fail "bad date: field not named: $err"
echo '{not json' >"$tmp/garbage.json"
run eval "$tmp/garbage.json"
[ "$status" -eq 2 ] || fail "garbage: exit $status"
run eval "$tmp/missing.json"
[ "$status" -ne 0 ] || fail "missing file: exit 0"
run eval --policies "$tmp" "$sit"
[ "$status" -eq 1 ] || fail "empty policy directory: exit $status, want 1"
run eval
[ "$status" -eq 2 ] || fail "no FILE: exit $status"
run eval --help
[ "$status" -eq 0 ] && [[ "$out" == *用法*usage* ]] || fail "--help"

if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "eval.sh: all checks passed"
