#!/usr/bin/env bash
# Layout and static analysis: clang-format, cppcheck and clang-tidy must all be quiet.
# Usage: scripts/lint.sh [BUILD_DIR]   (a configured build, for compile_commands.json)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

mapfile -t sources < <(git ls-files '*.c' '*.h')

echo "lint: clang-format" >&2
clang-format --dry-run --Werror "${sources[@]}"

echo "lint: cppcheck" >&2
cppcheck --project="$build/compile_commands.json" --enable=warning,performance,portability \
  --inline-suppr --quiet --error-exitcode=1 --suppress=missingIncludeSystem \
  -i "$build" -i "$build/generated"

echo "lint: clang-tidy" >&2
mapfile -t units < <(git ls-files 'src/*.c')
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -n 8 clang-tidy -p "$build" --quiet --warnings-as-errors='*' 2>/dev/null
echo "lint: clean" >&2
