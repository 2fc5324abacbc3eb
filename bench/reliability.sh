#!/usr/bin/env bash
# The load proof of issue 16 (docs/reliability.md), not a timed test: on a registry of realistic
# size (hukou gen --scale 0.01: 662,700 persons), the release build of `hukou serve` under
#   1. wrk, CONNS (256) connections for SECS (60) s, twice: GET /api/v1/persons/{id} signed in as
#      an officer of the province, spread over 10,000 ID numbers (each read also appends to the
#      access log), then twice POST /api/v1/births (a birth registered: a person, a household
#      member and an event each, unique birth certificates, 10,000 mothers);
#      requests/s, p50, p99, non-2xx answers and socket errors of each run, and the server's
#      memory (VmRSS, RssAnon) before, between and after the two identical runs;
#   2. a slow-client run: SLOW (200) connections from 20 loopback addresses trickling a header
#      line every 2 s for SLOW_SECS (30) s, which the server cuts at --header-deadline (10 s),
#      while wrk at 16 connections reads persons: its p99 beside the same run without them.
# Prints one line per run and writes them to $DIR/results.txt. Needs 2+ cores and ~6 minutes.
#
# Usage: bench/reliability.sh   env BUILD=build-release SCALE=0.01 DIR=/tmp/hukou-rel SECS=60
#                                   CONNS=256 SLOW=200 SLOW_SECS=30 THREADS=2
# Everything listens on 127.0.0.1 (the slow clients bind 127.0.0.2-21); every run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build-release}
scale=${SCALE:-0.01}
dir=${DIR:-/tmp/hukou-rel}
secs=${SECS:-60}
conns=${CONNS:-256}
slow=${SLOW:-200}
slow_secs=${SLOW_SECS:-30}
threads=${THREADS:-2}
mkdir -p "$dir"
results=$dir/results.txt

for tool in wrk sqlite3 python3 curl; do
  command -v "$tool" >/dev/null || { echo "reliability: $tool is missing" >&2; exit 1; }
done
if [ ! -x "$build/hukou" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHK_WERROR=ON >/dev/null
fi
ninja -C "$build" hukou >/dev/null
hukou=$build/hukou

db=$dir/registry_$scale.db
if [ ! -f "$db" ]; then
  echo "reliability: generating the registry (scale $scale)" >&2
  "$hukou" gen --scale "$scale" --seed 16 --db "$db" --quiet
fi
"$hukou" user list --db "$db" | grep -q '"name":"bench.officer"' ||
  echo "bench password" | "$hukou" user add bench.officer --role officer \
    --jurisdiction 330000 --password-stdin --db "$db" >/dev/null
# Persons an officer of the province may read (hukou or residence in Zhejiang), and mothers for
# the births: women born 1985-2000 with a current family hukou in Zhejiang.
sqlite3 -readonly "$db" "SELECT id_number FROM person p WHERE EXISTS (SELECT 1 FROM hukou h
  WHERE h.person_id = p.id AND h.valid_to IS NULL AND h.division BETWEEN 330000 AND 339999)
  ORDER BY random() LIMIT 10000" >"$dir/ids.txt"
sqlite3 -readonly "$db" "SELECT p.id_number || '|' || h.division FROM person p
  JOIN hukou h ON h.person_id = p.id AND h.valid_to IS NULL
  JOIN household o ON o.id = h.household_id AND o.kind = 1
  WHERE p.sex = 'F' AND p.birth_date BETWEEN 5479 AND 11322
  AND h.division BETWEEN 330000 AND 339999 ORDER BY random() LIMIT 10000" >"$dir/mothers.txt"
[ -s "$dir/ids.txt" ] && [ -s "$dir/mothers.txt" ] || { echo "reliability: no persons" >&2; exit 1; }

pid=
slow_pid=
cleanup() {
  [ -n "$slow_pid" ] && kill "$slow_pid" 2>/dev/null || true
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

# The server: the release build, no request log on stderr (as bench/bench_http.sh), no rate
# limit, room for 256 connections from one address. The access log of reads is always written.
"$hukou" serve --db "$db" --listen 127.0.0.1:0 --rate 0 --no-access-log --threads "$threads" \
  --max-per-address $((conns + 44)) >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
for _ in $(seq 300); do grep -q 'listening on' "$dir/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/serve.out")
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"name":"bench.officer","password":"bench password"}' "$url/api/v1/sessions" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') ||
  { echo "reliability: cannot sign in" >&2; exit 1; }

cat >"$dir/person.lua" <<LUA
local ids = {}
for line in io.lines("$dir/ids.txt") do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", "/api/v1/persons/" .. ids[math.random(#ids)],
                    {["Authorization"] = "Bearer $token"})
end
LUA
# births_RUN.lua: certificates (capital letters and digits) unique per run and wrk thread; born 2025-01-01 + 0..699 days, in
# the mother's county (the household the newborn joins is hers).
births_lua() {
  cat >"$dir/births_$1.lua" <<LUA
local mothers = {}
for line in io.lines("$dir/mothers.txt") do
  local id, div = line:match("([^|]+)|([^|]+)")
  mothers[#mothers + 1] = {id, div}
end
local next_thread = 1
function setup(thread) thread:set("tid", next_thread); next_thread = next_thread + 1 end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local n = 0
request = function()
  n = n + 1
  local m = mothers[math.random(#mothers)]
  local born = os.date("%Y-%m-%d", os.time({year = 2025, month = 1, day = 1 + (n * 7 + tid) % 700, hour = 12}))
  local body = string.format(
    '{"born":"%s","sex":"%s","mother":"%s","birth_certificate":"B%s%02d%07d","birthplace_division":"%s"}',
    born, n % 2 == 0 and "F" or "M", m[1], "$1", tid, n, m[2])
  return wrk.format("POST", "/api/v1/births",
                    {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"}, body)
end
LUA
}

rss() { awk '/^VmRSS|^RssAnon/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$pid/status"; }
anon_kib() { awk '/^RssAnon/ {print $2}' "/proc/$pid/status"; }
say() { echo "$*" | tee -a "$results"; }
# growth A B: RssAnon from A to B KiB, against the bound: the heap may not grow by more than
# 16 MiB between two identical runs (SQLite's page caches are full after the first one).
growth() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = (b - a) / 1024;
    printf "RssAnon change %+.1f MiB, %s the 16 MiB bound", d, d <= 16 ? "within" : "BEYOND" }'
}

# run NAME CONNS SECS SCRIPT: one wrk run; prints req/s, p50, p99, non-2xx, socket errors.
run() {
  local name=$1 c=$2 s=$3 script=$4 out
  out=$dir/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_').wrk
  timeout $((s + 60)) wrk -t2 -c"$c" -d"${s}s" --timeout 10s --latency -s "$script" "$url" >"$out"
  local rps p50 p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$out")
  errors=$(awk -F'Socket errors: ' '/Socket errors/ {print $2}' "$out")
  say "$(printf '%-34s %4s conns %3ss  %9s req/s  p50 %8s  p99 %8s  non-2xx %s  socket errors: %s' \
    "$name" "$c" "$s" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}")"
}

id=$(head -1 "$dir/ids.txt")
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/persons/$id" >/dev/null ||
  { echo "reliability: hukou does not answer" >&2; exit 1; }

say "# $(date -u +%FT%TZ) $(sqlite3 -readonly "$db" 'SELECT count(*) FROM person') persons, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), hukou --threads $threads"
say "server memory at start: $(rss)"
timeout 60 wrk -t2 -c"$conns" -d5s -s "$dir/person.lua" "$url" >/dev/null # warm-up
say "server memory after a 5 s warm-up: $(rss)"
run "GET /api/v1/persons/{id} run 1" "$conns" "$secs" "$dir/person.lua"
a1=$(anon_kib)
say "server memory after read run 1: $(rss)"
run "GET /api/v1/persons/{id} run 2" "$conns" "$secs" "$dir/person.lua"
a2=$(anon_kib)
say "server memory after read run 2: $(rss)($(growth "$a1" "$a2"))"
# Certificates unique across invocations too: the registry keeps the births of earlier ones.
stamp=$(date +%s)
births_lua "${stamp}A"
births_lua "${stamp}B"
run "POST /api/v1/births run 1" "$conns" "$secs" "$dir/births_${stamp}A.lua"
b1=$(anon_kib)
say "server memory after write run 1: $(rss)"
run "POST /api/v1/births run 2" "$conns" "$secs" "$dir/births_${stamp}B.lua"
b2=$(anon_kib)
say "server memory after write run 2: $(rss)($(growth "$b1" "$b2"))"

# Slow clients: each of 20 addresses opens slow/20 connections, sends a request line and then
# one header line every 2 s, never the blank line; a connection the server closes is counted and
# opened again. Ends after slow_secs.
slow_clients() {
  python3 - "$1" "$2" "$3" <<'PY'
import select, socket, sys, time
port, total, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
addrs = [f"127.0.0.{i}" for i in range(2, 22)]
def open_one(i):
    s = socket.socket()
    s.bind((addrs[i % len(addrs)], 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /api/v1/divisions/330000 HTTP/1.1\r\nHost: x\r\n")
    return s
socks = [open_one(i) for i in range(total)]
cut, end, k = 0, time.monotonic() + secs, 0
while time.monotonic() < end:
    time.sleep(2)
    k += 1
    for i, s in enumerate(socks):
        try:
            r, _, _ = select.select([s], [], [], 0)
            if r:  # the server answered (408) or closed: the connection was cut
                raise ConnectionError
            s.sendall(f"X-Slow-{k}: {'x' * 10}\r\n".encode())
        except OSError:
            cut += 1
            s.close()
            socks[i] = open_one(i)
print(f"{total} slow connections from {len(addrs)} addresses for {secs:.0f} s: {cut} cut by the server")
PY
}
run "GET persons, 16 conns, alone" 16 "$slow_secs" "$dir/person.lua"
slow_clients "${url##*:}" "$slow" $((slow_secs + 4)) >"$dir/slow.out" &
slow_pid=$!
sleep 2
run "GET persons, 16 conns, beside slow" 16 "$slow_secs" "$dir/person.lua"
wait "$slow_pid" || true
slow_pid=
say "$(cat "$dir/slow.out")"
say "cut by the deadlines (/metrics): $(curl -sf "$url/metrics" | awk '/^hukou_http_connections_cut_total/ {print $2}')"
say "server memory at the end: $(rss)"
