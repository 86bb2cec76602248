"""Plain-text and JSON renderings of an Analysis (the `fit` command's output)."""

import json
import math

import numpy as np

from sethlab_analysis import attention_text as at
from sethlab_analysis.experiments import POOLED
from sethlab_analysis.throughput import efficiency_summary


def fmt_interval(est, lo, hi, digits=3):
    return f"{est:.{digits}g} [{lo:.{digits}g}, {hi:.{digits}g}]"


def fit_rows(analysis):
    """Rows (as lists of strings) of the fitted-laws table, shared by text, Markdown and HTML."""
    pct = f"{100 * analysis.settings.confidence:g}%"
    header = ["experiment", "fit", f"a [{pct} CI]", f"b [{pct} CI]", "c (s)", "n", "points",
              "extrapolation"]
    rows = []
    for result in analysis.experiments:
        for method, fit in result.fits.items():
            params = fit.params()
            a, b, c = params["a"], params["b"], params["c"]
            extrap = ""
            if method == "medians":
                extrap = result.challenge.verdict if result.challenge else "n/a"
            rows.append([result.experiment.title if method == "medians" else "", method,
                         f"{a[0]:.3f} [{a[1]:.3f}, {a[2]:.3f}]",
                         f"{b[0]:.3f} [{b[1]:.3f}, {b[2]:.3f}]",
                         f"{c[0]:.3g}", f"{fit.sizes[0]:g}..{fit.sizes[-1]:g}",
                         str(fit.observations), extrap])
    return header, rows


def challenge_rows(analysis):
    pct = f"{100 * analysis.settings.confidence:g}%"
    header = ["experiment", "n", "observed median (s)", "predicted (s)",
              "prediction interval (s)", "inside"]
    rows = []
    for result in analysis.experiments:
        if result.challenge is None:
            continue
        for held in result.challenge.held:
            rows.append([result.experiment.title, f"{held.n:g}", f"{held.observed:.3g}",
                         f"{held.predicted:.3g}",
                         f"{held.interval[0]:.3g} .. {held.interval[1]:.3g}",
                         "yes" if held.inside else f"no ({held.direction})"])
    return header, rows, pct


def throughput_rows(analysis):
    several = len(analysis.results.files) > 1
    header = ["rank", "chunks", "candidates", "busy seconds", "candidates/s"]
    rows = [[t.label(several), str(t.chunks), f"{t.candidates:.4g}", f"{t.seconds:.4g}",
             f"{t.rate:.4g}"] for t in analysis.throughput]
    return header, rows


def efficiency_rows(analysis):
    header = ["workers (ranks x threads)", "points", "median efficiency", "min", "max"]
    rows = [[str(w), str(s[0]), f"{s[1]:.3f}", f"{s[2]:.3f}", f"{s[3]:.3f}"]
            for w, s in efficiency_summary(analysis.efficiency).items()]
    return header, rows


def text_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _inversion_text(analysis):
    res = analysis.results
    parts = [f"time = c * b^n, a = log2 b; least squares on log2 time; "
             f"{analysis.settings.resamples} stratified bootstrap resamples, "
             f"seed {analysis.settings.seed}", "",
             text_table(*fit_rows(analysis))]
    header, rows, pct = challenge_rows(analysis)
    if rows:
        parts += ["", f"Extrapolation challenge (fit on the smaller sizes; {pct} prediction "
                      "intervals for the held-out medians, Bonferroni-adjusted)",
                  text_table(header, rows)]
    not_run = [f"{r.experiment.title}: {r.challenge_note}" for r in analysis.experiments
               if r.challenge is None and r.experiment.subset != POOLED]
    if not_run:
        parts += ["", "Extrapolation challenge not run"] + not_run
    if len(res.points) and not analysis.experiments:
        parts += ["", "(no inversion experiment could be fitted; see Not fitted)"]
    return parts


def _attention_text(analysis):
    """The attention part of `fit`: headline, fits, crossover, errors."""
    if analysis.error_study:
        parts = ["", at.error_study_note(analysis)]
    else:
        parts = ["", "Attention: time_median = c * n^beta per group; least squares on log "
                     "time vs log n over per-size medians, stratified bootstrap"]
        parts += at.headline(analysis)
        parts += ["", text_table(*at.fit_rows(analysis))]
    if any(g.differs for g in analysis.attention):
        parts.append(at.FIT_NOTE)
    header, rows = at.crossover_rows(analysis)
    if rows:
        parts += ["", "Crossover (Taylor against the fastest exact kernel; crossover n = the "
                      "smallest measured n from which Taylor is faster at every larger one)",
                  text_table(header, rows)]
    header, rows = at.error_rows(analysis)
    if rows:
        parts += ["", "Taylor errors against p (worst row; error_bound of that row, NaN = no "
                      "bound; B/sqrt(ln n) = the entries' regime)", text_table(header, rows)]
    return parts


def render_text(analysis):
    res = analysis.results
    counts = [f"{len(res.files)} file(s)"]
    if len(res.points):
        counts.append(f"{len(res.points)} points")
    if res.attention is not None and len(res.attention):
        counts.append(f"{len(res.attention)} attention rows")
    parts = [f"sethlab fits: {res.family} | {res.caption()} | {', '.join(counts)}"]
    if len(res.points):
        parts += _inversion_text(analysis)
    if analysis.attention:
        parts += _attention_text(analysis)
    if analysis.throughput:
        parts += ["", "Throughput per rank", text_table(*throughput_rows(analysis)),
                  "", "Scaling efficiency = (candidates/t_search) / (ranks*threads * "
                      "single-worker rate from chunks)", text_table(*efficiency_rows(analysis))]
    parts += ["", "Verdicts"] + [v.text for v in analysis.verdicts]
    if analysis.skipped:
        parts += ["", "Not fitted"] + [f"{t}: {r}" for t, r in analysis.skipped]
    if analysis.warnings:
        parts += ["", "Warnings"] + analysis.warnings
    return "\n".join(parts)


def _clean(value):
    """JSON has no NaN or numpy types; map them to null and plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def render_json(analysis):
    return json.dumps(_clean(analysis.to_dict()), indent=2)
