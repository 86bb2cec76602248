"""The extrapolation challenge flags growth that changes over the measured range and leaves
clean data alone."""

import numpy as np
import pytest

from sethlab_analysis.errors import TooFewSizes
from sethlab_analysis.extrapolation import (BENDS_AWAY, CONSISTENT, extrapolation_challenge,
                                             split_sizes)
from sethlab_analysis.laws import EXPONENTIAL

SIZES = np.arange(10, 25)


def sample(law, per_size=25, sigma=0.2, seed=22):
    rng = np.random.default_rng(seed)
    n = np.repeat(SIZES.astype(float), per_size)
    return n, 2.0 ** (law(n) + rng.normal(0.0, sigma, n.size))


@pytest.mark.parametrize("base", [2.0, 1.3])
def test_clean_data_is_consistent(base):
    n, t = sample(lambda n: -23 + n * np.log2(base))
    challenge = extrapolation_challenge(EXPONENTIAL, n, t, resamples=1000, seed=2)
    assert challenge.verdict == CONSISTENT
    assert all(h.inside for h in challenge.held)
    assert list(challenge.fit_sizes) == list(range(10, 20))
    assert [h.n for h in challenge.held] == [20, 21, 22, 23, 24]


def test_bending_data_is_flagged():
    """2^n up to n = 18, then 3^n: a law fitted on the small sizes under-predicts."""
    n, t = sample(lambda n: -23 + n + np.maximum(n - 18, 0) * (np.log2(3) - 1))
    challenge = extrapolation_challenge(EXPONENTIAL, n, t, resamples=1000, seed=2)
    assert challenge.verdict == BENDS_AWAY
    assert all(h.direction == "above" for h in challenge.held)
    assert "bends away" in challenge.summary() and "above" in challenge.summary()


def test_flattening_data_is_flagged_below():
    n, t = sample(lambda n: -23 + n - np.maximum(n - 18, 0) * 0.5)
    challenge = extrapolation_challenge(EXPONENTIAL, n, t, resamples=1000, seed=2)
    assert challenge.verdict == BENDS_AWAY
    assert challenge.held[-1].direction == "below"


def test_split_sizes():
    fit, held = split_sizes([1, 2, 3, 4])
    assert list(fit) == [1, 2, 3] and list(held) == [4]
    fit, held = split_sizes(range(9))
    assert len(fit) == 6 and len(held) == 3
    fit, held = split_sizes(range(6), holdout=0.5)
    assert len(fit) == 3 and len(held) == 3
    assert split_sizes([1, 2, 3]) is None


def test_needs_four_sizes():
    n = np.repeat([10.0, 11.0, 12.0], 5)
    with pytest.raises(TooFewSizes):
        extrapolation_challenge(EXPONENTIAL, n, 2.0 ** n, resamples=50)


def test_false_alarm_rate_is_near_nominal():
    """Many clean data sets: "bends away" should come up about 1 - confidence of the time (the
    Bonferroni adjustment makes it at most that), and bending data nearly always."""
    runs = 40
    false_alarms = sum(
        extrapolation_challenge(EXPONENTIAL, *sample(lambda n: -23 + n, per_size=10, seed=s),
                                resamples=300, confidence=0.9, seed=s).verdict == BENDS_AWAY
        for s in range(runs))
    assert false_alarms / runs <= 0.2
    bend = lambda n: -23 + n + np.maximum(n - 18, 0) * (np.log2(3) - 1)
    caught = sum(
        extrapolation_challenge(EXPONENTIAL, *sample(bend, per_size=10, seed=s),
                                resamples=300, confidence=0.9, seed=s).verdict == BENDS_AWAY
        for s in range(10))
    assert caught == 10


def test_one_instance_per_size():
    """No repeats: held-out sizes borrow the noise from the line's residuals. Clean data is
    rarely flagged, bending data always; with too few fit sizes to estimate the noise the
    challenge is refused rather than run on a 1-dof estimate."""
    n = np.arange(8.0, 26.0)

    def run(seed, bend):
        noise = np.random.default_rng(seed).normal(0.0, 0.15, n.size)
        law = -20 + n + bend * np.maximum(n - 19, 0) + noise
        challenge = extrapolation_challenge(EXPONENTIAL, n, 2.0 ** law, resamples=300,
                                            confidence=0.9, seed=seed)
        assert challenge.fit.bootstrap == "residual"
        return challenge.verdict == BENDS_AWAY

    assert sum(run(seed, 0.0) for seed in range(40)) / 40 <= 0.25
    assert all(run(seed, 1.0) for seed in range(10))
    with pytest.raises(TooFewSizes, match="one instance per size"):
        extrapolation_challenge(EXPONENTIAL, n[:5], 2.0 ** n[:5], resamples=100)
