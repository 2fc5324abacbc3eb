#!/usr/bin/env bash
# hukou policy check / show. Usage: policy.sh PATH/TO/hukou
set -euo pipefail
hukou=${1:?usage: policy.sh PATH/TO/hukou}
src=${HK_SOURCE_DIR:?}
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
run() { set +e; out=$("$hukou" "$@" 2>"$tmp/err"); status=$?; set -e; err=$(cat "$tmp/err"); }

# The published files comply.
run policy check "$src/policies"
[ "$status" -eq 0 ] || fail "check: exit $status: $out $err"

# Each kind of violation is reported with file, parameter and clause; exit 1.
cp "$src"/policies/*.json "$tmp/"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
hz = json.load(open(d + "/330100.json"))
hz["parameters"]["points.quota"] = [{"from": "2024-01-01", "value": 5000, "source": "test"}]
hz["parameters"]["points.items"][0]["value"] = [{"id": "edu", "basis": "education", "table": {"doctor": 90}},
                                                {"id": "res", "basis": "residence_months", "per": 12, "points": 1, "cap": 10}]
json.dump(hz, open(d + "/330100.json", "w"), ensure_ascii=False)
jx = json.load(open(d + "/330400.json"))
jx["parameters"]["residence.min_years"] = [{"from": "2023-08-01", "value": 0, "source": "t"},
                                           {"from": "2024-08-01", "value": 2, "source": "t"}]
jx["parameters"]["family.parent_min_age"] = [{"from": "2024-01-01", "value": 60, "source": "t"}]
jx["parameters"]["permit.min_months"] = [{"from": "2024-01-01", "value": 12, "source": "t"}]
jx["parameters"]["talent.categories"] = [{"from": "2024-01-01", "value": [], "source": "t"}]
jx["parameters"]["family.unmarried_children"] = [{"from": "2024-01-01", "value": False, "source": "t"}]
jx["parameters"]["yrd.cities"] = [{"from": "2024-01-01", "value": ["330400"], "source": "t"}]
json.dump(jx, open(d + "/330400.json", "w"), ensure_ascii=False)
PY
run policy check "$tmp"
[ "$status" -eq 1 ] || fail "violations: exit $status"
for want in "330100.json: points.quota (二)" "330100.json: points.items (二)" \
            "330400.json: residence.min_years (二)(十一)" "330400.json: family.parent_min_age (六)" \
            "330400.json: permit.min_months (三)" "330400.json: talent.categories (五)" \
            "330400.json: family.unmarried_children (六)" "330400.json: yrd.cities (七)"; do
  [[ "$out" == *"$want"* ]] || fail "check: missing \"$want\" in: $out"
done

# Schema errors: an unknown parameter, a missing source, a bad date.
cp "$src"/policies/*.json "$tmp/"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
x = json.load(open(d + "/330500.json"))
x["parameters"]["residence.max_years"] = [{"from": "2024-01-01", "value": 1, "source": "t"}]
json.dump(x, open(d + "/330500.json", "w"))
x = json.load(open(d + "/330600.json"))
x["parameters"]["permit_conversion.min_years"][0]["source"] = ""
json.dump(x, open(d + "/330600.json", "w"))
x = json.load(open(d + "/330700.json"))
x["parameters"]["permit_conversion.min_years"][0]["from"] = "2024-02-30"
json.dump(x, open(d + "/330700.json", "w"))
PY
run policy check "$tmp"
[ "$status" -eq 1 ] || fail "schema: exit $status"
[[ "$out" == *330500.json*residence.max_years* ]] || fail "schema: unknown parameter not named: $out"
[[ "$out" == *330600.json*source* ]] || fail "schema: empty source not named: $out"
[[ "$out" == *330700.json*from* ]] || fail "schema: bad date not named: $out"

# show: what is in force and where it comes from.
run policy show 330402 --as-of 2024-06-01
[ "$status" -eq 0 ] || fail "show: exit $status $err"
[[ "$out" == *residence.min_years*330000.json* ]] || fail "show: no provenance: $out"
[[ "$out" == *permit_conversion.min_years*330400.json*illustrative* ]] || fail "show: illustrative not marked"
run policy show 330106 --as-of 2024-06-01 --json
echo "$out" | python3 -c '
import json,sys; p=json.load(sys.stdin)
assert p["points.threshold"]["value"] == 100 and p["points.threshold"]["division"] == "330100", p
assert p["points.quota"]["value"] is None' || fail "show --json: $out"
run policy show 330122 --json
echo "$out" | python3 -c '
import json,sys; p=json.load(sys.stdin)
assert p["family.parent_min_age"]["value"] is None and p["family.parent_min_age"]["division"] == "330122"' \
  || fail "show county file wins: $out"
run policy show 320505
[ "$status" -eq 2 ] || fail "show outside Zhejiang: exit $status"
run policy show 330402 --as-of 2024-02-30
[ "$status" -eq 2 ] || fail "show bad date: exit $status"
run policy frobnicate
[ "$status" -eq 2 ] || fail "unknown subcommand: exit $status"

if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "policy.sh: all checks passed"
