#!/usr/bin/env bash
# Sets up and runs every test: the unit, command-line, API and eligibility tests under
# AddressSanitizer and UndefinedBehaviorSanitizer (store tests on SQLite and on a PostgreSQL
# server started here), the contract examples of ../shared/spec, the linters, and the release
# build the demo runs.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh build -DHK_SANITIZE=ON -DHK_WERROR=ON -DCMAKE_BUILD_TYPE=Debug

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Store tests run on SQLite and on a real PostgreSQL server started here and stopped on exit.
pgdir=$(mktemp -d /tmp/hukou-pg-XXXXXX)
trap 'scripts/pg-server.sh stop "$pgdir"' EXIT
HK_TEST_PG=$(scripts/pg-server.sh start "$pgdir")
export HK_TEST_PG HK_REQUIRE_PG=1

ctest --test-dir build --output-on-failure -j2

# The eligibility contract's own examples, beside the project when the shared folder is there.
if [ -f ../shared/spec/check_examples.py ]; then
  python3 ../shared/spec/check_examples.py --cmd "build/hukou eval"
fi

# Layout and static analysis: clang-format, cppcheck and clang-tidy must be quiet.
scripts/lint.sh build

# The optimised build the demo runs (scripts/demo.sh) must compile too: -O3 lets GCC see more
# (format truncation, for one) than the sanitizer build, and warnings are errors in both.
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHK_WERROR=ON >/dev/null
ninja -C build-release
