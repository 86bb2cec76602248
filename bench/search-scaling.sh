#!/usr/bin/env bash
# Brute-force search throughput and strong scaling, measured in one script on one machine:
# the same count-mode job (bench/bench-26.toml, n = 26, 2^26 candidates) with
#   1 rank x 1 thread (the baseline), 2 ranks x 1 thread, 1 rank x 2 threads.
# Prints candidates per second per core and each configuration's speedup over the baseline.
# Usage: bench/search-scaling.sh [JOB.toml] [REPEATS]   (run after scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
job=${1:-$root/bench/bench-26.toml}
reps=${2:-3}
bin=$root/build/sethlab
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

run() {  # ranks threads tag
  OMP_NUM_THREADS=$2 mpirun --allow-run-as-root --oversubscribe --bind-to none -np "$1" \
    -x OMP_NUM_THREADS "$bin" run "$job" -o "$dir/$3.h5" -q
}
for r in $(seq "$reps"); do
  run 1 1 "r1t1-$r"
  run 2 1 "r2t1-$r"
  run 1 2 "r1t2-$r"
done

/usr/bin/python3 - "$dir" "$reps" <<'PY'
import sys, h5py, statistics
d, reps = sys.argv[1], int(sys.argv[2])
def times(tag):
    out = []
    for r in range(1, reps + 1):
        with h5py.File(f"{d}/{tag}-{r}.h5", "r") as f:
            p = f["points"][:]
            out.append((float(p["t_search"].sum()), int(p["candidates"].sum())))
    return out
configs = [("r1t1", "1 rank  x 1 thread ", 1), ("r2t1", "2 ranks x 1 thread ", 2), ("r1t2", "1 rank  x 2 threads", 2)]
base = statistics.median(t for t, _ in times("r1t1"))
print(f"{'configuration':22s} {'median s':>9s} {'min s':>8s} {'cand/s/core':>12s} {'speedup':>8s}")
for tag, label, cores in configs:
    ts = times(tag)
    med = statistics.median(t for t, _ in ts)
    cand = ts[0][1]
    print(f"{label:22s} {med:9.3f} {min(t for t, _ in ts):8.3f} {cand / med / cores:12.4g} {base / med:7.2f}x")
print(f"(median of {reps} runs each; candidates per run: {ts[0][1]}; speedup = baseline median / median)")
PY
