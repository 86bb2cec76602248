"""Fits recover known laws inside their intervals, and the intervals are tight enough to
exclude clearly wrong values (so these tests can fail)."""

import numpy as np
import pytest

from sethlab_analysis.errors import TooFewSizes
from sethlab_analysis.fitting import fit_law, line_fit
from sethlab_analysis.laws import EXPONENTIAL, POWER


def exponential_sample(base, c=1e-7, sizes=range(10, 23), per_size=40, sigma=0.2, seed=11):
    rng = np.random.default_rng(seed)
    n = np.repeat(np.asarray(sizes, dtype=float), per_size)
    return n, c * base ** n * 2.0 ** rng.normal(0.0, sigma, n.size)


def power_sample(beta, c=1e-6, sizes=2 ** np.arange(6, 14), per_size=20, sigma=0.1, seed=5):
    rng = np.random.default_rng(seed)
    n = np.repeat(np.asarray(sizes, dtype=float), per_size)
    return n, c * n ** beta * 2.0 ** rng.normal(0.0, sigma, n.size)


def test_line_fit_exact():
    assert line_fit([1, 2, 3], [3, 5, 7]) == pytest.approx((2.0, 1.0))


@pytest.mark.parametrize("method", ["medians", "points"])
@pytest.mark.parametrize("base", [2.0, 1.3])
def test_exponential_base_recovered(base, method):
    n, t = exponential_sample(base)
    fit = fit_law(EXPONENTIAL, n, t, method=method, resamples=1000, seed=3)
    b, lo, hi = fit.params()["b"]
    assert lo <= base <= hi
    assert b == pytest.approx(base, rel=0.01)
    # Clearly wrong bases fall outside: the interval is informative, not just wide.
    assert not lo <= base * 1.05 <= hi
    assert not lo <= base / 1.05 <= hi
    a, a_lo, a_hi = fit.params()["a"]
    assert a_lo <= np.log2(base) <= a_hi
    c, c_lo, c_hi = fit.params()["c"]
    assert c_lo <= 1e-7 <= c_hi
    assert fit.bootstrap == "stratified"
    assert fit.observations == len(n)
    assert list(fit.sizes) == list(range(10, 23))


@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_power_law_recovered(beta):
    n, t = power_sample(beta)
    fit = fit_law(POWER, n, t, resamples=1000, seed=4)
    est, lo, hi = fit.params()["beta"]
    assert lo <= beta <= hi
    assert est == pytest.approx(beta, abs=0.02)
    assert not lo <= beta + 0.1 <= hi
    assert not lo <= beta - 0.1 <= hi
    assert fit.params()["c"][1] <= 1e-6 <= fit.params()["c"][2]


def test_one_observation_per_size_uses_residual_bootstrap():
    rng = np.random.default_rng(2)
    n = np.arange(8.0, 24.0)
    t = 3e-6 * 2.0 ** n * 2.0 ** rng.normal(0.0, 0.1, n.size)
    fit = fit_law(EXPONENTIAL, n, t, resamples=1000, seed=1)
    assert fit.bootstrap == "residual"
    assert fit.slope_ci[0] <= 1.0 <= fit.slope_ci[1]
    assert fit.slope_ci[1] - fit.slope_ci[0] > 0  # a real interval, not a point


def test_seed_makes_intervals_reproducible():
    n, t = exponential_sample(2.0)
    one = fit_law(EXPONENTIAL, n, t, resamples=300, seed=9)
    two = fit_law(EXPONENTIAL, n, t, resamples=300, seed=9)
    other = fit_law(EXPONENTIAL, n, t, resamples=300, seed=10)
    assert one.slope_ci == two.slope_ci
    assert one.slope_ci != other.slope_ci


def test_interval_coverage_near_nominal():
    """Over many independent data sets the 90% interval should hold the true slope about 90%
    of the time; a broken resampler (say, pooled instead of stratified) misses this."""
    hits = 0
    runs = 60
    for seed in range(runs):
        n, t = exponential_sample(2.0, per_size=15, sizes=range(10, 18), seed=100 + seed)
        fit = fit_law(EXPONENTIAL, n, t, resamples=400, confidence=0.9, seed=seed)
        hits += fit.slope_ci[0] <= 1.0 <= fit.slope_ci[1]
    assert 0.78 <= hits / runs <= 1.0


def test_too_few_sizes():
    n = np.array([10.0, 10.0, 12.0, 12.0])
    with pytest.raises(TooFewSizes):
        fit_law(EXPONENTIAL, n, 2.0 ** n)


def test_nonpositive_times_rejected():
    n = np.array([10.0, 11.0, 12.0])
    with pytest.raises(ValueError):
        fit_law(EXPONENTIAL, n, np.array([1.0, 0.0, 2.0]))
