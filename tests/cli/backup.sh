#!/usr/bin/env bash
# hukou backup and restore (issue 16): the whole registry, not persons only. A registry with an
# application, a permit, accounts, a department key, events and the access log is backed up
# while another process keeps writing; the copy verifies and restores; a quiet backup restores
# to exactly its moment (export, accounts, keys, applications, permits and events as they were,
# though the original went on); bad input is refused naming the field and nothing is
# overwritten. The same on PostgreSQL (pg_dump / pg_restore) when HK_TEST_PG names a server.
set -euo pipefail
hukou=$1
tmp=$(mktemp -d)
bg=
trap '[ -n "$bg" ] && kill "$bg" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/err" >&2; fail "$* exited $got, expected $want"; }
}
field() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(eval(sys.argv[2]))" "$tmp/out" "$1"; }

# A registry with more than persons in it: an application decided, a permit issued, accounts,
# a department key.
make_registry() {
  local db=$1
  local id=341222199001010016
  expect 0 "$hukou" init --db "$db"
  echo "{\"id_number\":\"$id\",\"name\":\"张三\",\"hukou\":{\"division\":\"341222\",\"household\":\"family\",\"head\":true},\"employment\":[{\"division\":\"330402\",\"from\":\"2023-09-01\"}],\"residence\":[{\"division\":\"330402\",\"urban\":true,\"from\":\"2023-09-01\"}]}" >"$tmp/p.jsonl"
  expect 0 "$hukou" import --db "$db" "$tmp/p.jsonl"
  echo "{\"id_number\":\"$id\",\"kind\":\"permit\",\"target\":\"330402\"}" >"$tmp/permit.json"
  expect 0 "$hukou" apply --db "$db" --as "resident:$id" --today 2024-03-05 "$tmp/permit.json"
  expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-06 1 accept
  expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-07 1 approve
  expect 0 "$hukou" application act --db "$db" --as officer:330402 --today 2024-03-08 1 complete
  echo "officer password" | expect 0 "$hukou" user add wang --role officer --jurisdiction 330402 --password-stdin --db "$db"
  echo "resident password" | expect 0 "$hukou" user add zhang --role resident --id-number "$id" --password-stdin --db "$db"
  expect 0 "$hukou" key add --department housing --questions permit-valid --db "$db"
}

# What a restored registry must answer as the original did.
answers() {
  local db=$1 out=$2
  {
    "$hukou" export --db "$db"
    "$hukou" user list --db "$db"
    "$hukou" key list --db "$db"
    "$hukou" application show --db "$db" --as officer:330402 1
    "$hukou" permit show --db "$db" --today 2024-04-01 341222199001010016
    "$hukou" audit events --db "$db" --person 341222199001010016
  } >"$out" 2>&1
}

db=$tmp/r.db
make_registry "$db"

# ---- a quiet backup restores to exactly its moment ----
expect 0 "$hukou" backup --db "$db" --to "$tmp/quiet.bak"
[ "$(stat -c %a "$tmp/quiet.bak")" = 600 ] || fail "the backup is readable by others: $(stat -c %a "$tmp/quiet.bak")"
[ ! -e "$tmp/quiet.bak-wal" ] || fail "the backup is more than one file"
[ "$(field 'd["events"] > 0 and d["events"] == d["event_head"]')" = True ] || fail "backup summary: $(cat "$tmp/out")"
answers "$db" "$tmp/before"
# The original goes on; the restored one must not have what came after.
echo "x password 1" | expect 0 "$hukou" user add later --role analyst --password-stdin --db "$db"
expect 0 "$hukou" user disable wang --db "$db"
expect 0 "$hukou" restore --from "$tmp/quiet.bak" --db "$tmp/restored.db"
[ "$(field 'd["events"] == d["event_head"] > 0')" = True ] || fail "restore summary: $(cat "$tmp/out")"
answers "$tmp/restored.db" "$tmp/after"
diff "$tmp/before" "$tmp/after" >/dev/null || { diff "$tmp/before" "$tmp/after" | head -20 >&2; fail "the restored registry answers differently"; }
grep -q '"later"' "$tmp/after" && fail "the restore holds what came after the backup"
expect 0 "$hukou" audit verify --db "$tmp/restored.db"
# The restored registry works: a sign-in account's password, a new event on the chain.
echo "y password 1" | expect 0 "$hukou" user add after --role analyst --password-stdin --db "$tmp/restored.db"
expect 0 "$hukou" audit verify --db "$tmp/restored.db"

# ---- under load: another process writes all the time ----
( i=0; while :; do i=$((i+1)); echo "load password $i" | "$hukou" user add "load$i" --role analyst --password-stdin --db "$db" >/dev/null 2>&1 || true; done ) &
bg=$!
sleep 1
for n in 1 2 3; do
  expect 0 "$hukou" backup --db "$db" --to "$tmp/load$n.bak"
  expect 0 "$hukou" restore --from "$tmp/load$n.bak" --db "$tmp/load$n.db"
  expect 0 "$hukou" audit verify --db "$tmp/load$n.db"
done
kill "$bg"; wait "$bg" 2>/dev/null || true; bg=
# The writer was really writing during the backups: the copies stand at different points.
heads=$(for n in 1 2 3; do "$hukou" audit verify --db "$tmp/load$n.db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events_checked"])'; done | sort -u | wc -l)
[ "$heads" -ge 2 ] || fail "the backups under load all stand at one point: no load?"

# ---- refusals name the field and overwrite nothing ----
expect 1 "$hukou" backup --db "$db" --to "$tmp/quiet.bak"
grep -q 'to' "$tmp/err" && grep -q 'exists' "$tmp/err" || fail "existing --to: $(cat "$tmp/err")"
expect 1 "$hukou" restore --from "$tmp/quiet.bak" --db "$tmp/restored.db"
grep -q 'db' "$tmp/err" && grep -q 'exists' "$tmp/err" || fail "existing --db: $(cat "$tmp/err")"
echo "not a database at all" >"$tmp/junk.bak"
expect 2 "$hukou" restore --from "$tmp/junk.bak" --db "$tmp/junk.db"
grep -q 'from' "$tmp/err" || fail "junk backup: $(cat "$tmp/err")"
[ ! -e "$tmp/junk.db" ] || fail "a failed restore left a file"
expect 1 "$hukou" restore --from "$tmp/nothing.bak" --db "$tmp/x.db"
grep -q 'from' "$tmp/err" || fail "missing backup: $(cat "$tmp/err")"
expect 2 "$hukou" backup --db "$db"
grep -q 'to' "$tmp/err" || fail "no --to: $(cat "$tmp/err")"
expect 1 "$hukou" backup --db "$tmp/no-such.db" --to "$tmp/n.bak"
[ ! -e "$tmp/n.bak" ] || fail "a failed backup left a file"

# ---- PostgreSQL: pg_dump and pg_restore ----
if [ -n "${HK_TEST_PG:-}" ]; then
  py=/usr/bin/python3
  mkdb() { "$py" - "$HK_TEST_PG" "$1" <<'PY'
import subprocess, sys
subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", sys.argv[1], "-c", "CREATE DATABASE " + sys.argv[2]], check=True)
PY
  }
  name=hk_backup_$$
  mkdb "${name}_a"; mkdb "${name}_b"
  pa="pg:$HK_TEST_PG dbname=${name}_a"
  pb="pg:$HK_TEST_PG dbname=${name}_b"
  make_registry "$pa"
  expect 0 "$hukou" backup --db "$pa" --to "$tmp/pg.bak"
  answers "$pa" "$tmp/pg_before"
  expect 0 "$hukou" user disable wang --db "$pa"
  expect 0 "$hukou" restore --from "$tmp/pg.bak" --db "$pb"
  answers "$pb" "$tmp/pg_after"
  diff "$tmp/pg_before" "$tmp/pg_after" >/dev/null || { diff "$tmp/pg_before" "$tmp/pg_after" | head -20 >&2; fail "the restored PostgreSQL registry answers differently"; }
  expect 0 "$hukou" audit verify --db "$pb"
  expect 1 "$hukou" restore --from "$tmp/pg.bak" --db "$pb"
  grep -q 'already holds a registry' "$tmp/err" || fail "restore over a registry: $(cat "$tmp/err")"
elif [ -n "${HK_REQUIRE_PG:-}" ]; then
  fail "HK_REQUIRE_PG is set but HK_TEST_PG is not"
fi
echo "backup: ok"
