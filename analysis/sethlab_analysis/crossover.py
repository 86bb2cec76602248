"""Where Taylor attention overtakes the exact mechanism it approximates.

For each (d, d_v, precision, ranks, threads) that has both an exact mechanism and a Taylor
order p (taylor-softmax against softmax, taylor against exponential) at common n:

- each side's time at n is the median of time_median over its rows there (seeds and B are
  repeats), taking the FASTEST kernel at that n: Taylor must beat the best exact kernel, not
  the slow reference one;
- the crossover is the smallest measured common n from which Taylor is faster at every larger
  measured common n (None when it is not faster at the largest one): a single lucky size in
  the middle does not count;
- the speed ratio is exact time / Taylor time at the largest common n (> 1: Taylor faster);
- lines fitted to each side's log medians (all its sizes, no CI) say where the two would cross
  when the measured range does not show it; that is an extrapolation and labelled so.

d_v is in the key as well as d: rows with another value width do different work.
"""

from dataclasses import dataclass

import numpy as np

from sethlab_analysis.attention import column
from sethlab_analysis.fitting import line_fit

EXACT_OF = {"taylor-softmax": "softmax", "taylor": "exponential"}
KEY_FIELDS = ("d", "d_v", "precision", "ranks", "threads")
MIN_SLOPE_GAP = 0.1  # fitted lines closer in slope than this have no meaningful crossing


@dataclass
class Crossover:
    approx: str
    exact: str
    p: int
    d: int
    d_v: int
    precision: str
    ranks: int
    threads: int
    sizes: np.ndarray          # common n, increasing
    exact_time: np.ndarray     # fastest exact kernel's median time at each common n
    approx_time: np.ndarray
    exact_kernel: list         # which exact kernel was fastest at each common n
    crossover_n: float = None  # None: Taylor is not faster at the largest common n
    lines_cross_n: float = None  # where fitted lines cross (an extrapolation), None if they don't

    @property
    def ratio(self):
        """Exact time / Taylor time at the largest common n (> 1: Taylor is faster)."""
        return float(self.exact_time[-1] / self.approx_time[-1])

    @property
    def title(self):
        ws = f"{self.ranks} rank{'s' if self.ranks != 1 else ''} x {self.threads} " \
             f"thread{'s' if self.threads != 1 else ''}"
        dv = f" d_v={self.d_v}" if self.d_v != self.d else ""
        return (f"{self.approx} p={self.p} vs {self.exact}, d={self.d}{dv} {self.precision} "
                f"({ws})")

    def summary(self):
        largest = f"n={self.sizes[-1]:g}"
        if self.crossover_n is None:
            text = f"{self.title}: Taylor is not faster at the largest common {largest}"
        elif self.crossover_n == self.sizes[0]:
            text = (f"{self.title}: Taylor is faster at every common n "
                    f"({self.sizes[0]:g}..{self.sizes[-1]:g}), so the crossover is at or below "
                    f"n={self.sizes[0]:g}")
        else:
            text = (f"{self.title}: Taylor is faster from n={self.crossover_n:g} on (at every "
                    "larger measured n)")
        text += (f"; at {largest} {self.exact} ({self.exact_kernel[-1]}) takes {self.ratio:.3g}x "
                 "Taylor's time")
        if self.crossover_n is None and self.lines_cross_n is not None:
            text += f"; lines fitted to the medians cross near n={self.lines_cross_n:.3g}"
            if not self.sizes[0] <= self.lines_cross_n <= self.sizes[-1]:
                text += " (extrapolated)"
        return text

    def to_dict(self):
        return {"approx": self.approx, "exact": self.exact, "p": self.p, "d": self.d,
                "d_v": self.d_v, "precision": self.precision, "ranks": self.ranks,
                "threads": self.threads, "sizes": self.sizes.tolist(),
                "exact_time": self.exact_time.tolist(), "approx_time": self.approx_time.tolist(),
                "exact_kernel": self.exact_kernel, "crossover_n": self.crossover_n,
                "ratio_at_largest_n": self.ratio, "lines_cross_n": self.lines_cross_n,
                "summary": self.summary()}


def _fastest_medians(rows):
    """{n: (median time of the fastest kernel, that kernel)} over rows with usable times."""
    time = rows["time_median"].astype(float)
    ok = np.isfinite(time) & (time > 0)
    n, kernel, time = rows["n"][ok].astype(float), column(rows, "kernel")[ok], time[ok]
    best = {}
    for size in np.unique(n):
        for k in np.unique(kernel[n == size]):
            med = float(np.median(time[(n == size) & (kernel == k)]))
            if size not in best or med < best[size][0]:
                best[size] = (med, str(k))
    return best


def _lines_cross(exact, approx):
    """n where power laws fitted (least squares, log2) to the two sides' medians meet."""
    if len(exact) < 2 or len(approx) < 2:
        return None
    fits = []
    for side in (exact, approx):
        sizes = np.array(sorted(side))
        fits.append(line_fit(np.log2(sizes), np.log2([side[s][0] for s in sizes])))
    (b_exact, a_exact), (b_approx, a_approx) = fits
    if b_exact - b_approx < MIN_SLOPE_GAP:
        return None
    return float(2.0 ** ((a_approx - a_exact) / (b_exact - b_approx)))


def _crossover_n(sizes, faster):
    if not faster[-1]:
        return None
    slower = np.flatnonzero(~faster)
    return float(sizes[0] if len(slower) == 0 else sizes[slower[-1] + 1])


def crossovers(table):
    """Every (approx mechanism, p) x KEY_FIELDS combination that has an exact partner at >= 1
    common n, in a stable order."""
    if table is None or len(table) == 0:
        return []
    out = []
    mechanism, p = column(table, "mechanism"), column(table, "p")
    keys = sorted({tuple(row) for row in zip(*[column(table, f).tolist() for f in KEY_FIELDS])})
    for key in keys:
        in_key = np.ones(len(table), dtype=bool)
        for name, value in zip(KEY_FIELDS, key):
            in_key &= column(table, name) == value
        for approx, exact in EXACT_OF.items():
            exact_rows = in_key & (mechanism == exact) & (p < 0)
            if not exact_rows.any():
                continue
            exact_best = _fastest_medians(table.select(exact_rows))
            for order in sorted(set(p[in_key & (mechanism == approx)].tolist())):
                approx_best = _fastest_medians(
                    table.select(in_key & (mechanism == approx) & (p == order)))
                common = np.array(sorted(set(exact_best) & set(approx_best)))
                if len(common) == 0:
                    continue
                exact_time = np.array([exact_best[s][0] for s in common])
                approx_time = np.array([approx_best[s][0] for s in common])
                cross = Crossover(approx, exact, int(order), int(key[0]), int(key[1]), str(key[2]),
                                  int(key[3]), int(key[4]), common, exact_time, approx_time,
                                  [exact_best[s][1] for s in common])
                cross.crossover_n = _crossover_n(common, approx_time < exact_time)
                cross.lines_cross_n = _lines_cross(exact_best, approx_best)
                out.append(cross)
    return out
