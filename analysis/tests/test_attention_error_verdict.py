"""The error study's verdict (attention_convergence.py, attention_error_verdict.py) on a
synthetic jobs/attention-error.toml: B values whose error falls geometrically with p are told
from those where it stalls, the boundary is given in B/sqrt(ln n), unmeasured (noted) points
are counted, the bound comparison reuses the violation check, and an error-only file gets one
'time laws' line instead of one 'Not fitted' line per group, in `fit` and in the report."""

import json
import math
import re

import pytest

from conftest import FAST
from sethlab_analysis.attention_convergence import (CONVERGING, NOT_CONVERGING, TOO_FEW,
                                                    fit_orders)
from sethlab_analysis.attention_error_verdict import (CONVERGES, DEPENDS, DOES_NOT,
                                                      error_verdicts)
from sethlab_analysis.attention_errors import error_lines
from synthetic import attention_row, write_attention_file
from test_attention_fits import table

SIZES = (1024, 16384)
SMALL_B, LARGE_B = (0.25, 0.5, 1.0), (2.5, 3.0)
ORDERS = range(6)
# What the C++ writes when a taylor-softmax denominator is <= 0 (src/attention/taylor.cpp),
# cut to the note's 95 characters; the row number makes every such note's text different.
NOTE = ("attention taylor (taylor-softmax): row {} has polynomial score sum -0.25 <= 0 (odd "
        "order p with negative scores?)")[:95]
NAN = float("nan")


def _taylor(n, B, p, point, converging, mechanism="taylor-softmax", **overrides):
    """Converging B: error 0.1 B 0.1^p (x0.1 per order), bound ten times it. Stalling B: error
    0.8 * 0.95^p, relative error near 1, no bound (eta >= 1)."""
    if converging:
        error, rel, bound = 0.1 * B * 0.1 ** p, 0.1 * 0.1 ** p, B * 0.1 ** p
    else:
        error, rel, bound = 0.8 * 0.95 ** p, 0.9 * 0.95 ** p, NAN
    if mechanism == "taylor":
        bound = NAN
    fields = dict(max_abs_error=error, mean_abs_error=error / 4, max_rel_error=rel,
                  error_bound=bound, precision="float64", point=point)
    fields.update(overrides)
    return attention_row(n, mechanism, p=p, B=B, **fields)


def error_study_rows(noted_b=3.0, mechanisms=("taylor-softmax",)):
    """Softmax and Taylor over n = 1024, 16384, B = 0.25..3, p = 0..5, like the real job. At
    B = noted_b the odd orders of taylor-softmax have a denominator <= 0: note, NaN times."""
    rows, point = [], 0
    for n in SIZES:
        for B in SMALL_B + LARGE_B:
            rows.append(attention_row(n, "softmax", B=B, precision="float64", point=point,
                                      time=1e-9 * n * n))
            point += 1
            for mechanism in mechanisms:
                for p in ORDERS:
                    extra = {}
                    if mechanism == "taylor-softmax" and B == noted_b and p % 2:
                        extra = dict(note=NOTE.format(point), time_min=NAN, time_median=NAN,
                                     time_max=NAN, gflops=NAN, max_abs_error=NAN,
                                     mean_abs_error=NAN, max_rel_error=NAN, error_bound=NAN,
                                     check_rel_error=NAN, max_abs_score=NAN, agree=-1)
                    rows.append(_taylor(n, B, p, point, B in SMALL_B, mechanism, **extra))
                    point += 1
    return rows


def verdict_for(verdicts, start):
    found = [v for v in verdicts if v.text.startswith(start)]
    assert len(found) == 1, [v.text for v in verdicts]
    return found[0]


def test_converging_and_stalling_b_are_told_apart():
    fits = {(f.n, f.B): f for f in fit_orders(error_lines(table(error_study_rows())))}
    for n in SIZES:
        for B in SMALL_B:
            assert fits[n, B].verdict == CONVERGING
            assert fits[n, B].factor == pytest.approx(0.1)
        for B in LARGE_B:
            assert fits[n, B].verdict == NOT_CONVERGING
            assert fits[n, B].factor == pytest.approx(0.95)
    # The noted odd orders leave p = 0, 2, 4 at B = 3: still enough to fit, and the fit says so
    assert fits[1024, 3.0].orders == [0, 2, 4]


def test_a_fast_fall_that_is_still_large_does_not_converge():
    """Factor 0.45 per order but 5% off at p = 5 (the real taylor at B = 1.5): not converged."""
    rows = [_taylor(1024, 1.5, p, p, False, max_abs_error=20 * 0.45 ** p,
                    max_rel_error=0.05 * 0.45 ** (p - 5)) for p in ORDERS]
    [fit] = fit_orders(error_lines(table(rows)))
    assert fit.factor == pytest.approx(0.45) and fit.verdict == NOT_CONVERGING


def test_two_orders_are_not_classified():
    rows = [_taylor(1024, 0.5, p, p, True) for p in (1, 2)]
    [fit] = fit_orders(error_lines(table(rows)))
    assert fit.verdict == TOO_FEW and math.isnan(fit.factor)
    [verdict] = error_verdicts(table(rows), [fit])
    assert "B = 0.5: fewer than 3 measured orders, not classified" in verdict.text


def test_verdict_line_gives_the_regime_in_sqrt_ln_n_and_counts_notes():
    rows = table(error_study_rows())
    verdicts = error_verdicts(rows, fit_orders(error_lines(rows)))
    assert len(verdicts) == len(SIZES)       # one per (mechanism, n, precision)
    line = verdict_for(verdicts, "taylor-softmax n=1024 d=16 float64: ")
    assert line.status == DEPENDS
    ratio = lambda B, n: f"{B / math.sqrt(math.log(n)):.2f}"
    assert (f"for B <= 1 (B/sqrt(ln n) <= {ratio(1.0, 1024)}) the error falls geometrically "
            "with p (x0.1 per order") in line.text
    assert f"for B >= 2.5 (B/sqrt(ln n) >= {ratio(2.5, 1024)}) it does not converge" in line.text
    assert "x0.95 per order" in line.text
    assert "no order up to 5 gets the relative error below" in line.text
    # 3 odd orders at B = 3, each with a different note text, counted as one cause
    assert "Not measured: odd p at B >= 3: denominator <= 0 in 3 point(s)." in line.text
    # 5 B x 6 p = 30 rows, 3 noted; the 3 converging B have a finite bound, never exceeded
    assert ("Bound: error_bound finite for 18 of 27 measured rows (up to B=1), every measured "
            "error below it (at most 0.1 of it).") in line.text
    assert ratio(1.0, 16384) in verdict_for(verdicts, "taylor-softmax n=16384 ").text


def test_one_class_only_and_b_values_out_of_order():
    rows = [r for r in error_study_rows() if r["B"] in SMALL_B]
    line = verdict_for(error_verdicts(table(rows), fit_orders(error_lines(table(rows)))),
                       "taylor-softmax n=1024 ")
    assert line.status == CONVERGES and "at every B (0.25..1; B/sqrt(ln n) " in line.text
    # converging at B = 0.25 and 1 but not at 0.5: no single boundary, so the B are listed
    rows = [dict(r, max_abs_error=0.8 * 0.95 ** r["p"], max_rel_error=0.9, error_bound=NAN)
            if r["B"] == 0.5 else r for r in rows]
    line = verdict_for(error_verdicts(table(rows), fit_orders(error_lines(table(rows)))),
                       "taylor-softmax n=1024 ")
    assert "for B = 0.25, 1 (B/sqrt(ln n) = " in line.text
    assert "for B = 0.5 (B/sqrt(ln n) = " in line.text and "does not converge" in line.text


def test_stalling_everywhere_and_unnormalised_taylor():
    rows = [r for r in error_study_rows(noted_b=None, mechanisms=("taylor",))
            if r["B"] in LARGE_B]
    verdicts = error_verdicts(table(rows), fit_orders(error_lines(table(rows))))
    line = verdict_for(verdicts, "taylor n=1024 ")
    assert line.status == DOES_NOT and "at every B (2.5..3; " in line.text
    assert "Bound: none (theory.md gives error_bound for taylor-softmax only)." in line.text
    assert "Not measured" not in line.text


def test_an_exceeded_bound_is_named_in_the_verdict():
    rows = error_study_rows()
    i = next(i for i, r in enumerate(rows)
             if r["mechanism"] == "taylor-softmax" and r["n"] == 1024 and r["B"] == 0.5)
    rows[i] = dict(rows[i], max_abs_error=10 * rows[i]["error_bound"])
    line = verdict_for(error_verdicts(table(rows), fit_orders(error_lines(table(rows)))),
                       "taylor-softmax n=1024 ")
    assert "1 row(s) EXCEED it (flagged above)." in line.text


def test_error_only_file_fit_text_and_json(cli, tmp_path):
    path = write_attention_file(tmp_path / "errors.h5", error_study_rows())
    done = cli("fit", path, *FAST)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    verdicts = out.split("\nVerdicts\n")[1].split("\n\n")[0].splitlines()
    assert [v.split(":")[0] for v in verdicts] == ["taylor-softmax n=1024 d=16 float64",
                                                   "taylor-softmax n=16384 d=16 float64"]
    not_fitted = out.split("\nNot fitted\n")[1].split("\n\n")[0].splitlines()
    assert not_fitted == ["time laws: not fitted, 2 distinct n (an error study)"]
    assert "too few distinct sizes" not in out and "skipped:" not in out
    assert "Attention time laws: not fitted, 2 distinct n (an error study)" in out

    data = json.loads(cli("fit", path, "--json", *FAST).stdout)
    assert data["error_study"] is True
    assert {f["verdict"] for f in data["attention_error_convergence"]} == {
        CONVERGING, NOT_CONVERGING}
    assert len(data["attention_verdicts"]) == 2
    assert data["skipped"] == [{"title": "time laws",
                                "reason": "not fitted, 2 distinct n (an error study)"}]


def test_error_only_report_has_the_verdict_and_the_error_plot(cli, tmp_path):
    path = write_attention_file(tmp_path / "errors.h5", error_study_rows())
    out = tmp_path / "report"
    done = cli("report", path, "-o", out, *FAST)
    assert done.returncode == 0, done.stderr
    assert "taylor-softmax n=1024 d=16 float64: for B <= 1" in done.stdout
    md = (out / "report.md").read_text()
    verdicts = md.split("## Verdicts\n")[1].split("\n## ")[0]
    assert "- taylor-softmax n=1024 d=16 float64: for B <= 1" in verdicts
    assert "denominator <= 0 in 3 point(s)" in verdicts
    assert "![Taylor error vs order p](attention_error.png)" in md
    assert "- time laws: not fitted, 2 distinct n (an error study)" in md
    assert "too few distinct sizes" not in md
    html = (out / "report.html").read_text()
    assert "it does not converge" in html
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 1   # the error plot


def test_a_scaling_file_keeps_one_not_fitted_line_per_group(cli, tmp_path):
    """The compact line is only for error studies: with a fitted time group the unfittable
    ones are still listed one by one (they are then the exception worth naming)."""
    rows = error_study_rows(noted_b=None)
    rows += [attention_row(n, "taylor-softmax", p=2, B=0.5, point=1000 + i, time=1e-6 * n)
             for i, n in enumerate((256, 512, 2048, 4096))]
    path = write_attention_file(tmp_path / "mixed.h5", rows)
    done = cli("fit", path, *FAST)
    assert done.returncode == 0, done.stderr
    assert "(an error study)" not in done.stdout
    assert "softmax exact d=16 float64 (tiled, 1 rank x 1 thread): too few distinct sizes" \
        in done.stdout
