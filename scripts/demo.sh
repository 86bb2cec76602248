#!/usr/bin/env bash
# The README's first command: install what is missing, build, run jobs/demo.toml with mpirun on
# every local core, write the HDF5 results and the analysis report, print the verdicts.
# Each run writes new files (results/demo-<time>.h5 and results/demo-<time>-report/): nothing
# earlier is overwritten.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh

ranks=$(nproc)
stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p results
out=results/demo-$stamp.h5
report=results/demo-$stamp-report

echo "== sethlab: jobs/demo.toml on $ranks MPI rank(s) x 1 thread =="
# One rank per core with one thread each; --oversubscribe only matters on a 1-core machine.
OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np "$ranks" -x OMP_NUM_THREADS \
  build/sethlab run jobs/demo.toml -o "$out" --progress

echo
echo "== analysis: fitted growth laws and verdicts =="
/usr/bin/python3 analysis/sethlab-analysis report "$out" -o "$report"
echo
echo "results: $out"
echo "report:  $report/report.html (and report.md)"
