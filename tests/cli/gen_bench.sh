#!/usr/bin/env bash
# Smoke run of the generation benchmarks (bench/gen_load.sh, bench/stats_summary.sh) on 2,000
# persons, ours and the SQLite peer only: the scripts still run and print their tables. The
# figures themselves are measured by hand (docs/benchmarks.md), never here.
set -euo pipefail
hukou=$1
src=${HK_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "skipped: no sqlite3 CLI"; exit 0; }
SMOKE=1 HUKOU=$hukou OUT=$tmp/gl bash "$src/bench/gen_load.sh" 2000 >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "gen_load.sh"; }
for what in "hukou gen --db" "hukou gen --out" "hukou import" "sqlite3 .import"; do
  grep -q "| $what" "$tmp/out" || { cat "$tmp/out"; fail "gen_load.sh printed no row for $what"; }
done
grep -q "reproduce:" "$tmp/out" || fail "gen_load.sh prints how to reproduce"
HUKOU=$hukou bash "$src/bench/stats_summary.sh" "$tmp/gl/ours.db" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "stats_summary.sh"; }
grep -q "kept figures" "$tmp/out" && grep -q "sqlite3 CLI" "$tmp/out" || { cat "$tmp/out"; fail "stats_summary.sh table"; }
echo ok
