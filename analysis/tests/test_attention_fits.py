"""Attention analysis at the function level, on synthetic /attention tables with known laws:
the power-law fits recover beta = 2 and beta = 1 and exclude wrong values, fixed costs at small
n are seen through the upper-half fit, groups split where the work differs, the crossover is
found at the right n, and bound violations and failed checks are flagged."""

import math

import numpy as np
import pytest

from sethlab_analysis.attention import attention_groups
from sethlab_analysis.attention_errors import error_flags, error_lines, rounding_note
from sethlab_analysis.attention_verdict import ABOVE, FLAGGED, group_verdict
from sethlab_analysis.crossover import crossovers
from sethlab_analysis.table import Table
from sethlab_analysis.verdict import BELOW, CONSISTENT
from synthetic import ATTENTION_FIELDS, attention_row, attention_scaling_rows, taylor_bound

KNOBS = dict(resamples=1000, confidence=0.95, seed=3)


def table(rows):
    """Rows -> a Table as the loader returns it (strings as str, the format's types)."""
    data = np.zeros(len(rows), dtype=ATTENTION_FIELDS)
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[name][i] = value
    return Table({name: (np.char.decode(data[name], "ascii") if data[name].dtype.kind == "S"
                         else data[name]) for name in data.dtype.names})


def by_mechanism(groups):
    return {g.mechanism: g for g in groups}


def test_recovers_quadratic_and_linear_and_excludes_wrong_values():
    groups = by_mechanism(attention_groups(table(attention_scaling_rows(seed=1)), **KNOBS))
    exact, taylor = groups["softmax"], groups["taylor-softmax"]
    lo, hi = exact.fit.slope_ci
    assert lo <= 2.0 <= hi and not lo <= 1.8 <= hi and not lo <= 2.2 <= hi
    lo, hi = taylor.fit.slope_ci
    assert lo <= 1.0 <= hi and not lo <= 0.8 <= hi and not lo <= 1.2 <= hi
    assert not exact.differs and not taylor.differs
    v = group_verdict(exact)
    assert v.status == CONSISTENT and "quadratic" in v.text
    assert v.text.startswith("softmax exact d=16 float32 (tiled, 1 rank x 1 thread): time ~ n^(")
    v = group_verdict(taylor)
    assert v.status == CONSISTENT and "Taylor exponent" in v.text
    assert "linear, as Thm 10 predicts" in v.text and "the upper half (n >= 2048) agrees" in v.text


def test_wrong_exponents_are_not_called_consistent():
    rows = attention_scaling_rows(seed=2, exact_beta=1.6, taylor_beta=1.5)
    groups = by_mechanism(attention_groups(table(rows), **KNOBS))
    taylor = group_verdict(groups["taylor-softmax"])
    assert taylor.status == ABOVE and "grows faster than the linear cost" in taylor.text
    exact = group_verdict(groups["softmax"])
    assert exact.status == BELOW and "below quadratic" in exact.text
    assert "between linear and quadratic" in exact.text


def test_fixed_costs_at_small_n_are_fitted_apart():
    """time = 6e-8 n + 20 us: flat at small n, linear at large n. The all-sizes fit reads
    below 0.9; the upper half comes within 0.05 of 1 and is the one judged."""
    sizes = tuple(2 ** k for k in range(8, 17))
    rows = attention_scaling_rows(sizes=sizes, seed=4, overhead=2e-5, taylor_c=2e-8,
                                  sigma=0.02)
    taylor = by_mechanism(attention_groups(table(rows), **KNOBS))["taylor-softmax"]
    assert taylor.fit.slope < 0.9
    assert taylor.differs and taylor.upper_floor == 2 ** 12
    assert abs(taylor.judged.slope - 1.0) < 0.05
    v = group_verdict(taylor)
    assert v.status == CONSISTENT
    assert "fitted on n >= 4096 (the upper half of the sizes)" in v.text
    assert "dominated by fixed costs" in v.text
    assert "over all n it reads n^(0.8" in v.text


def test_groups_split_on_work_not_on_bound_or_seed():
    rows = attention_scaling_rows(bounds=(0.25, 0.5, 1.0), repeats=2, seed=5)
    rows += [dict(r, kernel="tiled-blas") for r in attention_scaling_rows(seed=6)
             if r["mechanism"] == "softmax"]
    rows += [dict(r, threads=4) for r in attention_scaling_rows(seed=7)
             if r["mechanism"] == "softmax"]
    groups = attention_groups(table(rows), **KNOBS)
    titles = sorted(g.title for g in groups)
    assert titles == ["softmax exact d=16 float32 (tiled, 1 rank x 1 thread)",
                      "softmax exact d=16 float32 (tiled, 1 rank x 4 threads)",
                      "softmax exact d=16 float32 (tiled-blas, 1 rank x 1 thread)",
                      "taylor-softmax p=2 d=16 float32 (taylor, 1 rank x 1 thread)"]
    taylor = next(g for g in groups if g.taylor)
    assert len(taylor.rows) == 6 * 3 * 2   # sizes x bounds x seeds: all repeats of one group
    assert taylor.fit.bootstrap == "stratified"


def test_crossover_at_the_right_n():
    """exact 2e-10 n^2 against Taylor 4e-8 * 3 n: equal at n = 600, so Taylor is faster from
    1024 on; against a slower reference kernel the answer must not change."""
    rows = attention_scaling_rows(taylor_c=4e-8, sigma=0.01, seed=8)
    rows += [dict(r, kernel="reference", time_median=10 * r["time_median"])
             for r in rows if r["mechanism"] == "softmax"]
    (cross,) = crossovers(table(rows))
    assert cross.crossover_n == 1024 and cross.p == 2
    assert cross.exact_kernel[-1] == "tiled"
    assert cross.ratio == pytest.approx(2e-10 * 8192 ** 2 / (4e-8 * 3 * 8192), rel=0.05)
    assert cross.lines_cross_n == pytest.approx(600, rel=0.1)
    assert "Taylor is faster from n=1024 on" in cross.summary()


def test_crossover_needs_every_larger_size():
    """Taylor faster at 512 by luck, slower at 1024, faster from 2048: the crossover is 2048."""
    exact = {256: 1.0, 512: 2.0, 1024: 3.0, 2048: 4.0, 4096: 5.0}
    taylor = {256: 2.0, 512: 1.5, 1024: 3.5, 2048: 3.0, 4096: 2.0}
    rows = [attention_row(n, "softmax", time=t) for n, t in exact.items()]
    rows += [attention_row(n, "taylor-softmax", p=4, time=t) for n, t in taylor.items()]
    (cross,) = crossovers(table(rows))
    assert cross.crossover_n == 2048 and cross.ratio == pytest.approx(2.5)


def test_no_crossover_when_taylor_is_slower_at_the_largest_n():
    rows = attention_scaling_rows(taylor_c=1e-5, sigma=0.01, seed=9)
    (cross,) = crossovers(table(rows))
    assert cross.crossover_n is None and cross.ratio < 1
    assert "not faster at the largest common n=8192" in cross.summary()
    assert "(extrapolated)" in cross.summary()


def test_crossover_keys_keep_precision_and_ranks_apart():
    rows = attention_scaling_rows(seed=10)
    rows += [dict(r, precision="float64") for r in attention_scaling_rows(seed=11)
             if r["mechanism"] == "softmax"]   # float64 exact without a float64 Taylor
    rows += [dict(r, ranks=2) for r in attention_scaling_rows(seed=12)]
    found = crossovers(table(rows))
    assert sorted((c.precision, c.ranks) for c in found) == [("float32", 1), ("float32", 2)]


def test_error_table_and_b_regime():
    rows = attention_scaling_rows(orders=(1, 2, 4), bounds=(0.5, 1.0), repeats=2, seed=13)
    lines = error_lines(table(rows))
    assert {(e.B, e.p) for e in lines} == {(b, p) for b in (0.5, 1.0) for p in (1, 2, 4)}
    line = next(e for e in lines if e.B == 0.5 and e.n == 1024 and e.p == 4)
    assert line.b_ratio == pytest.approx(0.5 / math.sqrt(math.log(1024)))
    assert line.error_bound == pytest.approx(taylor_bound(0.6, 4, 0.5))
    assert line.max_abs_error < line.error_bound and line.exceeded == 0
    # B = 1, d = 16: R = 2.4, eta >= 1 for p <= 4, so no bound applies (NaN, not a violation).
    assert all(math.isnan(e.error_bound) for e in lines if e.B == 1.0)
    assert error_flags(table(rows)) == []


def test_bound_violation_is_flagged_loudly():
    rows = attention_scaling_rows(seed=14)
    bad = next(i for i, r in enumerate(rows) if r["mechanism"] == "taylor-softmax")
    rows[bad] = dict(rows[bad], max_abs_error=10 * rows[bad]["error_bound"])
    flags = error_flags(table(rows))
    assert len(flags) == 1 and flags[0].status == FLAGGED
    assert flags[0].text.startswith("ERROR BOUND EXCEEDED in 1 /attention row(s)")
    assert f"n={rows[bad]['n']}" in flags[0].text
    assert sum(e.exceeded for e in error_lines(table(rows))) == 1


def test_excess_within_rounding_is_a_note_not_a_flag():
    rows = attention_scaling_rows(seed=15)
    i = next(i for i, r in enumerate(rows) if r["mechanism"] == "taylor-softmax")
    bound = rows[i]["error_bound"]
    rows[i] = dict(rows[i], max_abs_error=bound * (1 + 1e-6), check_rel_error=1e-3)
    assert error_flags(table(rows)) == []
    assert "less than the kernel's measured rounding" in rounding_note(table(rows))


def test_failed_float64_check_is_flagged():
    rows = attention_scaling_rows(seed=16)
    rows[3] = dict(rows[3], agree=0, check_rel_error=0.5)
    flags = error_flags(table(rows))
    assert len(flags) == 1 and flags[0].status == FLAGGED
    assert flags[0].text.startswith("CHECK FAILED in 1 /attention row(s): agree = 0")
    assert "check_rel_error 0.5 > tolerance 0.0001" in flags[0].text
