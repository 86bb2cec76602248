#!/usr/bin/env bash
# The README's second command (and what .ci/run calls): install what is missing, build, and run
# every test: GoogleTest units and properties, MPI runs with 1, 2 and 3 ranks, end-to-end CLI
# runs, the analysis package's pytest suite, then the whole C++ suite again under ASan/UBSan.
# SETHLAB_SKIP_SANITIZE=1 leaves out the sanitizer pass (quicker local runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh

echo "== C++ tests (ctest) =="
ctest --test-dir build -j 2 --output-on-failure

echo "== analysis tests (pytest), with real results files from small inversion and attention runs =="
real=$(mktemp -d)
trap 'rm -rf "$real"' EXIT
OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np 2 -x OMP_NUM_THREADS \
  build/sethlab run tests/data/small-sweep.toml -o "$real/small.h5" -q
OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np 2 -x OMP_NUM_THREADS \
  build/sethlab run tests/data/small-attention.toml -o "$real/attention.h5" -q
(cd analysis && SETHLAB_RESULTS="$real/small.h5" SETHLAB_ATTENTION_RESULTS="$real/attention.h5" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests)

if [ "${SETHLAB_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer =="
  SETHLAB_SANITIZE=1 scripts/build.sh
  # Open MPI's own allocations are not freed at exit; leak checking would only report those.
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j 2 --output-on-failure
fi
echo "== all tests passed =="
