#!/usr/bin/env bash
# Configures and builds sethlab. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/. Set SETHLAB_SANITIZE=1 for the ASan/UBSan build (build-asan/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${SETHLAB_SANITIZE:-0}" = 1 ]; then
  dir=${1:-$root/build-asan}
  extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSETHLAB_SANITIZE=ON)
else
  dir=${1:-$root/build}
  extra=(-DCMAKE_BUILD_TYPE=Release)
fi
shift || true
cmake -S "$root" -B "$dir" "${extra[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
