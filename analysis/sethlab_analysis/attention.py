"""Power-law fits of the /attention table (when a file has one; the C++ side does not write it
yet, so everything here is skipped when it is absent).

Expected fields: n, d, mechanism (str), p (int, -1 for the exact mechanism, else the Taylor
order), time_median (s), max_abs_error, B (bound on the entries). One fit per (mechanism, p, d)
of time_median against n: rows that differ only in B count as repeats at that n, since B
changes the error, not the work. Exact attention costs n^2 d, order-p Taylor attention
n d^p d_v, so beta should read near 2 and near 1 respectively.
"""

from dataclasses import dataclass

import numpy as np

from sethlab_analysis.errors import TooFewSizes
from sethlab_analysis.fitting import fit_law
from sethlab_analysis.laws import POWER

EXACT_P = -1


@dataclass
class AttentionExperiment:
    mechanism: str
    p: int
    d: int
    n: np.ndarray
    time: np.ndarray
    fit: object = None        # LawFit, None when skipped
    skipped: str = ""

    @property
    def exact(self):
        return self.p == EXACT_P

    @property
    def expected_beta(self):
        return 2.0 if self.exact else 1.0

    @property
    def title(self):
        how = "exact" if self.exact else f"Taylor p={self.p}"
        return f"{self.mechanism} attention, {how}, d={self.d}"

    @property
    def slug(self):
        return f"{self.mechanism}_p{self.p}_d{self.d}"

    def to_dict(self):
        out = {"title": self.title, "mechanism": self.mechanism, "p": self.p, "d": self.d,
               "rows": int(len(self.n)), "expected_beta": self.expected_beta}
        if self.fit is not None:
            out["fit"] = self.fit.to_dict()
        else:
            out["skipped"] = self.skipped
        return out


def attention_experiments(table, resamples=2000, confidence=0.95, seed=0):
    """One AttentionExperiment per (mechanism, p, d), fitted where it has >= 3 sizes."""
    if table is None or len(table) == 0:
        return []
    keys = sorted({(str(m), int(p), int(d)) for m, p, d in
                   zip(table["mechanism"], table["p"], table["d"])})
    out = []
    for mechanism, p, d in keys:
        rows = table.select((table["mechanism"] == mechanism) & (table["p"] == p)
                            & (table["d"] == d))
        time = rows["time_median"].astype(float)
        usable = np.isfinite(time) & (time > 0)
        exp = AttentionExperiment(mechanism, p, d, rows["n"][usable].astype(float), time[usable])
        try:
            exp.fit = fit_law(POWER, exp.n, exp.time, resamples=resamples,
                              confidence=confidence, seed=seed)
        except TooFewSizes as error:
            exp.skipped = str(error)
        out.append(exp)
    return out
