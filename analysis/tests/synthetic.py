"""Synthetic sethlab results files, written with h5py exactly as docs/results-format.md lays
them out (compound tables of fixed-length NUL-padded strings, root attributes as fixed-length
strings and sized integers), with times drawn from known laws so that fits can be checked."""

import math

import h5py
import numpy as np

POINT_FIELDS = [
    ("point", "<u8"), ("repeat", "<u4"), ("seed", "<u8"), ("source", "S16"),
    ("instance", "S128"), ("instance_hash", "S17"), ("n", "<u4"), ("k", "<u4"), ("m", "<u4"),
    ("clause_ratio", "<f8"), ("reduction", "S16"), ("net_width", "<u4"), ("net_nnz", "<u8"),
    ("mode", "S8"), ("solver", "S24"), ("found", "i1"), ("witness", "S65"),
    ("preimages", "<i8"), ("candidates", "<u8"), ("chunks", "<u4"), ("t_build", "<f8"),
    ("t_reduce", "<f8"), ("t_search", "<f8"), ("t_check", "<f8"), ("t_first", "<f8"),
    ("candidates_per_second", "<f8"), ("check_solver", "S16"), ("check_sat", "i1"),
    ("agree", "i1"), ("planted", "i1"), ("hidden", "S65"), ("ranks", "<u4"), ("threads", "<u4"),
]
CHUNK_FIELDS = [
    ("point", "<u8"), ("chunk", "<u8"), ("rank", "<u4"), ("thread", "<u4"), ("begin", "<u8"),
    ("end", "<u8"), ("candidates", "<u8"), ("preimages", "<u8"), ("seconds", "<f8"),
    ("started", "<f8"),
]
# docs/results-format.md, section /attention, in its order and with its types.
ATTENTION_FIELDS = [
    ("point", "<u8"), ("repeat", "<u4"), ("seed", "<u8"), ("source", "S16"),
    ("data_file", "S128"), ("mechanism", "S16"), ("kernel", "S16"), ("precision", "S8"),
    ("n", "<u8"), ("d", "<u4"), ("d_v", "<u4"), ("B", "<f8"), ("w", "<i8"), ("p", "<i4"),
    ("score_factor", "<f8"), ("c", "<f8"), ("tile_queries", "<u4"), ("tile_keys", "<u4"),
    ("ranks", "<u4"), ("threads", "<u4"), ("repeats", "<u4"), ("warmup", "<u4"),
    ("time_min", "<f8"), ("time_median", "<f8"), ("time_max", "<f8"), ("flops", "<f8"),
    ("gflops", "<f8"), ("peak_rss_max", "<u8"), ("peak_rss_min", "<u8"),
    ("input_bytes", "<u8"), ("peak_rss_reset", "i1"), ("error_rows", "<u8"), ("target", "S16"),
    ("max_abs_error", "<f8"), ("mean_abs_error", "<f8"), ("max_rel_error", "<f8"),
    ("max_abs_score", "<f8"), ("error_bound", "<f8"), ("check_rel_error", "<f8"),
    ("check_tolerance", "<f8"), ("agree", "i1"), ("t_build", "<f8"), ("t_check", "<f8"),
    ("note", "S96"),
]
INTERRUPTION_FIELDS = [
    ("point", "<u8"), ("seconds", "<f8"), ("chunks", "<u8"), ("candidates", "<u8"),
    ("signal", "<i8"),
]

JOB_TEXT = '[job]\nfamily = "inversion.exact"\nseed = 7\n[sweep]\nn = [10, 12, 14]\n'
ROOT_ATTRS = {
    "schema": "sethlab-results", "schema_version": np.int32(1), "family": "inversion.exact",
    "sethlab_version": "0.1.0", "git_commit": "0123abcd", "compiler": "g++ 12.2",
    "cxx_flags": "-O2", "build_type": "Release", "hosts": "node1,node2",
    "mpi_size": np.int32(2), "threads_per_rank": np.int32(2), "cpu_model": "Synthetic CPU",
    "start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T01:00:00Z",
    "status": "complete", "job_file": "jobs/synthetic.toml", "job_text": JOB_TEXT,
    "job_hash": "00112233aabbccdd", "points_total": np.uint64(0),
}


def _table(fields, rows):
    data = np.zeros(len(rows), dtype=fields)
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[name][i] = value.encode("ascii") if isinstance(value, str) else value
    return data


def _set_attr(h5, name, value, vlen=False):
    """Fixed-length string attributes by default; vlen=True writes variable-length UTF-8
    strings and 64-bit integers instead, as the C++ writer (src/io/h5.cpp) does today."""
    if isinstance(value, str) and not vlen:
        value = np.bytes_(value.encode("ascii"))
    elif isinstance(value, np.integer) and vlen:
        value = value.astype(np.uint64 if value.dtype.kind == "u" else np.int64)
    h5.attrs[name] = value


def _write_tables(path, root, tables, swmr, vlen_attrs, drop_attrs=()):
    """Root attributes, then each table as a chunked, resizable dataset, the way sethlab writes
    them (appended to and flushed, in SWMR mode when asked)."""
    with h5py.File(path, "w", libver="latest" if swmr else "earliest") as h5:
        for name, value in root.items():
            if name not in drop_attrs:
                _set_attr(h5, name, value, vlen_attrs)
        datasets = {name: h5.create_dataset(name, shape=(0,), maxshape=(None,),
                                            dtype=data.dtype, chunks=(64,))
                    for name, data in tables.items()}
        if swmr:
            h5.swmr_mode = True
        for name, data in tables.items():
            datasets[name].resize((len(data),))
            datasets[name][:] = data
            datasets[name].flush()
    return path


def write_results_file(path, points, chunks=(), attrs=None, attention=None, swmr=False,
                       drop_attrs=(), vlen_attrs=False):
    """Write a results file. points/chunks/attention are lists of dicts (missing fields are
    zero or empty); attrs override the default root attributes; swmr=True writes the way the
    C++ writer does (latest format, SWMR mode switched on after creating the datasets)."""
    root = dict(ROOT_ATTRS, points_total=np.uint64(len(points)))
    root.update(attrs or {})
    tables = {"points": _table(POINT_FIELDS, points), "chunks": _table(CHUNK_FIELDS, chunks)}
    if attention is not None:
        tables["attention"] = _table(ATTENTION_FIELDS, attention)
    return _write_tables(path, root, tables, swmr, vlen_attrs, drop_attrs)


def inversion_rows(sizes, per_size, base=2.0, c=1e-7, sigma=0.15, seed=0, mode="count", k=3,
                   source="random", solver="brute-force", check_solver="cadical",
                   check_base=1.3, check_c=1e-5, ranks=2, threads=2, efficiency=0.8,
                   bend=None, found=0, searched=1.0, first_point=0, work_law=False):
    """Rows of a synthetic inversion run: t_search = c * base^n * 2^N(0, sigma).

    bend=(n0, base2): above n0 the time grows with base2 instead, continuously.
    found: 1 marks every instance satisfiable (decide mode then searched a `searched` share
    of the space). Each point gets one chunk per worker, each busy `efficiency` of t_search;
    efficiency may be a function of n. work_law=True makes the law describe each worker's busy
    time instead, and t_search = busy / efficiency (the wall time then bends with efficiency)."""
    rng = np.random.default_rng(seed)
    points, chunks = [], []
    workers = ranks * threads
    index = first_point
    for n in sizes:
        for repeat in range(per_size):
            log_time = np.log2(c) + n * np.log2(base)
            if bend is not None and n > bend[0]:
                log_time += (n - bend[0]) * (np.log2(bend[1]) - np.log2(base))
            t_law = 2.0 ** (log_time + rng.normal(0.0, sigma))
            eff = efficiency(n) if callable(efficiency) else efficiency
            t_search, busy = (t_law / eff, t_law) if work_law else (t_law, eff * t_law)
            t_check = check_c * check_base ** n * 2.0 ** rng.normal(0.0, sigma)
            candidates = int(round(searched * 2 ** n)) if mode == "decide" and found else 2 ** n
            points.append({
                "point": index, "repeat": repeat, "seed": 1000 + index, "source": source,
                "instance_hash": f"{index:016x}", "n": n, "k": k, "m": int(4.26 * n),
                "clause_ratio": 4.26, "reduction": "r1-binary", "net_width": int(4.26 * n),
                "net_nnz": 3 * int(4.26 * n), "mode": mode, "solver": solver, "found": found,
                "preimages": -1 if mode == "decide" else 0, "candidates": candidates,
                "chunks": workers, "t_build": 1e-4, "t_reduce": 1e-4, "t_search": t_search,
                "t_check": t_check if check_solver != "none" else np.nan,
                "t_first": np.nan, "candidates_per_second": candidates / t_search,
                "check_solver": check_solver, "check_sat": found if check_solver != "none" else -1,
                "agree": 1 if check_solver != "none" else -1, "planted": int(source == "planted"),
                "ranks": ranks, "threads": threads,
            })
            share = candidates // workers
            for w in range(workers):
                begin = w * (2 ** n // workers)
                chunks.append({
                    "point": index, "chunk": w, "rank": w // threads, "thread": w % threads,
                    "begin": begin, "end": begin + 2 ** n // workers,
                    "candidates": share if w < workers - 1 else candidates - share * w,
                    "preimages": 0, "seconds": busy, "started": 0.0,
                })
            index += 1
    return points, chunks


def write_inversion_file(path, swmr=False, attrs=None, attention=None, **kwargs):
    points, chunks = inversion_rows(**kwargs)
    return write_results_file(path, points, chunks, attrs=attrs, attention=attention, swmr=swmr)


ATTENTION_JOB = ('[job]\nfamily = "attention"\nseed = 11\n[sweep]\n'
                 'n = [256, 512, 1024, 2048, 4096]\nmechanism = ["softmax", "taylor-softmax"]\n')
ATTENTION_ATTRS = {"family": "attention", "job_text": ATTENTION_JOB,
                   "job_file": "jobs/attention-synthetic.toml", "job_hash": "a77e471000000001"}
EXACT_TARGET = {"taylor-softmax": "softmax", "taylor": "exponential"}


def taylor_features(d, p):
    """Symmetric features of order p: C(d + p, p) (docs/results-format.md, flops)."""
    return math.comb(d + p, p)


def taylor_bound(R, p, v_max):
    """theory.md: eta = e^R R^(p+1) / (p+1)!, bound 2 eta / (1 - eta) max|V| when eta < 1."""
    eta = math.exp(R) * R ** (p + 1) / math.factorial(p + 1)
    return 2 * eta / (1 - eta) * v_max if eta < 1 else float("nan")


def attention_row(n, mechanism="softmax", p=-1, d=16, d_v=None, precision="float32",
                  kernel=None, ranks=1, threads=1, B=0.5, w=-1, seed=0, time=1e-3,
                  point=0, repeat=0, **overrides):
    """One /attention row with every field of the format filled consistently: flops and
    gflops from the time, bytes from n, errors from the theory's bound (a fifth of it for
    Taylor rows; float32 rounding for exact ones), agree = 1. overrides replace any field."""
    d_v = d if d_v is None else d_v
    taylor = mechanism in EXACT_TARGET
    kernel = kernel or ("taylor" if taylor else "tiled")
    word = 4 if precision == "float32" else 8
    if taylor:
        flops = 4.0 * n * taylor_features(d, p) * (d_v + 1)
    elif mechanism == "window":
        flops = 2.0 * n * min(n, w + 1) * (d + d_v)
    else:
        flops = 2.0 * n * n * (d + d_v)
    score_factor = 1.0 / math.sqrt(d)
    R = 0.6 * B * B * d * score_factor      # |q.k| / sqrt(d) <= B^2 sqrt(d); data reach 60%
    bound = taylor_bound(R, p, B) if mechanism == "taylor-softmax" else float("nan")
    rounding = 1e-7 if precision == "float32" else 1e-15
    if taylor:
        error = 0.2 * bound if math.isfinite(bound) else 0.05 * B
        error = max(error, rounding)
    else:
        error = rounding
    input_bytes = word * n * (2 * d + 2 * d_v) // max(ranks, 1)
    row = {
        "point": point, "repeat": repeat, "seed": 1000 + seed, "source": "uniform",
        "data_file": "", "mechanism": mechanism, "kernel": kernel, "precision": precision,
        "n": n, "d": d, "d_v": d_v, "B": B, "w": w, "p": p, "score_factor": 0.0, "c": 1.0,
        "tile_queries": 64, "tile_keys": 256, "ranks": ranks, "threads": threads,
        "repeats": 5, "warmup": 1, "time_min": 0.97 * time, "time_median": time,
        "time_max": 1.05 * time, "flops": flops, "gflops": flops / time / 1e9,
        "peak_rss_max": input_bytes + 40 * 2 ** 20, "peak_rss_min": input_bytes + 38 * 2 ** 20,
        "input_bytes": input_bytes, "peak_rss_reset": 1, "error_rows": min(n, 256),
        "target": EXACT_TARGET.get(mechanism, mechanism), "max_abs_error": error,
        "mean_abs_error": error / 4, "max_rel_error": error / max(B, 1e-300),
        "max_abs_score": R, "error_bound": bound, "check_rel_error": rounding,
        "check_tolerance": 1e-4 if precision == "float32" else 1e-10, "agree": 1,
        "t_build": 1e-4, "t_check": 1e-3, "note": "",
    }
    row.update(overrides)
    return row


def attention_scaling_rows(sizes=(256, 512, 1024, 2048, 4096, 8192), repeats=3, seed=0,
                           exact_c=2e-10, taylor_c=4e-9, orders=(2,), sigma=0.05, bounds=(0.5,),
                           overhead=0.0, d=16, precision="float32", exact_beta=2.0,
                           taylor_beta=1.0, ranks=1, threads=1, mechanisms=("softmax",)):
    """A synthetic scaling job: exact mechanisms at time exact_c n^exact_beta and Taylor-softmax
    of each order at taylor_c (p + 1) n^taylor_beta (+ overhead seconds per call), with
    log-normal noise sigma (in log2 units); each (n, B) repeated `repeats` times with seeds."""
    rng = np.random.default_rng(seed)
    rows, point = [], 0
    for n in sizes:
        for B in bounds:
            for r in range(repeats):
                for mechanism in mechanisms:
                    t = exact_c * n ** exact_beta * 2.0 ** rng.normal(0, sigma)
                    rows.append(attention_row(n, mechanism, d=d, precision=precision, B=B,
                                              seed=r, time=t + overhead, point=point,
                                              repeat=r, ranks=ranks, threads=threads))
                    point += 1
                for p in orders:
                    t = taylor_c * (p + 1) * n ** taylor_beta * 2.0 ** rng.normal(0, sigma)
                    rows.append(attention_row(n, "taylor-softmax", p=p, d=d, precision=precision,
                                              B=B, seed=r, time=t + overhead, point=point,
                                              repeat=r, ranks=ranks, threads=threads))
                    point += 1
    return rows


def write_attention_file(path, rows, attrs=None, interruptions=(), drop_fields=(),
                         swmr=False, vlen_attrs=True):
    """An attention-family results file as the C++ writes it: root attributes (variable-length
    strings and int64 by default), /attention and /interruptions, and no /points or /chunks.
    drop_fields leaves fields out of /attention (to test the loader's checks)."""
    root = dict(ROOT_ATTRS, points_total=np.uint64(len(rows)), **ATTENTION_ATTRS)
    root.update(attrs or {})
    fields = [f for f in ATTENTION_FIELDS if f[0] not in drop_fields]
    rows = [{k: v for k, v in row.items() if k not in drop_fields} for row in rows]
    tables = {"attention": _table(fields, rows),
              "interruptions": _table(INTERRUPTION_FIELDS, list(interruptions))}
    return _write_tables(path, root, tables, swmr, vlen_attrs)


def attention_rows(sizes=(256, 512, 1024, 2048, 4096), repeats=3, seed=0):
    """Exact softmax attention ~ n^2 and Taylor-softmax p = 1, 2, 4 ~ n, with errors falling in
    p, every field of the format filled (for a mixed inversion + attention file)."""
    return attention_scaling_rows(sizes=sizes, repeats=repeats, seed=seed, orders=(1, 2, 4),
                                  bounds=(0.5, 1.0))
