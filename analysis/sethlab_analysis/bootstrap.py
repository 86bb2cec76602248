"""Resampling helpers for the bootstrap.

Instances are resampled WITHIN each size (stratified): every resample keeps the number of
instances per size, so the design (which sizes, how many of each) is the experiment's own and
only the instance-to-instance variation is simulated. When every size has exactly one
observation there is nothing to resample within a size; then the residuals of the fitted line
are resampled instead (residual bootstrap), which assumes the noise is alike at every size.
"""

import numpy as np

# Cap on the elements of one (resamples x instances) index block, so that 2000 resamples of a
# size with 10^5 instances do not need gigabytes at once.
_BLOCK_ELEMENTS = 4_000_000


def strata(sizes):
    """Distinct sizes in increasing order and, for each, the indices of its observations."""
    sizes = np.asarray(sizes)
    distinct, inverse = np.unique(sizes, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(distinct)))[:-1]
    return distinct, np.split(order, bounds)


def resample_statistic(values, resamples, rng, statistic):
    """statistic(axis=1) of `resamples` resamples (with replacement) of one size's values."""
    values = np.asarray(values, dtype=float)
    count = len(values)
    out = np.empty(resamples)
    block = max(1, _BLOCK_ELEMENTS // max(count, 1))
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        picks = rng.integers(0, count, size=(stop - start, count))
        out[start:stop] = statistic(values[picks], axis=1)
    return out


def residual_resamples(fitted, residuals, resamples, rng):
    """(resamples x len(fitted)) responses: fitted line plus residuals drawn with replacement.
    Residuals of a 2-parameter fit are smaller than the noise; sqrt(m / (m - 2)) undoes that."""
    m = len(residuals)
    scale = np.sqrt(m / (m - 2)) if m > 2 else 1.0
    picks = rng.integers(0, m, size=(resamples, m))
    return fitted[None, :] + scale * residuals[picks]


def percentile_interval(draws, confidence):
    """Central percentile interval of bootstrap draws (NaN draws, from degenerate resamples,
    are ignored)."""
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.nanquantile(np.asarray(draws, dtype=float), [tail, 1.0 - tail])
    return float(lo), float(hi)
