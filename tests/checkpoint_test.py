#!/usr/bin/python3
"""Checkpoint and resume, end to end through the sethlab binary (registered with ctest).

1. SIGTERM in the middle of a point: exit status 4, file status 'interrupted', the point's
   finished chunks and an /interruptions row recorded; --resume finishes the job.
2. SIGKILL of a local `mpirun -np 2` run at six different moments, each followed by --resume
   (also under mpirun), the last resume running to the end.
Both final files must equal an uninterrupted run: same points (instance hashes, answers, counts,
count-mode witnesses), every point's chunks covering its work exactly once, no chunk row twice.
Also: resuming with another job file is refused (exit 2), resuming a complete file is a no-op.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

from results_compare import check_same, chunk_rows, load

BIN, MPIEXEC = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, OMP_NUM_THREADS="1")
JOB = """[job]
family = "inversion.exact"
seed = 77
repeats = 2
[source]
generator = ["random", "planted"]
n = [16, 18, 19]
[search]
mode = ["count", "decide"]
chunk_bits = 8
[check]
verify = true
"""


def mpirun(np_, *args):
    return [MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-np", str(np_), "-x", "OMP_NUM_THREADS", BIN, *args]


def main():
    d = tempfile.mkdtemp(prefix="sethlab-ckpt-")
    job = os.path.join(d, "job.toml")
    with open(job, "w") as f:
        f.write(JOB)
    ref = os.path.join(d, "ref.h5")
    subprocess.run(mpirun(2, "run", job, "-o", ref, "-q"), env=ENV, check=True)

    # 1. SIGTERM in the middle of a point (single rank, signal straight to the process).
    out = os.path.join(d, "term.h5")
    proc = subprocess.Popen([BIN, "run", job, "-o", out, "-q"], env=ENV, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while chunk_rows(out) < 1500 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 4, f"SIGTERM: exit {proc.returncode}: {err}"
    assert "--resume" in err, err
    attrs, pts, chunks, intr = load(out)
    assert attrs["status"] == "interrupted", attrs["status"]
    assert len(intr) == 1 and intr["signal"][0] == signal.SIGTERM, intr
    stopped = int(intr["point"][0])
    assert stopped not in set(pts["point"]), "the interrupted point has no row yet"
    assert (chunks["point"] == stopped).sum() == intr["chunks"][0] > 0
    # Another job file cannot continue this one.
    other = os.path.join(d, "other.toml")
    with open(other, "w") as f:
        f.write(JOB.replace("seed = 77", "seed = 78"))
    r = subprocess.run([BIN, "run", other, "-o", out, "--resume"], env=ENV, capture_output=True, text=True)
    assert r.returncode == 2 and "different job" in r.stderr, (r.returncode, r.stderr)
    r = subprocess.run([BIN, "run", job, "-o", out, "--resume", "-q"], env=ENV, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    check_same(ref, out, "SIGTERM + resume")
    r = subprocess.run([BIN, "run", job, "-o", out, "--resume", "-q"], env=ENV, capture_output=True, text=True)
    assert r.returncode == 0 and "0 to go" in r.stderr, r.stderr

    # 2. SIGKILL of mpirun and its ranks at six moments, resuming after each.
    out = os.path.join(d, "kill.h5")
    _, ref_pts, ref_chunks, _ = load(ref)
    total = len(ref_chunks)
    moments = [int(total * f) for f in (0.03, 0.15, 0.3, 0.45, 0.6, 0.8)]
    for i, target in enumerate(moments):
        args = ["run", job, "-o", out, "-q"] + (["--resume"] if i else [])
        log = open(os.path.join(d, f"kill{i}.log"), "w")
        proc = subprocess.Popen(mpirun(2, *args), env=ENV, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        # Each run must make progress of its own before it is killed.
        target = max(target, chunk_rows(out) + 300)
        deadline = time.time() + 120
        while chunk_rows(out) < target and proc.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        if proc.poll() is not None:
            log.close()
            raise AssertionError(f"kill {i}: the run ended before the kill (exit {proc.returncode}): "
                                 + open(log.name).read())
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        # Ranks are not always in mpirun's process group: kill them by their output path and
        # wait until none is left holding the file.
        while subprocess.run(["pkill", "-9", "-f", out], check=False).returncode == 0:
            time.sleep(0.05)
        print(f"killed at {chunk_rows(out)} chunk rows (target {target} of {total})")
    r = subprocess.run(mpirun(2, "run", job, "-o", out, "--resume", "-q"), env=ENV, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    check_same(ref, out, "6 x SIGKILL + resume")
    attrs, _, _, _ = load(out)
    assert attrs["resumes"].count("\n") == 5, attrs["resumes"]  # six resumes logged
    print("checkpoint tests passed")


if __name__ == "__main__":
    main()
