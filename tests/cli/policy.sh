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

# (十一): a city or county value stricter than the province's in force on the same day, even as
# its only value (no rise over time inside the file); a Hangzhou county left inheriting the
# urban area's family limits (六). The published files raise none of these.
cp "$src"/policies/*.json "$tmp/"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
hz = json.load(open(d + "/330500.json"))
hz["parameters"]["residence.min_insurance_years"] = [{"from": "2023-08-01", "value": 1, "source": "t"}]
hz["parameters"]["permit.talent_waives_half_year"] = [{"from": "2024-01-01", "value": False, "source": "t"}]
json.dump(hz, open(d + "/330500.json", "w"), ensure_ascii=False)
x = json.load(open(d + "/330600.json"))
x["parameters"]["permit_conversion.min_years"] = [{"from": "2023-07-31", "value": 3, "source": "t"}]
json.dump(x, open(d + "/330600.json", "w"), ensure_ascii=False)
# A county raising what the province sets later: compared on the day the province's value starts.
x = {"schema": 1, "division": "330281", "parameters": {"residence.min_years": [{"from": "2023-01-01", "value": 1, "source": "t"}]}}
json.dump(x, open(d + "/330281.json", "w"), ensure_ascii=False)
x = json.load(open(d + "/330127.json"))
del x["parameters"]["family.parent_min_age"]
json.dump(x, open(d + "/330127.json", "w"), ensure_ascii=False)
PY
run policy check "$tmp"
[ "$status" -eq 1 ] || fail "(十一): exit $status: $out"
for want in "330500.json: residence.min_insurance_years (二)(十一)" "330500.json: permit.talent_waives_half_year (三)(十一)" \
            "330600.json: permit_conversion.min_years (四)(十一)" "330281.json: residence.min_years (二)(十一)" \
            "330100.json: family.parent_min_age (六)"; do
  [[ "$out" == *"$want"* ]] || fail "check: missing \"$want\" in: $out"
done
[[ "$out" == *"from 2023-07-31"*"province's 0"* ]] || fail "(十一): the day and the province's value named: $out"
[[ "$out" == *"330127 淳安县"* ]] || fail "(六): the county named: $out"
n=$(grep -c "(十一)" <<<"$out" || true)
[ "$n" -eq 4 ] || fail "(十一): $n findings, expected 4: $out"

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
