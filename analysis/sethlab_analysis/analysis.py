"""Everything computed from loaded results, once, for the fit, plot and report commands."""

from dataclasses import dataclass, field

import numpy as np

from sethlab_analysis.attention import TIME_LAWS, attention_groups, error_study_line
from sethlab_analysis.attention_convergence import fit_orders
from sethlab_analysis.attention_error_verdict import error_verdicts
from sethlab_analysis.attention_errors import error_flags, error_lines, rounding_note
from sethlab_analysis.attention_performance import performance_lines
from sethlab_analysis.attention_verdict import group_verdict
from sethlab_analysis.crossover import crossovers
from sethlab_analysis.errors import AnalysisError, TooFewSizes
from sethlab_analysis.experiments import POOLED, SEARCH, build_experiments
from sethlab_analysis.extrapolation import extrapolation_challenge
from sethlab_analysis.fitting import METHODS, MIN_SIZES, fit_law
from sethlab_analysis.laws import EXPONENTIAL
from sethlab_analysis.loader import duplicate_points
from sethlab_analysis.throughput import (efficiency_summary, per_rank_throughput,
                                         scaling_efficiency)
from sethlab_analysis.table import Table
from sethlab_analysis.verdict import inversion_verdict


@dataclass
class ExperimentResult:
    experiment: object
    fits: dict               # "medians", "points" -> LawFit; WORK -> LawFit of worker-seconds
    challenge: object        # Challenge, or None with challenge_note saying why
    challenge_note: str
    verdict: object

    @property
    def fit(self):
        """The headline fit: per-size medians (robust to slow outliers)."""
        return self.fits["medians"]

    def to_dict(self):
        out = self.experiment.to_dict()
        out["fits"] = {m: f.to_dict() for m, f in self.fits.items()}
        out["extrapolation"] = (self.challenge.to_dict() if self.challenge is not None
                                else {"skipped": self.challenge_note})
        out["verdict"] = self.verdict.to_dict()
        return out


@dataclass
class Analysis:
    results: object
    settings: object
    experiments: list
    skipped: list            # (title, reason) of experiments that could not be fitted
    throughput: list
    efficiency: object       # Table, one row per point
    attention: list          # AttentionGroups (attention.py)
    attention_verdicts: list  # loud flags (attention_errors.py) first, then one per group,
                              # then one per Taylor error study (attention_error_verdict.py)
    warnings: list = field(default_factory=list)
    crossovers: list = field(default_factory=list)
    error_lines: list = field(default_factory=list)
    performance: list = field(default_factory=list)
    error_fits: list = field(default_factory=list)  # OrderFits (attention_convergence.py)
    # No time group could be fitted but Taylor errors are there: the time laws are summed up
    # in one line (attention.error_study_line) instead of one per group.
    error_study: bool = False

    @property
    def verdicts(self):
        """One line per experiment; pooled fits are in the tables but make no claim."""
        return ([e.verdict for e in self.experiments if e.experiment.subset != POOLED]
                + list(self.attention_verdicts))

    @property
    def has_points(self):
        return len(self.results.points) > 0

    def to_dict(self):
        return {
            "files": [{"path": p.path, "points": p.points, "chunks": p.chunks,
                       "attention": p.attention, "attrs": p.attrs} for p in self.results.files],
            "settings": self.settings.to_dict(),
            "experiments": [e.to_dict() for e in self.experiments],
            "skipped": [{"title": t, "reason": r} for t, r in self.skipped],
            "throughput_per_rank": [t.to_dict() for t in self.throughput],
            "scaling_efficiency": {str(w): {"points": s[0], "median": s[1], "min": s[2],
                                            "max": s[3]}
                                   for w, s in efficiency_summary(self.efficiency).items()},
            "attention": [a.to_dict() for a in self.attention],
            "attention_verdicts": [v.to_dict() for v in self.attention_verdicts],
            "taylor_exponents": [{"title": a.title, "beta": a.judged.slope,
                                  "beta_ci": list(a.judged.slope_ci),
                                  "upper_half": a.differs} for a in self.attention
                                 if a.taylor and a.fit is not None],
            "crossover": [c.to_dict() for c in self.crossovers],
            "attention_errors": [e.to_dict() for e in self.error_lines],
            "attention_error_convergence": [f.to_dict() for f in self.error_fits],
            "error_study": self.error_study,
            "attention_performance": [p.to_dict() for p in self.performance],
            "warnings": self.warnings,
        }


def _warnings(results, experiments):
    out = []
    for prov in results.files:
        if prov.status != "complete":
            out.append(f"{prov.path}: status is {prov.status!r}, so its results may be partial "
                       f"({prov.points + prov.attention} of {prov.get('points_total', '?')} "
                       "points)")
        out += [f"{prov.path}: {note}" for note in prov.notes]
    hashes = sorted({p.job_hash for p in results.files})
    if len(hashes) > 1:
        out.append(f"the files come from {len(hashes)} different jobs ({', '.join(hashes)}); "
                   "their points are fitted together")
    duplicates = duplicate_points(results)
    if duplicates:
        out.append(f"{len(duplicates)} point(s) of one job appear in more than one file and are "
                   "counted more than once (overlapping array parts?)")
    if "agree" in results.points:
        disagree = int(np.sum(results.points["agree"] == 0))
        if disagree:
            out.append(f"{disagree} point(s) where the search and the independent checker "
                       "disagree: their answers are wrong somewhere")
    for exp in experiments:
        counts = np.unique(exp.series.n, return_counts=True)[1]
        if len(counts) and counts.max() == 1:
            out.append(f"{exp.title}: one instance per size, so its intervals come from the "
                       f"residuals of {len(counts)} points (residual bootstrap) and are rough; "
                       "run repeats")
        if exp.series.dropped:
            out.append(f"{exp.title}: {exp.series.dropped} time(s) <= 0 or NaN left out of the "
                       "fit (below the clock's resolution?)")
    return out


WORK = "worker-seconds"


def _work_fit(series, knobs):
    """The search's work (busy worker-seconds from its chunks) against n, per-size medians;
    None when the chunks do not cover every point or span fewer than 3 sizes."""
    if series.role != SEARCH or series.work is None:
        return None
    if not np.all(np.isfinite(series.work) & (series.work > 0)):
        return None
    try:
        return fit_law(EXPONENTIAL, series.n, series.work, method="medians", **knobs)
    except TooFewSizes:
        return None


def _analyse_inversion(results, knobs, holdout):
    """Fit every inversion experiment; returns (done, skipped, efficiency, experiments).
    Raises AnalysisError when the points allow no fit at all."""
    where = ", ".join(results.paths)
    sizes = np.unique(results.points["n"])
    if len(sizes) < MIN_SIZES:
        listed = ", ".join(str(int(s)) for s in sizes)
        raise AnalysisError(where, f"too few distinct sizes to fit: n = {listed} "
                                   f"(need >= {MIN_SIZES} distinct n)")
    done, skipped = [], []
    efficiency = scaling_efficiency(results.points, results.chunks)
    points = (results.points.with_column("busy_seconds", efficiency["busy_seconds"])
              .with_column("efficiency", efficiency["efficiency"]))
    # Only the files with points name the inversion family (attention files may be mixed in).
    family = ", ".join(sorted({p.family for p in results.files if p.points}))
    experiments = build_experiments(points, family)
    for exp in experiments:
        try:
            fits = {m: fit_law(EXPONENTIAL, exp.series.n, exp.series.time, method=m, **knobs)
                    for m in METHODS}
        except TooFewSizes as error:
            skipped.append((exp.title, str(error)))
            continue
        work = _work_fit(exp.series, knobs)
        if work is not None:
            fits[WORK] = work
        if exp.subset == POOLED:
            # Pooled groups mix modes and sources: a bend there says nothing about any law.
            done.append(ExperimentResult(exp, fits, None, "pooled: no extrapolation challenge",
                                         inversion_verdict(exp, fits["medians"])))
            continue
        try:
            challenge = extrapolation_challenge(EXPONENTIAL, exp.series.n, exp.series.time,
                                                holdout=holdout, **knobs)
            note = ""
        except TooFewSizes as error:
            challenge, note = None, f"no extrapolation challenge: {error}"
        done.append(ExperimentResult(exp, fits, challenge, note,
                                     inversion_verdict(exp, fits["medians"], challenge,
                                                       fits.get(WORK))))
    if not done:
        raise AnalysisError(where, "too few distinct sizes to fit in every experiment (need >= "
                                   f"{MIN_SIZES} distinct n with positive times): "
                                   + "; ".join(f"{t}: {r}" for t, r in skipped))
    return done, skipped, efficiency, experiments


def _empty_efficiency():
    return Table({name: np.zeros(0) for name in ("file", "point", "n", "workers", "achieved",
                                                 "single_worker", "busy_seconds",
                                                 "efficiency")})


def _attention_duplicates(results):
    """(job_hash, point) pairs of /attention rows found in more than one file: overlapping
    array parts would count those points twice as repeats."""
    table = results.attention
    if table is None or "point" not in table:
        return []
    seen = {}
    for prov in results.files:
        rows = table["point"][table["file"] == prov.index]
        for point in np.unique(rows):
            seen.setdefault((prov.job_hash, int(point)), set()).add(prov.index)
    count = sum(1 for files in seen.values() if len(files) > 1)
    if not count:
        return []
    return [f"{count} attention point(s) of one job appear in more than one file and are "
            "counted as repeats more than once (overlapping array parts?)"]


def _attention_warnings(results, groups):
    table = results.attention
    out = _attention_duplicates(results)
    for g in groups:
        if g.dropped:
            why = "; ".join(f"{note!r} x{count}" for note, count in g.notes.items())
            out.append(f"{g.title}: {g.dropped} time(s) <= 0 or NaN left out of the fit"
                       + (f" (note: {why})" if why else ""))
        if g.fit is not None and g.fit.bootstrap == "residual":
            out.append(f"{g.title}: one row per size, so its intervals come from the residuals "
                       "(residual bootstrap) and are rough; run repeats or seeds")
        if g.varying:
            out.append(f"{g.title}: {', '.join(g.varying)} vary within the group; its rows are "
                       "fitted together as repeats")
    note = rounding_note(table)
    if note:
        out.append(note)
    return out


def _varies_bound(table):
    """Whether the Taylor rows span several entry bounds B: an error study inside a bigger job.
    A scaling job at one B gets no per-n error verdicts (its error table is still printed)."""
    if table is None or len(table) == 0:
        return False
    taylor = np.asarray(table["p"]) >= 0
    return len(set(np.asarray(table["B"])[taylor].tolist())) > 1


def analyse(results, settings):
    """Fit every experiment the results support. Raises AnalysisError when nothing can be
    fitted, naming the files."""
    where = ", ".join(results.paths)
    knobs = dict(resamples=settings.resamples, confidence=settings.confidence, seed=settings.seed)
    table = results.attention
    has_attention = table is not None and len(table) > 0
    done, skipped, experiments, efficiency = [], [], [], _empty_efficiency()
    if len(results.points):
        try:
            done, skipped, efficiency, experiments = _analyse_inversion(results, knobs,
                                                                        settings.holdout)
        except AnalysisError as error:
            if not has_attention:
                raise
            # Mixed with attention files: the attention part can still be analysed.
            skipped.append(("inversion (/points)", error.problem))
    groups = attention_groups(table, **knobs)
    fitted = [g for g in groups if g.fit is not None]
    errors = error_lines(table)
    # An error study (jobs/attention-error.toml: few sizes, many p and B) has no time law to fit
    # but its Taylor errors are the result; only a file with neither is refused.
    if has_attention and not fitted and not done and not errors:
        raise AnalysisError(where, "too few distinct sizes to fit in every attention group "
                                   f"(need >= {MIN_SIZES} distinct n with positive "
                                   "time_median): " + "; ".join(f"{g.title}: {g.skipped}"
                                                                for g in groups))
    error_study = bool(groups and errors and not fitted)
    if error_study:
        skipped.append((TIME_LAWS, error_study_line(groups)))
    else:
        skipped += [(g.title, g.skipped) for g in groups if g.fit is None]
    fits = fit_orders(errors)
    warnings = _warnings(results, experiments) + _attention_warnings(results, groups)
    return Analysis(results=results, settings=settings, experiments=done, skipped=skipped,
                    throughput=per_rank_throughput(results.chunks),
                    efficiency=efficiency,
                    attention=groups,
                    attention_verdicts=(error_flags(table) + [group_verdict(g) for g in fitted]
                                        + (error_verdicts(table, fits)
                                           if error_study or _varies_bound(table) else [])),
                    warnings=warnings,
                    crossovers=crossovers(table),
                    error_lines=errors,
                    performance=performance_lines(groups),
                    error_fits=fits,
                    error_study=error_study)
