"""Verdict rules: brute force reads against 2^n honestly; decide mode on satisfiable instances
and the SAT checker are never declared consistent with SETH."""

import numpy as np
import pytest

from sethlab_analysis.experiments import CHECK, SEARCH, Experiment, Series
from sethlab_analysis.fitting import fit_law
from sethlab_analysis.laws import EXPONENTIAL
from sethlab_analysis.verdict import (BELOW, CONSISTENT, NOT_A_TEST, REFERENCE,
                                      inversion_verdict)


def experiment(a, mode="count", found=0.0, solver="brute-force", role=SEARCH, seed=0):
    rng = np.random.default_rng(seed)
    n = np.repeat(np.arange(10.0, 21.0), 20)
    time = 2.0 ** (-20 + a * n + rng.normal(0, 0.1, n.size))
    series = Series(solver=solver, role=role, n=n, time=time,
                    found=rng.random(n.size) < found, fraction_searched=np.full(n.size, 0.3),
                    dropped=0)
    exp = Experiment("inversion.exact", mode, 3, "random", "all", series)
    return exp, fit_law(EXPONENTIAL, n, time, resamples=300, seed=seed)


def test_brute_force_at_2n_is_consistent():
    v = inversion_verdict(*experiment(1.0))
    assert v.status == CONSISTENT
    assert "consistent with the SETH bound Omega(2^n)" in v.text
    head = "brute-force exact inversion (count, k=3, random): time ~ 2^("
    assert v.text.startswith(head)
    assert float(v.text[len(head):].split()[0]) == pytest.approx(1.0, abs=0.02)
    assert "[95% CI " in v.text


def test_poly_factor_above_one_still_consistent():
    v = inversion_verdict(*experiment(1.1))
    assert v.status == CONSISTENT and "poly(n)" in v.text


def test_clearly_smaller_base_is_below():
    v = inversion_verdict(*experiment(0.7))
    assert v.status == BELOW
    assert "below 2^n" in v.text and "consistent" not in v.text


def test_decide_mode_with_preimages_is_not_a_test():
    v = inversion_verdict(*experiment(1.0, mode="decide", found=0.5))
    assert v.status == NOT_A_TEST
    assert "consistent with the SETH" not in v.text
    assert "first preimage" in v.text


def test_decide_mode_without_preimages_is_exhaustive():
    v = inversion_verdict(*experiment(1.0, mode="decide", found=0.0))
    assert v.status == CONSISTENT


def test_checker_is_reference_only():
    v = inversion_verdict(*experiment(0.38, solver="cadical", role=CHECK))
    assert v.status == REFERENCE
    assert v.text.startswith("cadical check of exact inversion")
    assert "consistent with the SETH" not in v.text


def test_pruning_search_is_reference_only():
    v = inversion_verdict(*experiment(0.6, solver="branch-and-bound"))
    assert v.status == REFERENCE
