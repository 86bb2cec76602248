#!/usr/bin/env bash
# The README's first command: install what is missing, build, run jobs/demo.toml (inversion) and
# jobs/demo-attention.toml (attention) with mpirun on every local core, write the HDF5 results
# and the analysis reports, print the verdicts.
# Each run writes new files (results/demo-<time>.h5, results/demo-attention-<time>.h5 and their
# -report/ folders): nothing earlier is overwritten.
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

attention=results/demo-attention-$stamp.h5
attention_report=results/demo-attention-$stamp-report
echo
echo "== sethlab: jobs/demo-attention.toml (exact softmax against Taylor p = 2) on $ranks rank(s) =="
OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np "$ranks" -x OMP_NUM_THREADS \
  build/sethlab run jobs/demo-attention.toml -o "$attention" --progress
echo
echo "== analysis: attention growth laws, crossover and verdicts =="
/usr/bin/python3 analysis/sethlab-analysis report "$attention" -o "$attention_report"
echo
echo "results: $out, $attention"
echo "reports: $report/report.html, $attention_report/report.html (and report.md)"
