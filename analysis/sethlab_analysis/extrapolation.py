"""The extrapolation challenge of Hoos et al.'s Empirical Scaling Analyser (ESA).

A law that fits the sizes it was fitted on proves little: many curves do that. ESA's test is to
fit on the smaller sizes only and predict the larger ones. Here:

1. The distinct sizes are split: the largest ~third (`holdout`) is held out, keeping at least
   3 sizes to fit and at least 1 to predict.
2. The law is fitted to per-size medians of the fit sizes, with the stratified bootstrap.
3. For each held-out size the prediction interval of its observed median combines two sources
   of error, draw by draw: the refitted line at that size (uncertainty of the fit, which grows
   with the distance extrapolated) and the spread of the held-out median itself (its own
   instances resampled: the observed median is a sample statistic too, and a prediction
   interval that ignored this would flag clean data at the first held-out size). A held-out
   size with a single instance has no spread of its own to resample; it borrows the
   instance-to-instance spread of the fit sizes (deviations from their size's median), or,
   when those have one instance each too, the spread of the fitted line's residuals.
4. The observed median falls inside or not. The overall verdict is "bends away" when any
   held-out size falls outside. Several sizes are tested at once, so each interval is widened
   to level 1 - (1 - confidence) / H for H held-out sizes (Bonferroni): clean data is then
   called "bends away" with probability at most 1 - confidence overall.
"""

from dataclasses import dataclass

import numpy as np

from sethlab_analysis.bootstrap import resample_statistic, strata
from sethlab_analysis.errors import TooFewSizes
from sethlab_analysis.fitting import MIN_SIZES, fit_law

UNREPLICATED_FIT_SIZES = 5  # fit sizes needed when no size has repeats (3 residual dof)
CONSISTENT = "consistent"
BENDS_AWAY = "bends away"


@dataclass
class HeldOutSize:
    n: float
    instances: int
    observed: float         # median time, seconds
    predicted: float        # the fitted law at n, seconds
    interval: tuple         # prediction interval of the median, seconds
    inside: bool

    @property
    def direction(self):
        """Where the observed median lies relative to the prediction: "above" means the data
        grows faster than the law fitted on the small sizes."""
        if self.inside:
            return "inside"
        return "above" if self.observed > self.interval[1] else "below"

    def to_dict(self):
        return {"n": self.n, "instances": self.instances, "observed_median": self.observed,
                "predicted_median": self.predicted, "interval": list(self.interval),
                "inside": self.inside, "direction": self.direction}


@dataclass
class Challenge:
    fit: object              # LawFit on the fit sizes
    fit_sizes: np.ndarray
    held: list               # of HeldOutSize
    confidence: float        # overall level asked for
    per_size_confidence: float

    @property
    def verdict(self):
        return CONSISTENT if all(h.inside for h in self.held) else BENDS_AWAY

    def summary(self):
        """One phrase for verdict lines, e.g. 'extrapolation from n=10..16 to n=18..22:
        consistent' or '... bends away (observed above the prediction at n=20, 22)'."""
        lo, hi = self.fit_sizes[0], self.fit_sizes[-1]
        held = [h.n for h in self.held]
        text = (f"extrapolation from n={_num(lo)}..{_num(hi)} to n={_num(held[0])}"
                + (f"..{_num(held[-1])}" if len(held) > 1 else "") + f": {self.verdict}")
        outside = [h for h in self.held if not h.inside]
        for side in ("above", "below"):
            sizes = [_num(h.n) for h in outside if h.direction == side]
            if sizes:
                text += f" (observed {side} the prediction at n={', '.join(sizes)})"
        return text

    def to_dict(self):
        return {"verdict": self.verdict, "confidence": self.confidence,
                "per_size_confidence": self.per_size_confidence,
                "fit_sizes": [float(s) for s in self.fit_sizes],
                "fit": self.fit.to_dict(), "held_out": [h.to_dict() for h in self.held]}


def _num(value):
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _instance_noise(fit, n, log_time, resamples, rng):
    """Draws of one instance's deviation from its size's typical log2 time.

    With repeats at the fit sizes, their deviations from their size's median are resampled.
    Without, only the line's few residuals are known, and resampling a dozen values cannot
    reach the tails a Bonferroni-adjusted interval needs; there the noise is drawn as
    s * t(m - 2), s the residual standard deviation, which is calibrated for normal noise."""
    _, groups = strata(n)
    several = [g for g in groups if len(g) > 1]
    if several:
        deviations = np.concatenate([log_time[g] - np.median(log_time[g]) for g in several])
        return rng.choice(deviations, size=resamples)
    residuals = log_time - fit.predict_log2(n)
    dof = len(residuals) - 2
    scale = np.sqrt(np.dot(residuals, residuals) / dof)
    return scale * rng.standard_t(dof, size=resamples)


def split_sizes(sizes, holdout=1 / 3):
    """Distinct sorted sizes -> (fit sizes, held-out sizes); None when fewer than 4 sizes."""
    sizes = np.sort(np.unique(sizes))
    if len(sizes) < MIN_SIZES + 1:
        return None
    held = max(1, int(round(holdout * len(sizes))))
    held = min(held, len(sizes) - MIN_SIZES)
    return sizes[:-held], sizes[-held:]


def extrapolation_challenge(law, n, time, holdout=1 / 3, resamples=2000, confidence=0.95,
                            seed=0):
    """Fit on the smaller sizes, predict the held-out larger ones (module docstring).

    Raises TooFewSizes when there are fewer than 4 distinct sizes."""
    n = np.asarray(n, dtype=float)
    time = np.asarray(time, dtype=float)
    split = split_sizes(n, holdout)
    if split is None:
        raise TooFewSizes(len(np.unique(n)), MIN_SIZES + 1)
    fit_sizes, held_sizes = split
    if len(n) == len(np.unique(n)) and len(fit_sizes) < UNREPLICATED_FIT_SIZES:
        # Without repeats the noise is known only from the line's residuals, and with 3 or 4
        # fit sizes those have 1 or 2 degrees of freedom: the intervals would be too narrow
        # and clean data would read as bending.
        raise TooFewSizes(len(np.unique(n)), UNREPLICATED_FIT_SIZES + len(held_sizes),
                          "one instance per size, so the noise must come from the residuals "
                          f"of >= {UNREPLICATED_FIT_SIZES} fit sizes")
    rng = np.random.default_rng(seed)
    train = np.isin(n, fit_sizes)
    fit = fit_law(law, n[train], time[train], method="medians", resamples=resamples,
                  confidence=confidence, rng=rng)

    borrowed = _instance_noise(fit, n[train], np.log2(time[train]), resamples, rng)
    per_size = 1.0 - (1.0 - confidence) / len(held_sizes)
    tail = (1.0 - per_size) / 2.0
    log_time = np.log2(time)
    sizes, groups = strata(n)
    held = []
    for size, rows in zip(sizes, groups):
        if size not in held_sizes:
            continue
        values = log_time[rows]
        observed = float(np.median(values))
        line = fit.intercept_draws + fit.slope_draws * law.x(size)
        if len(values) > 1:
            spread = resample_statistic(values, resamples, rng, np.median) - observed
        else:
            spread = borrowed
        lo, hi = np.nanquantile(line - spread, [tail, 1.0 - tail])
        held.append(HeldOutSize(n=float(size), instances=len(rows), observed=2.0 ** observed,
                                predicted=float(2.0 ** fit.predict_log2(size)),
                                interval=(float(2.0 ** lo), float(2.0 ** hi)),
                                inside=bool(lo <= observed <= hi)))
    return Challenge(fit=fit, fit_sizes=fit_sizes, held=held, confidence=confidence,
                     per_size_confidence=per_size)
