"""Does the Taylor error fall with the order p? One fit per (mechanism, d, d_v, precision, n, B).

Theory (theory.md): the truncation error of order p is about e^R R^(p+1) / (p+1)!, so once p
passes R it falls faster than geometrically; while p < R it grows or stalls. With R ~ B^2 sqrt(d)
that is the Alman and Song picture: for B = o(sqrt(log n)) a low order suffices, for
B = Theta(sqrt(log n)) no fixed order does. Over the few orders a job measures (p = 0..5) a
straight line through log(max_abs_error) against p is a fair summary: exp(slope) is the factor
the error is multiplied by per extra order.

A B is 'converging' when
- the factor is below FACTOR_CONVERGING (each order at least halves the error), and
- the highest measured order is already small: max_rel_error <= SMALL_REL_ERROR there.
The second test is on the relative error because the absolute one has no common scale: for
unnormalised taylor the rows are divided by e^M_i (docs/results-format.md) and can still be
about n v_max, while taylor-softmax outputs are bounded by v_max. Without it a fast fall from a
huge start (factor 0.45, still 5% off at p=5, as taylor at B = 1.5 reads) would count as
converged. A B with fewer than MIN_ORDERS measured orders is not classified.
"""

from dataclasses import dataclass

import numpy as np

FACTOR_CONVERGING = 0.5
SMALL_REL_ERROR = 0.01
MIN_ORDERS = 3  # two points always lie on a line; three are the least that test one

CONVERGING, NOT_CONVERGING, TOO_FEW = "converging", "not converging", "too few orders"
STUDY_FIELDS = ("mechanism", "d", "d_v", "precision", "n")


@dataclass
class OrderFit:
    mechanism: str
    d: int
    d_v: int
    precision: str
    n: int
    B: float
    orders: list          # the measured p (finite, positive max_abs_error), ascending
    factor: float         # exp(slope of ln max_abs_error against p); NaN when too few orders
    last_abs: float       # max_abs_error at the highest measured order
    last_rel: float       # max_rel_error there (NaN when unknown)
    min_abs: float        # the smallest max_abs_error over the orders
    min_rel: float        # the smallest max_rel_error over the orders
    verdict: str          # CONVERGING, NOT_CONVERGING or TOO_FEW

    @property
    def study(self):
        return tuple(getattr(self, f) for f in STUDY_FIELDS)

    @property
    def b_ratio(self):
        """B / sqrt(ln n): where this B lies against Alman and Song's threshold."""
        return self.B / np.sqrt(np.log(self.n)) if self.n > 1 else float("nan")

    @property
    def converging(self):
        return self.verdict == CONVERGING

    def to_dict(self):
        out = dict(vars(self))
        out["B_over_sqrt_ln_n"] = self.b_ratio
        return out


def _classify(factor, last_rel):
    if factor >= FACTOR_CONVERGING:
        return NOT_CONVERGING
    # An unknown relative error cannot veto what the slope shows.
    if np.isfinite(last_rel) and last_rel > SMALL_REL_ERROR:
        return NOT_CONVERGING
    return CONVERGING


def fit_orders(lines):
    """OrderFit per (mechanism, d, d_v, precision, n, B) from ErrorLines (attention_errors.py:
    the worst row per order), sorted by those fields."""
    by_key = {}
    for line in lines:
        key = (line.mechanism, line.d, line.d_v, line.precision, line.n, line.B)
        by_key.setdefault(key, []).append(line)
    out = []
    for key in sorted(by_key):
        # Noted rows (NaN) and exact zeros have no logarithm; the rest carry the trend.
        usable = sorted((e for e in by_key[key]
                         if np.isfinite(e.max_abs_error) and e.max_abs_error > 0),
                        key=lambda e: e.p)
        p = np.array([e.p for e in usable], dtype=float)
        err = np.array([e.max_abs_error for e in usable])
        rel = np.array([e.max_rel_error for e in usable])
        nan = float("nan")
        if len(usable) < MIN_ORDERS:
            factor, verdict = nan, TOO_FEW
        else:
            factor = float(np.exp(np.polyfit(p, np.log(err), 1)[0]))
            verdict = _classify(factor, rel[-1])
        finite_rel = rel[np.isfinite(rel)]
        out.append(OrderFit(*key, orders=[int(x) for x in p], factor=factor,
                            last_abs=float(err[-1]) if len(err) else nan,
                            last_rel=float(rel[-1]) if len(rel) else nan,
                            min_abs=float(err.min()) if len(err) else nan,
                            min_rel=float(finite_rel.min()) if len(finite_rel) else nan,
                            verdict=verdict))
    return out
