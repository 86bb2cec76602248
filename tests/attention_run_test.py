#!/usr/bin/python3
"""The attention family end to end through the sethlab binary (registered with ctest).

1. One job (every mechanism, Taylor orders 0..3, float32 and float64, uniform and gaussian,
   d_v != d, n not a multiple of anything) under mpirun with 1, 2 and 3 ranks: every point
   recorded once, every check agrees, exact float64 errors at rounding level, the same errors
   for every rank count (the sampled rows and the workload do not depend on it), and every
   taylor-softmax error within theory.md's bound.
2. User data from HDF5 (integer Q, float K and V) under 2 ranks: shape taken from the file,
   B = the largest entry, errors at rounding level. Bad files exit 2 naming the dataset, with
   no output file.
3. A taylor-softmax denominator <= 0 (odd p) is recorded as the point's note, not a failure.
4. SIGTERM between repetitions: exit 4, 'interrupted'; --resume completes every point once.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

BIN, MPIEXEC = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, OMP_NUM_THREADS="1", OMP_WAIT_POLICY="passive")

JOB = """[job]
family = "attention"
seed = 11
[source]
distribution = ["uniform", "gaussian"]
n = [37, 130]
d = 5
d_v = 3
B = [0.5, 1.5]
[attention]
mechanism = ["softmax", "exponential", "window", "rbf", "taylor", "taylor-softmax"]
p = [0, 1, 2, 3]
w = 9
c = 0.3
precision = ["float32", "float64"]
tile_queries = 16
tile_keys = 24
[measure]
repeats = 2
warmup = 1
[check]
error_rows = 50
"""


def mpirun(np_, *args):
    return [MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-np", str(np_), "-x", "OMP_NUM_THREADS",
            "-x", "OMP_WAIT_POLICY", BIN, *args]


def rows(path):
    with h5py.File(path, "r") as f:
        assert "points" not in f and "chunks" not in f, "attention files hold no inversion tables"
        t = f["attention"][()]
        attrs = dict(f.attrs)
    return t, attrs


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def run(cmd, expect=0):
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)
    assert p.returncode == expect, f"{cmd}: exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def user_data_job(d, name, datasets, attention=""):
    """Writes NAME.h5 with the given datasets and NAME.toml running them (distribution = hdf5,
    plus an [attention] body when given); returns the job's path."""
    with h5py.File(os.path.join(d, name + ".h5"), "w") as f:
        for key, data in datasets.items():
            f[key] = data
    job = os.path.join(d, name + ".toml")
    with open(job, "w") as f:
        f.write(f'[job]\nfamily = "attention"\n[source]\ndistribution = "hdf5"\nfile = "{name}.h5"\n')
        if attention:
            f.write("[attention]\n" + attention)
    return job


def check_rank_invariance(d):
    job = os.path.join(d, "job.toml")
    with open(job, "w") as f:
        f.write(JOB)
    tables = {}
    for np_ in (1, 2, 3):
        out = os.path.join(d, f"np{np_}.h5")
        run(mpirun(np_, "run", job, "-o", out, "-q"))
        t, attrs = rows(out)
        assert text(attrs["status"]) == "complete"
        # 2 distributions x 2 n x 2 B x 2 precisions x (4 exact + 2 Taylor x 4 orders)
        assert len(t) == attrs["points_total"] == 2 * 2 * 2 * 2 * (4 + 2 * 4), len(t)
        assert sorted(t["point"]) == list(range(len(t)))
        assert (t["ranks"] == np_).all()
        assert (t["agree"] == 1).all(), t[t["agree"] != 1][["point", "check_rel_error"]]
        assert (t["error_rows"] == np.minimum(t["n"], 50)).all()
        assert (t["time_min"] <= t["time_median"]).all() and (t["time_median"] <= t["time_max"]).all()
        assert (t["time_min"] > 0).all() and (t["gflops"] > 0).all()
        assert (t["peak_rss_max"] >= t["peak_rss_min"]).all() and (t["peak_rss_min"] > 0).all()
        exact = t["p"] == -1
        f64 = np.array([text(x) == "float64" for x in t["precision"]])
        assert (t["max_rel_error"][exact & f64] < 1e-12).all(), t["max_rel_error"][exact & f64].max()
        assert (t["max_rel_error"][exact & ~f64] < 1e-5).all(), t["max_rel_error"][exact & ~f64].max()
        # Taylor against the true mechanism: p = 0 is far off, and the error falls with p.
        mech = np.array([text(x) for x in t["mechanism"]])
        soft = (mech == "taylor-softmax") & f64
        for n in (37, 130):
            for dist in (b"uniform", b"gaussian"):
                sel = soft & (t["n"] == n) & (t["source"] == dist) & (t["B"] == 0.5)
                err = t["max_abs_error"][sel][np.argsort(t["p"][sel])]
                assert err[0] > err[-1] * 3, err
        # theory.md's bound holds wherever it is finite (float64: rounding is far below it)
        bounded = soft & np.isfinite(t["error_bound"])
        assert bounded.sum() >= 4, bounded.sum()
        assert (t["max_abs_error"][bounded] <= t["error_bound"][bounded] * (1 + 1e-9) + 1e-13).all()
        tables[np_] = t
    for np_ in (2, 3):
        a, b = tables[1], tables[np_]
        for field in ("seed", "n", "p", "B", "max_abs_score", "error_bound"):
            np.testing.assert_allclose(a[field], b[field], rtol=1e-12, err_msg=field)
        # errors of float64 points agree to rounding; float32 ones to float32 rounding of the
        # outputs (absolute, since exact-mechanism errors are themselves rounding noise)
        f64 = np.array([text(x) == "float64" for x in a["precision"]])
        np.testing.assert_allclose(a["max_abs_error"][f64], b["max_abs_error"][f64], rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(a["max_abs_error"][~f64], b["max_abs_error"][~f64], rtol=1e-3, atol=1e-5)
    print("rank invariance: ok,", len(tables[1]), "points x 3 rank counts")


def check_array_merge_and_inspect(d):
    """Array parts of an attention job merge into the whole; inspect prints the attention table."""
    job = os.path.join(d, "job.toml")  # written by check_rank_invariance
    parts = []
    for task in range(3):
        part = os.path.join(d, f"part{task}.h5")
        run([BIN, "run", job, "-o", part, "-q", "--array-task", str(task), "--array-count", "3"])
        parts.append(part)
    merged = os.path.join(d, "merged.h5")
    run([BIN, "merge", *parts, "-o", merged])
    whole, _ = rows(os.path.join(d, "np1.h5"))
    t, attrs = rows(merged)
    assert text(attrs["status"]) == "complete"
    assert sorted(t["point"]) == list(range(len(whole)))
    t = t[np.argsort(t["point"])]
    for field in ("seed", "n", "p", "B", "max_abs_score"):
        np.testing.assert_array_equal(t[field], whole[field], err_msg=field)
    short = run([BIN, "merge", *parts[:2], "-o", os.path.join(d, "short.h5")], expect=1)
    assert "missing point(s)" in short.stdout, short.stdout
    shown = run([BIN, "inspect", merged]).stdout
    assert "family attention" in shown and "taylor-softmax" in shown and "agree" in shown, shown
    assert f"points {len(whole)} of {len(whole)}" in shown, shown
    print("array parts, merge and inspect: ok")


def check_user_data(d):
    rng = np.random.default_rng(5)
    n, dd, dv = 61, 4, 3
    data = {"Q": rng.integers(-3, 4, size=(n, dd)).astype(np.int32),
            "K": rng.uniform(-1, 1, size=(n, dd)),
            "V": rng.uniform(-2, 2, size=(n, dv)).astype(np.float32)}
    biggest = max(np.abs(x).max() for x in data.values())
    job = user_data_job(d, "data", data, 'mechanism = ["softmax", "rbf"]\nprecision = "float64"\n')
    out = os.path.join(d, "user.h5")
    run(mpirun(2, "run", job, "-o", out, "-q"))
    t, _ = rows(out)
    assert len(t) == 2 and (t["n"] == n).all() and (t["d"] == dd).all() and (t["d_v"] == dv).all()
    assert np.allclose(t["B"], biggest), (t["B"], biggest)
    assert (t["max_rel_error"] < 1e-12).all() and (t["agree"] == 1).all()
    assert all(text(x) == "data.h5" for x in t["data_file"])

    # Bad files: exit 2, the dataset named, nothing written.
    ones = np.ones((4, 2))
    for name, datasets, expect in [
        ("no-v", {"Q": ones, "K": ones}, 'dataset "V": missing'),
        ("flat-q", {"Q": np.ones(8), "K": ones, "V": ones}, 'dataset "Q": has 1 dimension(s)'),
        ("text-k", {"Q": ones, "K": np.array([b"ab"] * 4), "V": ones}, 'dataset "K": holds non-numeric'),
        ("short-v", {"Q": ones, "K": ones, "V": np.ones((3, 2))}, 'one row per key'),
    ]:
        bjob = user_data_job(d, name, datasets)
        bout = os.path.join(d, name + "-out.h5")
        p = run(mpirun(2, "run", bjob, "-o", bout), expect=2)
        assert expect in p.stderr and "source.file" in p.stderr and name + ".h5" in p.stderr, p.stderr
        assert not os.path.exists(bout), bout
    # Non-finite entries are refused at the point (exit 1), naming the dataset, row and column.
    q = np.ones((6, 2))
    q[4, 1] = np.nan
    njob = user_data_job(d, "nan", {"Q": q, "K": np.ones((6, 2)), "V": np.ones((6, 2))})
    p = run(mpirun(2, "run", njob, "-o", os.path.join(d, "nan-out.h5")), expect=1)
    assert 'dataset "Q" row 4 column 1 is nan' in p.stderr, p.stderr
    print("user data: ok")


def check_negative_denominator(d):
    n, dd = 20, 16
    # every score q.k / sqrt(d) = -4, so 1 + x = -3 < 0
    job = user_data_job(d, "negative", {"Q": -np.ones((n, dd)), "K": np.ones((n, dd)), "V": np.ones((n, 2))},
                        'mechanism = "taylor-softmax"\np = [1, 2]\n')
    out = os.path.join(d, "negative-out.h5")
    run(mpirun(2, "run", job, "-o", out, "-q"))
    t, attrs = rows(out)
    assert text(attrs["status"]) == "complete"
    odd, even = t[t["p"] == 1][0], t[t["p"] == 2][0]
    assert "<= 0" in text(odd["note"]) and np.isnan(odd["time_median"]) and odd["agree"] == -1, odd
    assert odd["B"] == 1 and odd["v_max"] == 1, odd
    assert text(even["note"]) == "" and even["agree"] == 1  # 1 - 4 + 8 = 5 > 0
    print("negative denominator: ok")


def check_interrupt_and_resume(d):
    job = os.path.join(d, "long.toml")
    with open(job, "w") as f:
        f.write('[job]\nfamily = "attention"\n[source]\nn = [1000, 1100, 1200, 1300]\nd = 32\n'
                '[attention]\nmechanism = ["softmax", "rbf", "exponential"]\nprecision = "float64"\n'
                'kernel = "reference"\n[measure]\nrepeats = 20\n[check]\nerror_rows = 8\n')
    out = os.path.join(d, "long.h5")
    proc = subprocess.Popen([BIN, "run", job, "-o", out, "-q"], env=ENV, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    done = 0
    while time.time() < deadline and done < 2:
        time.sleep(0.1)
        try:
            with h5py.File(out, "r", swmr=True) as f:
                done = len(f["attention"])
        except (OSError, KeyError):
            pass
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 4, f"exit {proc.returncode}: {err}"
    t, attrs = rows(out)
    assert text(attrs["status"]) == "interrupted" and 2 <= len(t) < 12, (attrs["status"], len(t))
    with h5py.File(out, "r") as f:
        assert len(f["interruptions"]) >= 1
    run([BIN, "run", job, "-o", out, "--resume", "-q"])
    t, attrs = rows(out)
    assert text(attrs["status"]) == "complete"
    assert sorted(t["point"]) == list(range(12)), sorted(t["point"])
    print("interrupt and resume: ok, interrupted after", done, "point(s)")


def main():
    d = tempfile.mkdtemp(prefix="sethlab-attention-")
    check_rank_invariance(d)
    check_array_merge_and_inspect(d)
    check_user_data(d)
    check_negative_denominator(d)
    check_interrupt_and_resume(d)


if __name__ == "__main__":
    main()
