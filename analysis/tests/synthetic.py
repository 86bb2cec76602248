"""Synthetic sethlab results files, written with h5py exactly as docs/results-format.md lays
them out (compound tables of fixed-length NUL-padded strings, root attributes as fixed-length
strings and sized integers), with times drawn from known laws so that fits can be checked."""

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
ATTENTION_FIELDS = [
    ("n", "<u4"), ("d", "<u4"), ("mechanism", "S16"), ("p", "<i4"), ("time_median", "<f8"),
    ("max_abs_error", "<f8"), ("B", "<f8"),
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


def attention_rows(sizes=(256, 512, 1024, 2048, 4096), repeats=3, seed=0):
    """Exact softmax attention ~ n^2 and Taylor p=2 ~ n, with errors falling in p."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        for r in range(repeats):
            noise = 2.0 ** rng.normal(0, 0.05)
            rows.append({"n": n, "d": 16, "mechanism": "softmax", "p": -1,
                         "time_median": 1e-9 * n ** 2 * noise, "max_abs_error": 1e-15, "B": 1.0})
            for p in (1, 2, 4):
                rows.append({"n": n, "d": 16, "mechanism": "softmax", "p": p,
                             "time_median": 1e-7 * p * n * noise,
                             "max_abs_error": 0.5 / (p + 1) ** 3, "B": 1.0 + r})
    return rows
