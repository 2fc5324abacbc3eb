#!/usr/bin/env bash
# Fact updates per second through the API (issue 10): wrk POSTs single facts to /api/v1/facts
# with a housing department key (each a new delivery id: an entry and an event, one write
# transaction each), against `hukou serve` on a registry of N persons made by bench_facts (which
# also prints the bulk figures beside `hukou import`'s). Prints requests/s and p99.
#
# Usage: bench/bench_facts_http.sh   env: BUILD=build-rel N=100000 DIR=/tmp/hukou-bench-facts
#                                         SECS=10 CONNS=16
# Everything listens on 127.0.0.1 only; every load run is bounded by SECS (and a timeout).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-rel}
n=${N:-100000}
dir=${DIR:-/tmp/hukou-bench-facts}
secs=${SECS:-10}
conns=${CONNS:-16}
mkdir -p "$dir"
command -v wrk >/dev/null || { echo "bench_facts_http: wrk is missing (scripts/setup.sh installs it)" >&2; exit 1; }
if [ ! -x "$build/hukou" ] || [ ! -x "$build/bench/bench_facts" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" hukou bench_facts >/dev/null

db=$dir/bench_facts_$n.db
echo "bench_facts_http: $n persons and a feed of $((n / 10)) facts with bench_facts:" >&2
"$build/bench/bench_facts" "$n" $((n / 10)) "$dir" | tee "$dir/bulk.txt" >&2
key=$("$build/hukou" key add --db "$db" --department housing --facts housing |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
# The ID numbers bench_facts made, and the county each lives in.
head -n 20000 "$dir/bench_facts_people_$n.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    p = json.loads(line)
    print(p["id_number"], p["residence"][0]["division"])' >"$dir/ids.txt"

cat >"$dir/facts.lua" <<LUA
local ids, divs = {}, {}
for line in io.lines("$dir/ids.txt") do
  local id, div = line:match("(%S+) (%S+)")
  ids[#ids + 1] = id
  divs[#divs + 1] = div
end
local counter, tag = 0, "x"
function setup(thread)
  thread:set("tag", tostring(math.random(1, 1e9)))
end
function init(args)
  tag = tag or "x"
end
request = function()
  counter = counter + 1
  local i = (counter * 7919) % #ids + 1
  local body = string.format('{"id_number":"%s","kind":"housing","delivery":"api-%s-%d",'
    .. '"fact":{"division":"%s","urban":true,"kind":"owned","from":"2024-01-01"}}',
    ids[i], tag, counter, divs[i])
  return wrk.format("POST", "/api/v1/facts", {["Authorization"] = "Bearer $key",
    ["Content-Type"] = "application/json"}, body)
end
LUA

"$build/hukou" serve --db "$db" --listen 127.0.0.1:0 --rate 0 >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$dir/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/serve.out")
out=$dir/facts.wrk
timeout $((secs + 30)) wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$dir/facts.lua" "$url" >"$out"
if grep -q "Non-2xx" "$out"; then
  echo "bench_facts_http: error answers:" >&2
  cat "$out" >&2
  exit 1
fi
rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
p99=$(awk '$1 == "99%" {print $2}' "$out")
printf '%-36s %12s req/s   p99 %s\n' "POST /api/v1/facts (one fact)" "$rps" "$p99"
