"""GFLOP/s and memory per attention group and size: what the fits are fitted to, with the
numbers that explain a bend (a kernel leaving cache shows up as GFLOP/s falling and peak memory
jumping at the same n).

One line per (group, n): rows, fastest time_min, median time_median, median gflops, the
largest peak_rss_max (MiB) and input_bytes over the rows when the file has those fields. A
peak taken without resetting it first (peak_rss_reset = 0) is the process's peak so far, an
upper bound, and the line says so.
"""

from dataclasses import dataclass

import numpy as np

from sethlab_analysis.attention import column

MIB = 1024.0 ** 2


@dataclass
class PerformanceLine:
    title: str
    n: int
    rows: int
    time_min: float
    time_median: float
    gflops: float
    peak_rss_mib: float        # NaN when the field is absent
    input_bytes: float         # NaN when the field is absent
    peak_not_reset: bool       # some row's peak was not reset (an upper bound only)

    def to_dict(self):
        return dict(vars(self))


def _median(values):
    values = values[np.isfinite(values)]
    return float(np.median(values)) if len(values) else float("nan")


def _max(values):
    values = values[np.isfinite(values)]
    return float(np.max(values)) if len(values) else float("nan")


def performance_lines(groups):
    """PerformanceLines of every group (attention.AttentionGroup), by group then n."""
    out = []
    for group in groups:
        rows = group.rows
        n = rows["n"].astype(float)
        f = lambda name: column(rows, name, np.nan).astype(float)
        t_min, t_med, gflops = f("time_min"), f("time_median"), f("gflops")
        rss, inputs = f("peak_rss_max"), f("input_bytes")
        reset = column(rows, "peak_rss_reset", 1).astype(int)
        for size in np.unique(n):
            at = n == size
            fastest = t_min[at][np.isfinite(t_min[at])]
            out.append(PerformanceLine(
                group.title, int(size), int(at.sum()),
                float(fastest.min()) if len(fastest) else float("nan"),
                _median(t_med[at]), _median(gflops[at]), _max(rss[at]) / MIB, _max(inputs[at]),
                bool(np.any(reset[at] == 0) and np.isfinite(rss[at]).any())))
    return out
