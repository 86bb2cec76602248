"""Least-squares fits of a scaling law with stratified-bootstrap confidence intervals.

Two ways to fit the same law (see laws.py for the logarithmic form):
- "medians": one point per size, the median of log2 time over its instances. Robust to the
  heavy right tail of search times (a few slow instances do not drag the line).
- "points": every instance is a point. Uses all the data, but weights sizes by how many
  instances they have and is pulled by outliers.
The two agreeing is itself a check. Intervals are percentile intervals over bootstrap refits
(bootstrap.py says how resamples are drawn).
"""

from dataclasses import dataclass, field

import numpy as np

from sethlab_analysis.bootstrap import (percentile_interval, resample_statistic,
                                        residual_resamples, strata)
from sethlab_analysis.errors import TooFewSizes

MIN_SIZES = 3  # two sizes always fit a line exactly; a third is the first that can disagree
METHODS = ("medians", "points")


def line_fit(x, y):
    """Ordinary least squares y = intercept + slope * x."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xc = x - x.mean()
    slope = float(np.dot(xc, y - y.mean()) / np.dot(xc, xc))
    return slope, float(y.mean() - slope * x.mean())


def line_fit_rows(x, ys):
    """line_fit for many response vectors at once: ys has one resample per row."""
    x = np.asarray(x, dtype=float)
    xc = x - x.mean()
    slopes = (ys - ys.mean(axis=1, keepdims=True)) @ xc / np.dot(xc, xc)
    return slopes, ys.mean(axis=1) - slopes * x.mean()


@dataclass
class LawFit:
    """A fitted law, its bootstrap intervals and the draws behind them (for plotting bands)."""

    law: object
    method: str
    bootstrap: str          # "stratified" or "residual"
    slope: float
    intercept: float        # log2 of the constant c
    slope_ci: tuple
    intercept_ci: tuple
    confidence: float
    resamples: int
    observations: int
    sizes: np.ndarray       # distinct sizes used
    residual_sd: float      # of log2 time around the line, in the fitted data (medians or points)
    slope_draws: np.ndarray = field(repr=False, default=None)
    intercept_draws: np.ndarray = field(repr=False, default=None)

    @property
    def half_width(self):
        return (self.slope_ci[1] - self.slope_ci[0]) / 2.0

    def params(self):
        """{name: (estimate, lo, hi)}. Each parameter is a monotone function of the slope or of
        the intercept alone, so the interval endpoints map straight through."""
        est = self.law.params(self.slope, self.intercept)
        lo = self.law.params(self.slope_ci[0], self.intercept_ci[0])
        hi = self.law.params(self.slope_ci[1], self.intercept_ci[1])
        return {k: (float(est[k]), float(lo[k]), float(hi[k])) for k in est}

    def predict_log2(self, n):
        return self.intercept + self.slope * self.law.x(n)

    def band_log2(self, n, confidence=None):
        """Pointwise interval of the fitted line at sizes n, over the bootstrap draws."""
        confidence = self.confidence if confidence is None else confidence
        lines = self.intercept_draws[:, None] + self.slope_draws[:, None] * self.law.x(n)[None, :]
        tail = (1.0 - confidence) / 2.0
        lo, hi = np.nanquantile(lines, [tail, 1.0 - tail], axis=0)
        return lo, hi

    def to_dict(self):
        return {
            "law": self.law.name, "formula": self.law.formula, "method": self.method,
            "bootstrap": self.bootstrap, "confidence": self.confidence,
            "resamples": self.resamples, "observations": self.observations,
            "sizes": [int(s) if float(s).is_integer() else float(s) for s in self.sizes],
            "slope": self.slope, "slope_ci": list(self.slope_ci),
            "log2_c": self.intercept, "log2_c_ci": list(self.intercept_ci),
            "residual_sd_log2": self.residual_sd,
            "params": {k: {"estimate": v[0], "lo": v[1], "hi": v[2]}
                       for k, v in self.params().items()},
        }


def _check_inputs(n, time):
    n = np.asarray(n, dtype=float)
    time = np.asarray(time, dtype=float)
    if n.shape != time.shape or n.ndim != 1:
        raise ValueError("sizes and times must be 1-d arrays of equal length")
    if not np.all(np.isfinite(time) & (time > 0)):
        raise ValueError("times must be finite and positive (filter them before fitting)")
    return n, np.log2(time)


def fit_law(law, n, time, method="medians", resamples=2000, confidence=0.95, seed=0, rng=None):
    """Fit `law` (laws.EXPONENTIAL or laws.POWER) to times measured at sizes n.

    Arrays in, LawFit out. Raises TooFewSizes with fewer than 3 distinct sizes."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    rng = np.random.default_rng(seed) if rng is None else rng
    n, log_time = _check_inputs(n, time)
    sizes, groups = strata(n)
    if len(sizes) < MIN_SIZES:
        raise TooFewSizes(len(sizes), MIN_SIZES)
    xs = law.x(sizes)
    single = all(len(g) == 1 for g in groups)

    if method == "medians":
        x_fit = xs
        y_fit = np.array([np.median(log_time[g]) for g in groups])
    else:
        x_fit = law.x(n)
        y_fit = log_time
    slope, intercept = line_fit(x_fit, y_fit)
    residuals = y_fit - (intercept + slope * x_fit)
    dof = max(len(y_fit) - 2, 1)
    residual_sd = float(np.sqrt(np.dot(residuals, residuals) / dof))

    if single:
        # One observation per size: both methods see the same line; resample its residuals.
        # (Residuals are drawn at random, so their order relative to xs does not matter.)
        ys = residual_resamples(intercept + slope * xs, residuals, resamples, rng)
        slope_draws, intercept_draws = line_fit_rows(xs, ys)
        kind = "residual"
    elif method == "medians":
        ys = np.column_stack([resample_statistic(log_time[g], resamples, rng, np.median)
                              for g in groups])
        slope_draws, intercept_draws = line_fit_rows(xs, ys)
        kind = "stratified"
    else:
        # Stratified resamples keep each size's count, so the x values never change and the
        # least-squares line depends on a resample only through each size's sum of log times.
        counts = np.array([len(g) for g in groups], dtype=float)
        sums = np.column_stack([resample_statistic(log_time[g], resamples, rng, np.sum)
                                for g in groups])
        total = counts.sum()
        x_mean = np.dot(counts, xs) / total
        sxx = np.dot(counts, (xs - x_mean) ** 2)
        slope_draws = sums @ (xs - x_mean) / sxx
        intercept_draws = sums.sum(axis=1) / total - slope_draws * x_mean
        kind = "stratified"

    return LawFit(law=law, method=method, bootstrap=kind, slope=slope, intercept=intercept,
                  slope_ci=percentile_interval(slope_draws, confidence),
                  intercept_ci=percentile_interval(intercept_draws, confidence),
                  confidence=confidence, resamples=resamples, observations=len(n),
                  sizes=sizes, residual_sd=residual_sd,
                  slope_draws=slope_draws, intercept_draws=intercept_draws)
