#!/usr/bin/env bash
# sethlab under a real local Slurm (slurm/local-cluster.sh): it starts the cluster if it is not
# up and stops it again at the end if it started it.
#  1. `sethlab submit` of a small job: the HDF5 equals a local run of the same job;
#  2. an array of 3 tasks, then `sethlab merge`: equals the local run, with no point missing;
#  3. `scancel` of a running job in the middle of a point: the file is checkpointed
#     ('interrupted'), `sethlab submit --resume` finishes it, and it equals an uninterrupted run;
#  4. the time-limit warning (SIGTERM to the batch shell) in the middle of a point: the job
#     checkpoints, requeues itself and the requeued job resumes to the same results.
# Usage: slurm_test.sh SOURCE_DIR SETHLAB_BIN
set -euo pipefail
# One Slurm test at a time on a machine: two would stop each other's cluster.
exec 9>/tmp/sethlab-slurm-test.lock
flock 9
src=$1
bin=$2
cluster="$src/slurm/local-cluster.sh"
dir=$(mktemp -d /tmp/sethlab-slurm-test-XXXXXX)
started=0
cleanup() {
  scancel --name=sethlab-test >/dev/null 2>&1 || true
  if ((started)); then bash "$cluster" stop >/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
if ! bash "$cluster" status >/dev/null 2>&1; then
  bash "$cluster" start
  started=1
fi
compare() { /usr/bin/python3 "$src/tests/results_compare.py" "$@"; }

# Waits for a job (or every task of an array) to leave the queue; prints its final state(s).
wait_job() {
  local id=$1 deadline=$((SECONDS + 300))
  while squeue -h -j "$id" 2>/dev/null | grep -q .; do
    ((SECONDS < deadline)) || { echo "job $id still queued after 300 s" >&2; squeue; return 1; }
    sleep 0.5
  done
}
# Waits until point 1 of a results file has some chunks written but no row yet.
wait_middle() {
  /usr/bin/python3 - "$1" <<'PY'
import sys, time, h5py
deadline = time.time() + 120
while time.time() < deadline:
    try:
        with h5py.File(sys.argv[1], "r", swmr=True) as f:
            big = (f["chunks"]["point"][:] == 1).sum()
            if big >= 50 and len(f["points"]) == 1:
                sys.exit(0)
    except (OSError, KeyError):
        pass
    time.sleep(0.1)
sys.exit("the job never reached the middle of point 1")
PY
}
job_id() { sed -n 's/^submitted job \([0-9]*\).*/\1/p'; }

cat > "$dir/small.toml" <<'JOB'
[job]
family = "inversion.exact"
seed = 3
repeats = 2
[source]
generator = ["planted", "random"]
n = [10, 12, 14]
[search]
mode = ["count", "decide"]
JOB
OMP_NUM_THREADS=1 "$bin" run "$dir/small.toml" -o "$dir/ref-small.h5" -q

echo "== 1. submit"
id=$("$bin" submit "$dir/small.toml" -o "$dir/small.h5" --ntasks-per-node 2 --name sethlab-test --time 10 | tee /dev/stderr | job_id)
wait_job "$id"
compare "$dir/ref-small.h5" "$dir/small.h5" "submit"
grep -q "srun exited with status 0" "$dir"/small-"$id".log

echo "== 2. array of 3 tasks + merge"
id=$("$bin" submit "$dir/small.toml" -o "$dir/arr.h5" --array 3 --name sethlab-test --time 10 | tee /dev/stderr | job_id)
wait_job "$id"
ls "$dir"/arr.task{0,1,2}.h5 >/dev/null
"$bin" merge -o "$dir/merged.h5" "$dir"/arr.task{0,1,2}.h5
compare "$dir/ref-small.h5" "$dir/merged.h5" "array + merge"
# A missing part is reported and the merge exits non-zero.
if "$bin" merge -o "$dir/partial.h5" "$dir"/arr.task{0,1}.h5 >"$dir/partial.txt"; then
  echo "merge of 2 of 3 parts did not fail"; exit 1
fi
grep -q "missing point" "$dir/partial.txt"

echo "== 3. scancel in the middle of a point, then resume"
cat > "$dir/long.toml" <<'JOB'
[job]
family = "inversion.exact"
seed = 9
[source]
n = [16, 23, 23]
[search]
mode = "count"
JOB
OMP_NUM_THREADS=1 "$bin" run "$dir/long.toml" -o "$dir/ref-long.h5" -q
id=$("$bin" submit "$dir/long.toml" -o "$dir/long.h5" --ntasks-per-node 2 --name sethlab-test --time 10 | tee /dev/stderr | job_id)
# Cancel once the big point has some chunks written but is not finished.
wait_middle "$dir/long.h5"
scancel "$id"
wait_job "$id"
/usr/bin/python3 - "$dir/long.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r", swmr=True) as f:
    assert f.attrs["status"] == "interrupted", f.attrs["status"]
    assert len(f["points"]) < 3, len(f["points"])
    assert len(f["interruptions"]) == 1
    print("cancelled run checkpointed:", len(f["points"]), "point(s),", len(f["chunks"]), "chunk(s)")
PY
grep -q "srun exited with status 4" "$dir"/long-"$id".log
id=$("$bin" submit "$dir/long.toml" -o "$dir/long.h5" --resume --ntasks-per-node 2 --name sethlab-test --time 10 | tee /dev/stderr | job_id)
wait_job "$id"
compare "$dir/ref-long.h5" "$dir/long.h5" "scancel + resume"

echo "== 4. time-limit warning in the middle of a point: checkpoint, requeue, automatic resume"
id=$("$bin" submit "$dir/long.toml" -o "$dir/warn.h5" --ntasks-per-node 2 --name sethlab-test --time 10 | tee /dev/stderr | job_id)
wait_middle "$dir/warn.h5"
scancel --batch --signal=TERM "$id"  # what --signal=B:TERM@120 delivers before a time limit
deadline=$((SECONDS + 120))
until scontrol show job "$id" | grep -q "Restarts=1"; do
  ((SECONDS < deadline)) || { echo "job $id was not requeued"; scontrol show job "$id"; exit 1; }
  sleep 0.5
done
# Slurm holds a requeued job for about two minutes; start it now, then wait for its second run to
# end (squeue alone can miss a requeued job between its two runs). Not in the same second as the
# kill, though: slurmd refuses to launch a job whose credential was revoked in the second the new
# one was issued ("Job credential revoked", seen once under ASan), so wait 2 s first.
sleep 2
scontrol update jobid="$id" starttime=now
deadline=$((SECONDS + 300))
until scontrol show job "$id" | grep -qE "JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT)"; do
  ((SECONDS < deadline)) || { echo "requeued job $id did not finish"; scontrol show job "$id"; exit 1; }
  sleep 0.5
done
scontrol show job "$id" | grep -q "JobState=COMPLETED" || { scontrol show job "$id"; cat "$dir"/warn-"$id".log; exit 1; }
grep -q "requeueing job" "$dir"/warn-"$id".log
compare "$dir/ref-long.h5" "$dir/warn.h5" "warning + requeue + resume"
/usr/bin/python3 - "$dir/warn.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert len(f["interruptions"]) == 1, len(f["interruptions"])
    assert f.attrs["resumes"].count("ranks=2") == 1, f.attrs["resumes"]
PY
echo "slurm tests passed"
