"""Which time series get a fit: one per (group, solver), from the /points table.

Each point ran a search (column `solver`, its wall time `t_search`) and, optionally, an
independent checker on the same instance (`check_solver`, its time `t_check`). Both are fitted
separately so their bases can be compared on the same instances.

Points are grouped by (mode, k, source): decide and count mode measure different things, and
k and the instance source change the constants and, for the checker, the base. A series pooled
over all groups is added only when there is more than one group.

Decide mode stops at the first preimage, so on satisfiable instances it measures time to the
first solution, not the 2^n exhaustive search. When a decide-mode group holds both answers, the
instances without a preimage (`found` == 0, searched to the end) get a series of their own:
that is the clean exponential inside decide-mode data.
"""

from dataclasses import dataclass

import numpy as np

FAMILY_LABELS = {"inversion.exact": "exact inversion"}
SEARCH, CHECK = "search", "check"
ALL, UNSATISFIABLE, POOLED = "all", "unsatisfiable", "pooled"


@dataclass
class Series:
    """Times of one solver on a set of points."""

    solver: str
    role: str                 # SEARCH (t_search of `solver`) or CHECK (t_check of `check_solver`)
    n: np.ndarray
    time: np.ndarray
    found: np.ndarray         # 1 when the instance had a preimage
    fraction_searched: np.ndarray  # candidates / 2^n (decide mode stops early)
    dropped: int              # rows whose time was zero, negative or NaN (cannot be logged)
    work: np.ndarray = None   # search only: busy worker-seconds (sum of chunk seconds), or NaN
    efficiency: np.ndarray = None  # search only: scaling efficiency of the point, or NaN

    @property
    def sizes(self):
        return np.unique(self.n)


@dataclass
class Experiment:
    family: str
    mode: str
    k: int
    source: str
    subset: str               # ALL, UNSATISFIABLE or POOLED
    series: Series

    @property
    def group(self):
        if self.subset == POOLED:
            return "all groups pooled"
        text = f"{self.mode}, k={self.k}, {self.source}"
        return text + (", no preimage" if self.subset == UNSATISFIABLE else "")

    @property
    def title(self):
        family = FAMILY_LABELS.get(self.family, self.family)
        who = self.series.solver
        if self.series.role == CHECK:
            who += " check of"
        return f"{who} {family} ({self.group})"

    @property
    def slug(self):
        parts = [self.series.solver, self.series.role]
        if self.subset == POOLED:
            parts.append("pooled")
        else:
            parts += [self.mode, f"k{self.k}", self.source]
            if self.subset == UNSATISFIABLE:
                parts.append("unsat")
        return "_".join("".join(c if c.isalnum() or c in "-." else "-" for c in p) for p in parts)

    @property
    def group_key(self):
        """Experiments drawn in the same time-vs-n plot share this key."""
        return "pooled" if self.subset == POOLED else f"{self.mode}_k{self.k}_{self.source}"

    def to_dict(self):
        return {"title": self.title, "family": self.family, "mode": self.mode, "k": self.k,
                "source": self.source, "subset": self.subset, "solver": self.series.solver,
                "role": self.series.role, "points": int(len(self.series.n)),
                "dropped_times": self.series.dropped,
                "satisfiable_fraction": float(np.mean(self.series.found)),
                "median_fraction_searched": float(np.median(self.series.fraction_searched))}


def _series(points, solver, role):
    time = np.asarray(points["t_search" if role == SEARCH else "t_check"], dtype=float)
    usable = np.isfinite(time) & (time > 0)
    n = np.asarray(points["n"], dtype=float)
    with np.errstate(over="ignore"):
        searched = np.asarray(points["candidates"], dtype=float) / np.exp2(n)
    nan = np.full(len(points), np.nan)
    # Chunk-based columns (added by the analysis when /chunks exists) describe the search only.
    work = points["busy_seconds"] if role == SEARCH and "busy_seconds" in points else nan
    efficiency = points["efficiency"] if role == SEARCH and "efficiency" in points else nan
    return Series(solver=solver, role=role, n=n[usable], time=time[usable],
                  found=np.asarray(points["found"])[usable] == 1,
                  fraction_searched=searched[usable], dropped=int((~usable).sum()),
                  work=np.asarray(work, dtype=float)[usable],
                  efficiency=np.asarray(efficiency, dtype=float)[usable])


def _solver_series(points):
    """All series in a set of points: one per search solver, one per independent checker."""
    out = []
    for solver in np.unique(points["solver"]):
        out.append(_series(points.select(points["solver"] == solver), str(solver), SEARCH))
    for checker in np.unique(points["check_solver"]):
        if checker == "none" or checker == "":
            continue
        out.append(_series(points.select(points["check_solver"] == checker), str(checker), CHECK))
    return out


def build_experiments(points, family):
    """Every experiment the points support, in a stable order (groups sorted, search first)."""
    experiments = []
    keys = sorted({(str(m), int(k), str(s)) for m, k, s in
                   zip(points["mode"], points["k"], points["source"])})
    for mode, k, source in keys:
        rows = points.select((points["mode"] == mode) & (points["k"] == k)
                             & (points["source"] == source))
        for series in _solver_series(rows):
            experiments.append(Experiment(family, mode, k, source, ALL, series))
        found = np.asarray(rows["found"]) == 1
        if mode == "decide" and found.any() and not found.all():
            for series in _solver_series(rows.select(~found)):
                experiments.append(Experiment(family, mode, k, source, UNSATISFIABLE, series))
    if len(keys) > 1:
        for series in _solver_series(points):
            experiments.append(Experiment(family, "mixed", 0, "mixed", POOLED, series))
    return experiments
