#!/usr/bin/env bash
# HTTP benchmark (issue 5): wrk against `hukou serve` on a registry of N persons (made by
# bench_import), for a person read (GET /api/v1/persons/{id}, random IDs, signed in as an officer
# of the province: authenticated, role-checked and written to the access log like any real read)
# and an eligibility answer (POST /api/v1/eligibility, a contract example), and against the peer
# a user might pick instead, node:http + better-sqlite3 (bench/http-peer), doing the same person
# read on the same database. Prints requests/s and p99 latency of each; see docs/benchmarks.md.
#
# Usage: bench/bench_http.sh        env: BUILD=build-rel N=100000 DIR=/tmp/hukou-bench-http
#                                        SECS=10 CONNS=64 THREADS=2 WORKERS=2
# Everything listens on 127.0.0.1 only; every load run is bounded by SECS (and a timeout).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-rel}
n=${N:-100000}
dir=${DIR:-/tmp/hukou-bench-http}
secs=${SECS:-10}
conns=${CONNS:-64}
threads=${THREADS:-2}
workers=${WORKERS:-2}
mkdir -p "$dir"

for tool in wrk sqlite3 node npm; do
  command -v "$tool" >/dev/null || { echo "bench_http: $tool is missing (scripts/setup.sh installs wrk)" >&2; exit 1; }
done
if [ ! -x "$build/hukou" ] || [ ! -x "$build/bench/bench_import" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" hukou bench_import >/dev/null

db=$dir/bench_import_$n.db
if [ ! -f "$db" ]; then
  echo "bench_http: making $n persons with bench_import" >&2
  "$build/bench/bench_import" "$n" "$dir" >"$dir/import.log"
fi
# A registry made by an older build gains the accounts and the access log (schema 5).
"$build/hukou" migrate --db "$db" >/dev/null
# Persons an officer of the province may read: hukou or an active residence registration in
# Zhejiang (the others are a 403, which the benchmark would count as errors).
sqlite3 -readonly "$db" "SELECT id_number FROM person p WHERE EXISTS (SELECT 1 FROM hukou h
  WHERE h.person_id = p.id AND h.valid_to IS NULL AND h.division BETWEEN 330000 AND 339999)
  OR EXISTS (SELECT 1 FROM residence r WHERE r.person_id = p.id AND r.valid_to IS NULL
  AND r.ended = 0 AND r.division BETWEEN 330000 AND 339999)
  ORDER BY random() LIMIT 10000" >"$dir/ids.txt"
[ -s "$dir/ids.txt" ] || { echo "bench_http: no person in Zhejiang to read" >&2; exit 1; }
# The officer the reads are made as (made once per database).
"$build/hukou" user list --db "$db" | grep -q '"name":"bench.officer"' ||
  echo "bench password" | "$build/hukou" user add bench.officer --role officer \
    --jurisdiction 330000 --password-stdin --db "$db" >/dev/null

# person.lua is written once the server has answered the sign-in (it holds the token).
person_lua() {
  cat >"$dir/person.lua" <<LUA
local ids = {}
for line in io.lines("$dir/ids.txt") do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", "/api/v1/persons/" .. ids[math.random(#ids)],
                    {["Authorization"] = "Bearer $1"})
end
LUA
}
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["situation"]))' \
  tests/policy/cases/000-residence-anniversary-day-met.json >"$dir/situation.json"
cat >"$dir/eligibility.lua" <<LUA
local f = io.open("$dir/situation.json")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# run NAME URL SCRIPT: a 3 s warm-up, then the measured run; prints "req/s p99".
run() {
  local name=$1 url=$2 script=$3 out
  out=$dir/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_').wrk
  timeout $((3 + 30)) wrk -t2 -c"$conns" -d3s -s "$script" "$url" >/dev/null
  timeout $((secs + 30)) wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$script" "$url" >"$out"
  if grep -q "Non-2xx" "$out"; then
    echo "bench_http: $name: error answers:" >&2
    cat "$out" >&2
    exit 1
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  printf '%-36s %12s req/s   p99 %s\n' "$name" "$rps" "$p99"
}

# Our server: the release build, no request log on stderr (the peer writes none), no rate limit.
# The access log of person reads is always written (to the database, in batches).
"$build/hukou" serve --db "$db" --listen 127.0.0.1:0 --rate 0 --no-access-log \
  --threads "$threads" >"$dir/serve.out" 2>"$dir/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$dir/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/serve.out")
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"name":"bench.officer","password":"bench password"}' "$url/api/v1/sessions" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') ||
  { echo "bench_http: cannot sign in" >&2; exit 1; }
person_lua "$token"

# The peer: installed outside the source tree (better-sqlite3 compiles from source, ~70 s).
peer=$dir/http-peer
mkdir -p "$peer"
cp bench/http-peer/package.json bench/http-peer/server.js "$peer/"
if [ ! -f "$peer/node_modules/better-sqlite3/package.json" ]; then
  echo "bench_http: npm install better-sqlite3 (builds from source)" >&2
  (cd "$peer" && timeout 900 npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DB=$db PORT=$port WORKERS=$workers node "$peer/server.js" >"$dir/peer.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q 'listening' "$dir/peer.out" && break; sleep 0.1; done
peer_url=http://127.0.0.1:$port

id=$(head -1 "$dir/ids.txt")
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/persons/$id" >/dev/null ||
  { echo "bench_http: hukou does not answer" >&2; exit 1; }
curl -sf "$peer_url/api/v1/persons/$id" >/dev/null || { echo "bench_http: the peer does not answer" >&2; exit 1; }

echo "# $n persons, wrk -t2 -c$conns -d${secs}s, hukou --threads $threads, peer $workers processes; $(nproc) cores"
run "hukou GET /api/v1/persons/{id}" "$url" "$dir/person.lua"
run "peer GET /api/v1/persons/{id}" "$peer_url" "$dir/person.lua"
run "hukou POST /api/v1/eligibility" "$url/api/v1/eligibility" "$dir/eligibility.lua"
