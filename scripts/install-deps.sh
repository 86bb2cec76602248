#!/usr/bin/env bash
# Installs every Debian package sethlab needs to build, test, run and analyse.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
# Usage (as root, Debian 12): scripts/install-deps.sh [--bench]
#   --bench  also what the comparison benchmarks need (PyTorch and numpy on OpenBLAS)
set -euo pipefail

packages=(
  # build
  build-essential cmake git pkg-config
  # parallelism and I/O
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools
  libboost-serialization-dev libtomlplusplus-dev libcli11-dev
  # attention kernels: BLAS on tiles
  libopenblas-dev
  # tests
  googletest libgtest-dev
  # independent oracles
  cadical minisat
  # analysis
  python3 python3-numpy python3-scipy python3-h5py python3-matplotlib python3-pytest
)
if [ "${1:-}" = "--bench" ]; then
  # Without OpenBLAS, numpy and PyTorch fall back to the reference BLAS (about 40x slower), which
  # would make any comparison meaningless.
  packages+=(python3-torch libopenblas0-pthread)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: missing packages (${missing[*]}) and not root; rerun as root" >&2
    exit 1
  fi
else
  SUDO=
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
