#!/usr/bin/env bash
# Sets up hukou and runs it on its embedded store (SQLite) with the demo population of
# demo/population.jsonl: a fresh database, the import, and a walk through what the system
# answers. Usage: scripts/demo.sh [DB]   (default build-release/demo.db, recreated)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh build-release -DCMAKE_BUILD_TYPE=Release
hukou=build-release/hukou
db=${1:-build-release/demo.db}
rm -f "$db" "$db-wal" "$db-shm"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "新建数据库 / create the registry" "$hukou" init --db "$db"
step "导入示例人口 / load the demo population" "$hukou" import --db "$db" demo/population.jsonl
step "校验身份证号码 / check ID numbers" "$hukou" id check 341222199001010112 130503670401001 340524198001010013 || true
step "行政区划 / a division" "$hukou" division show 330402
step "一个人的户籍与居住史 / one person with histories" "$hukou" person show --db "$db" 341222199001010112
if "$hukou" eval --help 2>/dev/null | grep -q -- "--db"; then
  step "落户与居住证资格 / eligibility from the registry" \
    "$hukou" eval --db "$db" --person 341222199001010112 --target 330402 --explain
fi
step "审计链 / verify the audit chain" "$hukou" audit verify --db "$db"

cat <<MSG

示例数据库 / demo database: $db
再试试 / try next:
  $hukou person show --db $db 412726199307080537
  $hukou export --db $db | head -n 3
  $hukou --help
MSG
