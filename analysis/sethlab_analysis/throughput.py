"""Throughput per rank and scaling efficiency, from the /chunks table.

Per-rank throughput: sum of candidates / sum of chunk seconds over all chunks a rank evaluated
(all its threads together): how fast that rank evaluates latents while it is busy. Ranks of
different files (array parts) are different processes and are kept apart.

Scaling efficiency of a point:

    efficiency = (candidates / t_search) / (ranks * threads * w1)

where w1, the single-worker throughput, is estimated from the point's own chunks as
sum(chunk candidates) / sum(chunk seconds): the rate of one worker while it is evaluating.
Since the point's candidates are the sum of its chunks' candidates, this equals

    efficiency = sum(chunk seconds) / (ranks * threads * t_search),

the fraction of the worker-seconds available during the search that were spent evaluating
chunks. It falls below 1 through idle workers (load imbalance, waiting for work), dispatch and
communication, and start-up inside t_search. What it cannot see: workers slowing each other
down (shared caches, memory bandwidth) lowers w1 itself, since w1 is measured under the same
load. Estimating w1 per point keeps the cost per candidate, which grows with the network size,
out of the comparison.

A point's busy seconds (the sum of its chunk seconds) are its work in worker-seconds: what one
worker alone would have needed, free of idling. When efficiency changes with n, wall time and
work grow at different rates, and the work is the measure a lower bound speaks about.
"""

from dataclasses import dataclass

import numpy as np

from sethlab_analysis.table import Table


@dataclass
class RankThroughput:
    file: int
    rank: int
    chunks: int
    candidates: float
    seconds: float

    @property
    def rate(self):
        return self.candidates / self.seconds if self.seconds > 0 else float("nan")

    def label(self, several_files):
        return f"part {self.file} rank {self.rank}" if several_files else f"rank {self.rank}"

    def to_dict(self):
        return {"file": self.file, "rank": self.rank, "chunks": self.chunks,
                "candidates": self.candidates, "seconds": self.seconds,
                "candidates_per_second": self.rate}


def _group(keys):
    """Rows of a (rows x columns) integer key array -> (distinct keys, group index per row)."""
    if len(keys) == 0:
        return np.zeros((0, keys.shape[1]), dtype=np.int64), np.zeros(0, dtype=np.int64)
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    return distinct, inverse.reshape(-1)


def per_rank_throughput(chunks):
    """One RankThroughput per (file, rank), in order."""
    if len(chunks) == 0:
        return []
    keys = np.column_stack([chunks["file"], chunks["rank"]]).astype(np.int64)
    distinct, group = _group(keys)
    count = np.bincount(group, minlength=len(distinct))
    candidates = np.bincount(group, weights=chunks["candidates"].astype(float),
                             minlength=len(distinct))
    seconds = np.bincount(group, weights=chunks["seconds"].astype(float),
                          minlength=len(distinct))
    return [RankThroughput(int(f), int(r), int(c), float(cand), float(sec))
            for (f, r), c, cand, sec in zip(distinct, count, candidates, seconds)]


def scaling_efficiency(points, chunks):
    """Table with one row per point: file, point, n, workers, achieved (candidates/s),
    single_worker (w1, candidates/s), busy_seconds (sum of its chunk seconds: the work in
    worker-seconds) and efficiency (module docstring). NaN where a point has no chunks or no
    time."""
    n_points = len(points)
    achieved = np.full(n_points, np.nan)
    single = np.full(n_points, np.nan)
    busy = np.full(n_points, np.nan)
    t_search = points["t_search"].astype(float)
    ok = np.isfinite(t_search) & (t_search > 0)
    achieved[ok] = points["candidates"][ok].astype(float) / t_search[ok]
    if len(chunks):
        point_keys = np.column_stack([points["file"], points["point"]]).astype(np.int64)
        chunk_keys = np.column_stack([chunks["file"], chunks["point"]]).astype(np.int64)
        distinct, group = _group(np.vstack([point_keys, chunk_keys]))
        chunk_group = group[n_points:]
        cand = np.bincount(chunk_group, weights=chunks["candidates"].astype(float),
                           minlength=len(distinct))
        secs = np.bincount(chunk_group, weights=chunks["seconds"].astype(float),
                           minlength=len(distinct))
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(secs > 0, cand / secs, np.nan)
        single = rate[group[:n_points]]
        busy = np.where(secs > 0, secs, np.nan)[group[:n_points]]
    workers = points["ranks"].astype(float) * points["threads"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = achieved / (workers * single)
    return Table({"file": points["file"], "point": points["point"], "n": points["n"],
                  "workers": workers.astype(int), "achieved": achieved,
                  "single_worker": single, "busy_seconds": busy, "efficiency": efficiency})


def efficiency_summary(table):
    """Median efficiency per worker count: {workers: (points, median, min, max)}."""
    out = {}
    usable = np.isfinite(table["efficiency"])
    for workers in np.unique(table["workers"][usable]):
        values = table["efficiency"][usable & (table["workers"] == workers)]
        out[int(workers)] = (int(len(values)), float(np.median(values)),
                             float(values.min()), float(values.max()))
    return out
