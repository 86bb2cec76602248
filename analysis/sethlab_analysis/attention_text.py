"""Rows of the attention tables (fits, crossover, errors, GFLOP/s and memory) and the headline
lines, shared by the `fit` text output and the Markdown/HTML report so the two cannot drift."""

import math

from sethlab_analysis.attention import TIME_LAWS
from sethlab_analysis.attention_verdict import shape


def _beta(fit):
    lo, hi = fit.slope_ci
    return f"{fit.slope:.3f} [{lo:.3f}, {hi:.3f}]"


def _g(value, digits=3):
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}g}"


def headline(analysis):
    """The number the attention runs exist for: the fitted Taylor exponent(s), one line per
    Taylor group, from the fit the verdict judges (the upper half when it differs)."""
    lines = []
    for group in analysis.attention:
        if not group.taylor or group.fit is None:
            continue
        fit = group.judged
        lo, hi = fit.slope_ci
        where = (f"n >= {group.upper_floor:g} (upper half; all n: {group.fit.slope:.3f})"
                 if group.differs else f"n={fit.sizes[0]:g}..{fit.sizes[-1]:g}")
        lines.append(f"Taylor exponent {group.title}: beta = {fit.slope:.3f} "
                     f"[{100 * fit.confidence:g}% CI {lo:.3f}..{hi:.3f}] over {where} "
                     f"(expected 1)")
    return lines


def error_study_note(analysis):
    """What stands in for the power-law table when no time group could be fitted but Taylor
    errors are there (Analysis.error_study): one line, not a table of 'skipped' rows."""
    return (f"Attention time laws: {dict(analysis.skipped)[TIME_LAWS]}; the Taylor errors "
            "against p are the result (see the verdicts).")


def fit_rows(analysis):
    pct = f"{100 * analysis.settings.confidence:g}%"
    header = ["group", "rows", "n", f"beta, all n [{pct} CI]", f"beta, upper half [{pct} CI]",
              "expected", "reads", "c (s)"]
    rows = []
    for g in analysis.attention:
        expected = "?" if g.expected_beta is None else f"{g.expected_beta:g}"
        if g.fit is None:
            rows.append([g.title, str(len(g.rows)), "", f"skipped: {g.skipped}", "", expected,
                         "", ""])
            continue
        upper = "-" if g.upper is None else f"{_beta(g.upper)} (n >= {g.upper_floor:g})"
        if g.differs:
            upper += " *"
        c = g.judged.params()["c"][0]
        rows.append([g.title, str(len(g.rows)), f"{g.fit.sizes[0]:g}..{g.fit.sizes[-1]:g}",
                     _beta(g.fit), upper, expected, shape(g.judged), f"{c:.3g}"])
    return header, rows


FIT_NOTE = ("* the upper half of the sizes reads differently from all sizes: the small sizes "
            "are dominated by fixed costs, and the verdict judges the upper half")


def crossover_rows(analysis):
    header = ["comparison", "common n", "crossover n (Taylor faster from here on)",
              "exact / Taylor time at largest n", "fastest exact kernel there",
              "fitted lines cross"]
    rows = []
    for c in analysis.crossovers:
        cross = "none measured" if c.crossover_n is None else f"{c.crossover_n:g}"
        if c.crossover_n is not None and c.crossover_n == c.sizes[0]:
            cross += " (or below)"
        lines = "-" if c.lines_cross_n is None else f"n ~ {c.lines_cross_n:.3g}"
        if c.lines_cross_n is not None and not c.sizes[0] <= c.lines_cross_n <= c.sizes[-1]:
            lines += " (extrapolated)"
        rows.append([c.title, f"{c.sizes[0]:g}..{c.sizes[-1]:g} ({len(c.sizes)})", cross,
                     f"{c.ratio:.3g}x at n={c.sizes[-1]:g}", c.exact_kernel[-1], lines])
    return header, rows


def error_rows(analysis):
    header = ["mechanism", "d", "precision", "B", "n", "B/sqrt(ln n)", "p", "rows",
              "max_abs_error", "error_bound", "max_rel_error", "R = max|score|",
              "over bound"]
    rows = [[e.mechanism, str(e.d) if e.d_v == e.d else f"{e.d} (d_v {e.d_v})", e.precision,
             f"{e.B:g}", str(e.n), f"{e.b_ratio:.3f}", str(e.p), str(e.rows),
             _g(e.max_abs_error), "none (NaN)" if math.isnan(e.error_bound)
             else _g(e.error_bound), _g(e.max_rel_error), _g(e.max_abs_score),
             f"{e.exceeded} EXCEEDED" if e.exceeded else "0"]
            for e in analysis.error_lines]
    return header, rows


def performance_rows(analysis):
    header = ["group", "n", "rows", "time_min (s)", "time_median (s)", "GFLOP/s",
              "peak_rss_max (MiB)", "input_bytes"]
    rows = []
    last = None
    for line in analysis.performance:
        rss = _g(line.peak_rss_mib, 4) + (" (not reset)" if line.peak_not_reset else "")
        rows.append([line.title if line.title != last else "", str(line.n), str(line.rows),
                     _g(line.time_min, 4), _g(line.time_median, 4), _g(line.gflops, 4), rss,
                     "-" if math.isnan(line.input_bytes) else f"{line.input_bytes:.0f}"])
        last = line.title
    return header, rows
