#!/usr/bin/env bash
# The HTTP API through the real server: a fresh registry (init + import of the sample), then
# `hukou serve --listen 127.0.0.1:0`, the pytest suite of tests/api against it (Debian's
# python3-pytest, standard library only; its fixtures add accounts with `hukou user add`), and a
# SIGTERM that must end it cleanly. Neither the request log on stderr nor the access log of
# person reads may hold a full ID number; the access log's chain must verify.
# Usage: api.sh PATH/TO/hukou   (env HK_SOURCE_DIR, HK_TEST_DATA; ctest sets both)
set -euo pipefail
hukou=${1:?usage: api.sh PATH/TO/hukou}
src=${HK_SOURCE_DIR:?}
data=${HK_TEST_DATA:?}
# Debian's interpreter, where python3-pytest lives, whatever python3 comes first on PATH.
py=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
"$py" -c 'import pytest' 2>/dev/null || fail "python3-pytest is not installed (scripts/setup.sh installs it)"

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$hukou" init --db "$tmp/r.db" >/dev/null
"$hukou" import --db "$tmp/r.db" "$data/registry_sample.jsonl" >/dev/null
# Certificate keys (issue 12), so that the suite's server signs and verifies.
"$hukou" keys init --dir "$tmp/keys" >/dev/null

# --rate 0: the suite sends many answers from one address; the limiter is tested on a server
# of its own. --timeout 2: the slow-client test waits for it. --keys: the certificate routes.
"$hukou" serve --db "$tmp/r.db" --listen 127.0.0.1:0 --rate 0 --timeout 2 --keys "$tmp/keys" \
  >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in $(seq 300); do # at most 30 s: the sanitizer build starts slowly
  grep -q 'listening on' "$tmp/out" && break
  kill -0 "$pid" 2>/dev/null || fail "hukou serve exited: $(cat "$tmp/log")"
  sleep 0.1
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/out") || fail "no address printed"

set +e
HK_API_URL=$url HK_BIN=$hukou HK_DB=$tmp/r.db HK_SOURCE_DIR=$src HK_TEST_DATA=$data \
  PYTHONDONTWRITEBYTECODE=1 timeout 900 "$py" -m pytest -q -p no:cacheprovider \
  --rootdir "$src/tests/api" "$src/tests/api"
rc=$?
set -e

# Graceful stop: SIGTERM, exit 0 within 20 s.
kill -TERM "$pid"
status=
for _ in $(seq 200); do
  if ! kill -0 "$pid" 2>/dev/null; then
    set +e; wait "$pid"; status=$?; set -e
    break
  fi
  sleep 0.1
done
pid_was=$pid
pid=
[ -n "$status" ] || { kill -KILL "$pid_was"; fail "hukou serve did not stop within 20 s of SIGTERM"; }
[ "$status" -eq 0 ] || fail "hukou serve exited $status after SIGTERM: $(tail -5 "$tmp/log")"
grep -q 'stopped after' "$tmp/log" || fail "no stop message in the log"

# The access log: JSON lines, and no full ID number of the registry anywhere.
"$py" - "$tmp/log" "$data/registry_sample.jsonl" <<'PY' || fail "access log"
import json, sys
log = open(sys.argv[1], encoding="utf-8").read()
lines = [l for l in log.splitlines() if l.startswith("{")]
assert len(lines) > 50, f"only {len(lines)} access log lines"
for l in lines:
    d = json.loads(l)
    assert {"method", "route", "status", "ms"} <= set(d), d
for line in open(sys.argv[2]):
    pid = json.loads(line)["id_number"]
    assert pid not in log, "a full ID number is in the log"
PY

# The access log of person reads: written out by the stop, its chain intact, and no full ID
# number in it either.
"$hukou" audit verify --db "$tmp/r.db" >"$tmp/verify" || fail "audit verify: $(cat "$tmp/verify")"
"$py" - "$tmp/verify" <<'PY' || fail "access log chain: $(cat "$tmp/verify")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] and d["access_checked"] > 20, d
PY
first=$(head -1 "$data/registry_sample.jsonl" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["id_number"])')
"$hukou" audit access --person "$first" --db "$tmp/r.db" >"$tmp/access" || fail "audit access"
[ -s "$tmp/access" ] || fail "no access entries for $first"
! grep -q "$first" "$tmp/access" || fail "a full ID number in audit access"

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
[ "$rc" -ne 5 ] || fail "pytest ran no test"
[ "$rc" -eq 0 ] || fail "pytest exited $rc"
echo "api.sh: all checks passed"
