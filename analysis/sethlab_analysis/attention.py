"""Power-law fits of the /attention table: time_median = c * n^beta per group.

A group is one (mechanism, p, d, d_v, precision, w, ranks, threads, kernel): everything that
changes the work or how it is done. Rows that differ only in B or seed (or repeat) count as
repeats at their n: B changes the error, not the work, and the seed only the data.

Expected exponents: exact softmax, exponential and rbf cost n^2 (d + d_v) flops, so beta = 2;
window attention with a fixed w costs n w (d + d_v), and order-p Taylor attention
4 n C(d + p, p) (d_v + 1) (theory.md, paper 2 Thm 10), so beta = 1 for both.

Small n are dominated by fixed costs (thread start, allocation, the Allreduce, reading inputs),
which flatten the curve there. So each group is also fitted on the upper half of its sizes;
when that fit disagrees with the all-sizes one (the all-sizes estimate lies outside the
upper-half CI, by at least MIN_SHIFT) both are reported and the upper half is the one judged,
since the claims are about growth at large n.
"""

from dataclasses import dataclass, field

import numpy as np

from sethlab_analysis.errors import TooFewSizes
from sethlab_analysis.fitting import MIN_SIZES, fit_law
from sethlab_analysis.laws import POWER

EXACT_P = -1
TAYLOR_MECHANISMS = ("taylor", "taylor-softmax")
EXPECTED_BETA = {"softmax": 2.0, "exponential": 2.0, "rbf": 2.0, "window": 1.0,
                 "taylor": 1.0, "taylor-softmax": 1.0}
GROUP_FIELDS = ("mechanism", "p", "d", "d_v", "precision", "w", "ranks", "threads", "kernel")
# Columns that are not in the group key but change the time if they vary within a group: the
# rows are still fitted together, with a warning.
SHOULD_NOT_VARY = ("tile_queries", "tile_keys", "source", "data_file", "repeats", "warmup")
# The upper-half fit needs MIN_SIZES sizes of its own, so a group needs this many in all.
UPPER_MIN_SIZES = 2 * MIN_SIZES - 1
# A shift in beta smaller than this between the two fits is not worth a second number.
MIN_SHIFT = 0.05
_DEFAULTS = {"w": -1, "kernel": "", "precision": "", "d_v": 0}


def column(table, name, default=None):
    """A column, or a constant one when an optional field is absent (older files)."""
    if name in table:
        return table[name]
    return np.full(len(table), _DEFAULTS.get(name, default))


@dataclass
class AttentionGroup:
    mechanism: str
    p: int
    d: int
    d_v: int
    precision: str
    w: int
    ranks: int
    threads: int
    kernel: str
    rows: object              # Table of this group's rows (all of them, also unusable times)
    n: np.ndarray             # sizes of the usable rows
    time: np.ndarray          # their time_median
    dropped: int = 0          # rows with time <= 0 or NaN
    fit: object = None        # LawFit on all sizes; None when skipped
    upper: object = None      # LawFit on the upper half of the sizes, when there are enough
    upper_floor: float = None  # smallest n of the upper-half fit
    skipped: str = ""
    varying: list = field(default_factory=list)  # SHOULD_NOT_VARY columns that vary here
    notes: dict = field(default_factory=dict)    # note -> rows: why a point has no measurement

    @property
    def key(self):
        return tuple(getattr(self, f) for f in GROUP_FIELDS)

    @property
    def exact(self):
        return self.p == EXACT_P

    @property
    def taylor(self):
        return self.mechanism in TAYLOR_MECHANISMS

    @property
    def expected_beta(self):
        return EXPECTED_BETA.get(self.mechanism)

    @property
    def differs(self):
        """The large-n fit tells a different story from the all-sizes one."""
        if self.fit is None or self.upper is None:
            return False
        lo, hi = self.upper.slope_ci
        shift = abs(self.upper.slope - self.fit.slope)
        return not lo <= self.fit.slope <= hi and shift >= MIN_SHIFT

    @property
    def judged(self):
        """The fit the verdict is about: the upper half when it differs, else all sizes."""
        return self.upper if self.differs else self.fit

    @property
    def title(self):
        order = "exact" if self.exact else f"p={self.p}"
        parts = [self.mechanism, order, f"d={self.d}"]
        if self.d_v != self.d:
            parts.append(f"d_v={self.d_v}")
        if self.w >= 0:
            parts.append(f"w={self.w}")
        if self.precision:
            parts.append(self.precision)
        ranks = f"{self.ranks} rank{'s' if self.ranks != 1 else ''}"
        threads = f"{self.threads} thread{'s' if self.threads != 1 else ''}"
        how = f"{self.kernel}, " if self.kernel else ""
        return " ".join(parts) + f" ({how}{ranks} x {threads})"

    @property
    def slug(self):
        text = f"{self.mechanism}_p{self.p}_d{self.d}_dv{self.d_v}_w{self.w}_{self.precision}" \
               f"_{self.kernel}_r{self.ranks}_t{self.threads}"
        return "".join(c if c.isalnum() or c in "-._" else "-" for c in text)

    def to_dict(self):
        out = {f: getattr(self, f) for f in GROUP_FIELDS}
        out.update({"title": self.title, "rows": int(len(self.rows)),
                    "dropped_times": self.dropped, "expected_beta": self.expected_beta,
                    "sizes": [int(s) for s in np.unique(self.n)]})
        if self.notes:
            out["notes"] = self.notes
        if self.fit is None:
            out["skipped"] = self.skipped
            return out
        out["fit"] = self.fit.to_dict()
        if self.upper is not None:
            out["upper_half_fit"] = self.upper.to_dict()
            out["upper_half_from_n"] = self.upper_floor
        out["upper_half_differs"] = self.differs
        out["beta"] = self.judged.slope
        out["beta_ci"] = list(self.judged.slope_ci)
        if self.varying:
            out["varying_within_group"] = self.varying
        return out


def _keys(table):
    cols = [column(table, f) for f in GROUP_FIELDS]
    cast = (str, int, int, int, str, int, int, int, str)
    return sorted({tuple(t(v) for t, v in zip(cast, row)) for row in zip(*cols)})


def _select(table, key):
    mask = np.ones(len(table), dtype=bool)
    for name, value in zip(GROUP_FIELDS, key):
        mask &= column(table, name) == value
    return table.select(mask)


def _fit_group(group, knobs):
    try:
        group.fit = fit_law(POWER, group.n, group.time, **knobs)
    except TooFewSizes as error:
        group.skipped = str(error)
        return
    sizes = np.unique(group.n)
    if len(sizes) >= UPPER_MIN_SIZES:
        group.upper_floor = float(sizes[len(sizes) // 2])
        keep = group.n >= group.upper_floor
        group.upper = fit_law(POWER, group.n[keep], group.time[keep], **knobs)


def attention_groups(table, resamples=2000, confidence=0.95, seed=0):
    """One AttentionGroup per group key (module docstring), fitted where it has >= 3 sizes."""
    if table is None or len(table) == 0:
        return []
    knobs = dict(resamples=resamples, confidence=confidence, seed=seed)
    out = []
    for key in _keys(table):
        rows = _select(table, key)
        time = rows["time_median"].astype(float)
        usable = np.isfinite(time) & (time > 0)
        group = AttentionGroup(*key, rows=rows, n=rows["n"][usable].astype(float),
                               time=time[usable], dropped=int((~usable).sum()))
        group.varying = [c for c in SHOULD_NOT_VARY
                         if c in rows and len(np.unique(rows[c])) > 1]
        # The writer explains rows it could not measure (e.g. a Taylor-softmax denominator
        # <= 0 for odd p); their NaN times are dropped above, and the reason is kept.
        if "note" in rows:
            texts, counts = np.unique(rows["note"][rows["note"] != ""], return_counts=True)
            group.notes = {str(t): int(c) for t, c in zip(texts, counts)}
        _fit_group(group, knobs)
        out.append(group)
    return out


TIME_LAWS = "time laws"


def error_study_line(groups):
    """The skipped time groups of an error study (no group has >= 3 sizes, but Taylor errors
    are there: jobs/attention-error.toml) as one line: one per group would bury the errors,
    which are that file's result, under a dozen identical 'too few sizes' lines."""
    sizes = max(len(np.unique(g.rows["n"])) for g in groups)
    return f"not fitted, {sizes} distinct n (an error study)"
