"""The report: what was run, the fitted laws with intervals, the plots and one verdict per
experiment, as DIR/report.md (PNG files beside it) and DIR/report.html (self-contained)."""

import os

from sethlab_analysis import attention_text as at
from sethlab_analysis import document as doc
from sethlab_analysis import textout
from sethlab_analysis.attention import UPPER_MIN_SIZES
from sethlab_analysis.attention_convergence import (FACTOR_CONVERGING, MIN_ORDERS,
                                                    SMALL_REL_ERROR)
from sethlab_analysis.experiments import POOLED
from sethlab_analysis.plots import write_plots
from sethlab_analysis.throughput import __doc__ as THROUGHPUT_DOC
from sethlab_analysis.verdict import A_FLOOR

PROVENANCE_ATTRS = ("family", "status", "job_hash", "job_file", "points_total", "sethlab_version",
                    "git_commit", "build_type", "compiler", "cxx_flags", "hosts", "mpi_size",
                    "threads_per_rank", "cpu_model", "start_time", "end_time")


def _reading_guide(analysis):
    pct = f"{100 * analysis.settings.confidence:g}%"
    return doc.Bullets([
        f"Each inversion experiment is fitted as time = c * b^n, a = log2 b, by least squares on "
        f"log2 time against n, once over per-size medians (the headline, robust to slow "
        f"outliers) and once over all points. Intervals are {pct} percentile intervals over "
        f"{analysis.settings.resamples} bootstrap refits that resample instances within each "
        "size (seed " + str(analysis.settings.seed) + ").",
        f"Brute force (count mode, or decide-mode instances with no preimage) is consistent "
        f"with the SETH bound Omega(2^n) when the CI for a reaches {A_FLOOR} or beyond. Brute "
        "force costs 2^n * poly(n), and over a finite range of n the poly(n) factor adds to "
        "the fitted slope: with poly(n) = n^p the local slope of log2 time is "
        "1 + p / (n ln 2), about 1.1 at n = 15 for p = 1. So a reading a little above 1 is "
        "expected, and it drifts towards 1 as n grows.",
        "A CI wholly below the floor is reported as below 2^n with its likely causes: at small n "
        "fixed per-point costs (start-up, dispatch, MPI messages) are a large part of t_search "
        "and flatten the curve, and times near the clock's resolution carry no slope.",
        "Searches with chunk rows are also fitted on their work: worker-seconds, the sum of the "
        "point's chunk times, which is free of parallel idling. When the scaling efficiency "
        "changes with n, wall time and work grow at different rates (the verdict gives the "
        "shift); the work is what a lower bound on computation speaks about, so a wall-time "
        "slope below the floor with a work slope above it is read as parallel overhead.",
        "Decide mode stops at the first preimage. On satisfiable instances (planted ones "
        "always are) that is time to the first solution, which falls with the number of "
        "solutions; it is not the exhaustive 2^n search and is never read as evidence for "
        "or against SETH. Count mode is the clean exponential; within decide-mode data, the "
        "instances with no preimage are fitted separately for the same reason.",
        "The independent checker (a CDCL SAT solver) and pruning searches are for reference: "
        "for fixed k, k-SAT is solvable in 2^((1 - c/k) n), so a < 1 contradicts nothing; "
        "SETH says only that the saving vanishes as k grows. Brute force matching 2^n shows "
        "the upper bound is what we measure; the lower bound is a conditional theorem that no "
        "experiment proves.",
        "Extrapolation challenge (Hoos et al., Empirical Scaling Analyser): the law is fitted "
        "to the smaller sizes only and must predict the per-size medians of the largest ~third. "
        "Prediction intervals combine the refitted line's spread with the held-out medians' "
        "own sampling spread, and are Bonferroni-adjusted across the held-out sizes so the "
        f"overall verdict has {pct} coverage. 'bends away' means some held-out median fell "
        "outside: the growth changes over the measured range.",
    ])


def _provenance_blocks(analysis):
    files = analysis.results.files
    header = ["attribute"] + [f"file {p.index}" for p in files]
    rows = [["path"] + [p.path for p in files],
            ["points (rows)"] + [str(p.points) for p in files],
            ["chunks (rows)"] + [str(p.chunks) for p in files],
            ["attention (rows)"] + [str(p.attention) for p in files]]
    rows += [[name] + [str(p.get(name, "")) for p in files] for name in PROVENANCE_ATTRS]
    blocks = [doc.Heading(2, "Job and provenance"), doc.TableBlock(header, rows)]
    seen = set()
    for prov in files:
        if prov.job_hash in seen:
            continue
        seen.add(prov.job_hash)
        blocks += [doc.Paragraph(f"Job {prov.job_hash} ({prov.get('job_file')}):"),
                   doc.Pre(str(prov.get("job_text", "(no job text recorded)")))]
    return blocks


def _attention_guide(analysis):
    pct = f"{100 * analysis.settings.confidence:g}%"
    return doc.Bullets([
        "Each attention group (mechanism, p, d, d_v, precision, w, ranks, threads, kernel) is "
        "fitted as time_median = c * n^beta by least squares on log time against log n over "
        f"per-size medians; rows that differ only in B or seed are repeats. {pct} intervals "
        "from a bootstrap that resamples rows within each size.",
        "Expected: beta = 2 for exact softmax, exponential and rbf (n^2 (d + d_v) flops), "
        "beta = 1 for Taylor of fixed order p (4 n C(d + p, p) (d_v + 1) flops; paper 2, "
        "Thm 10) and for a fixed window w. A fit is 'near' the expected value when its CI "
        "comes within 0.15 of it. Exact attention reading quadratic shows what the naive "
        "algorithm costs; the SETH lower bound n^(2-o(1)) (d = omega(log n)) is conditional "
        "and no timing tests it.",
        "Small n carry fixed costs (thread start, allocation, the Allreduce) that flatten the "
        f"curve. Groups with >= {UPPER_MIN_SIZES} sizes are also fitted on the upper half of "
        "their sizes; when the all-sizes estimate falls outside the upper-half CI (by >= 0.05) "
        "both are reported and the verdict judges the upper half.",
        "Crossover: per (d, d_v, precision, ranks, threads), Taylor order p against the "
        "FASTEST exact kernel at each common n (median over repeats). The crossover n is the "
        "smallest measured n from which Taylor is faster at every larger measured n; the "
        "ratio is exact time / Taylor time at the largest common n.",
        "Errors: max_abs_error and max_rel_error of the Taylor rows against the float64 "
        "reference, worst row per (B, n, p), with that row's error_bound (theory.md; NaN "
        "where eta >= 1 and no bound applies). A row above a finite bound by more than its "
        "own measured rounding (check_rel_error * B) is flagged: the bound holds in exact "
        "arithmetic, so that is a bug in the kernel, the measurement or the theory. "
        "B/sqrt(ln n) places a row against Alman and Song's threshold: B = o(sqrt(log n)) "
        "allows n^(1+o(1)) time, B = Theta(sqrt(log n)) does not (under SETH).",
        "Rows with agree = 0 (a kernel disagreed with its float64 check) are flagged too.",
        "Error verdicts, one per (mechanism, n, precision): for each B, ln max_abs_error is "
        f"fitted against p (>= {MIN_ORDERS} measured orders) and exp(slope) is the factor per "
        f"order. A B converges when that factor is below {FACTOR_CONVERGING:g} and the "
        f"highest order's max_rel_error is at most {100 * SMALL_REL_ERROR:g}%; the line gives "
        "the B where it does and where it does not, with B/sqrt(ln n) for Alman and Song's "
        "threshold, counts the points not measured (a note, e.g. a taylor-softmax denominator "
        "<= 0 at odd p) and says how many rows have a finite error_bound and whether every "
        "measured error is below it.",
    ])


def _attention_blocks(analysis, plots):
    image = lambda p: doc.Image(p.name, p.title, p.caption)
    blocks = [doc.Heading(2, "Attention")]
    if not analysis.attention:
        return blocks + [doc.Paragraph("No /attention table in these files: no power-law "
                                       "fits.")]
    heads = at.headline(analysis)
    if heads:
        blocks += [doc.Paragraph("Headline: the fitted Taylor exponent(s)."),
                   doc.Bullets(heads)]
    blocks += [doc.Heading(3, "How to read the attention results"), _attention_guide(analysis),
               doc.Heading(3, "Power-law fits")]
    blocks.append(doc.Paragraph(at.error_study_note(analysis)) if analysis.error_study
                  else doc.TableBlock(*at.fit_rows(analysis)))
    if any(g.differs for g in analysis.attention):
        blocks.append(doc.Paragraph(at.FIT_NOTE))
    blocks += [image(p) for p in plots if p.name == "attention_time.png"]
    header, rows = at.crossover_rows(analysis)
    blocks.append(doc.Heading(3, "Crossover: Taylor against exact"))
    if rows:
        blocks += [doc.TableBlock(header, rows),
                   doc.Bullets([c.summary() for c in analysis.crossovers])]
    else:
        blocks.append(doc.Paragraph("No Taylor order shares a size with its exact mechanism "
                                    "at the same d, d_v, precision, ranks and threads."))
    header, rows = at.error_rows(analysis)
    blocks.append(doc.Heading(3, "Taylor errors against p"))
    if rows:
        blocks.append(doc.TableBlock(header, rows))
        blocks += [image(p) for p in plots if p.name == "attention_error.png"]
    else:
        blocks.append(doc.Paragraph("No Taylor rows."))
    blocks += [doc.Heading(3, "GFLOP/s and peak memory"),
               doc.Paragraph("Per group and n: fastest time_min, median time_median and "
                             "GFLOP/s, largest peak_rss_max (MiB; 'not reset' = the process's "
                             "peak so far, an upper bound) and input_bytes over the rows."),
               doc.TableBlock(*at.performance_rows(analysis))]
    return blocks


def _inversion_blocks(analysis, plots):
    by_name = {p.name: p for p in plots}
    image = lambda p: doc.Image(p.name, p.title, p.caption)
    blocks = [doc.Heading(2, "Fitted laws"), doc.TableBlock(*textout.fit_rows(analysis))]
    header, rows, pct = textout.challenge_rows(analysis)
    if rows:
        blocks += [doc.Heading(2, "Extrapolation challenge"),
                   doc.Paragraph(f"{pct} prediction intervals (Bonferroni-adjusted over the "
                                 "held-out sizes) for the per-size median time."),
                   doc.TableBlock(header, rows)]
    not_run = [f"{r.experiment.title}: {r.challenge_note}" for r in analysis.experiments
               if r.challenge is None and r.experiment.subset != POOLED]
    if not_run:
        blocks += [doc.Paragraph("Extrapolation challenge not run:"), doc.Bullets(not_run)]
    blocks.append(doc.Heading(2, "Time against n"))
    blocks += [image(p) for p in plots if p.name.startswith("time_")]
    challenge_plots = [p for p in plots if p.name.startswith("challenge_")]
    if challenge_plots:
        blocks.append(doc.Heading(2, "Extrapolation plots"))
        blocks += [image(p) for p in challenge_plots]

    blocks.append(doc.Heading(2, "Throughput and scaling efficiency"))
    if analysis.throughput:
        definition = THROUGHPUT_DOC.split("\n\n", 1)[1].strip()
        blocks += [doc.Pre(definition), doc.TableBlock(*textout.throughput_rows(analysis))]
        if "throughput_per_rank.png" in by_name:
            blocks.append(image(by_name["throughput_per_rank.png"]))
        blocks.append(doc.TableBlock(*textout.efficiency_rows(analysis)))
        if "scaling_efficiency.png" in by_name:
            blocks.append(image(by_name["scaling_efficiency.png"]))
    else:
        blocks.append(doc.Paragraph("No chunk rows: throughput and efficiency not available."))
    return blocks


def report_blocks(analysis, plots):
    res = analysis.results
    counts = [f"{len(res.files)} file(s)"]
    if analysis.has_points:
        counts += [f"{len(res.points)} points", f"{len(res.chunks)} chunks"]
    if res.attention is not None and len(res.attention):
        counts.append(f"{len(res.attention)} attention rows")
    blocks = [doc.Heading(1, f"sethlab report: {res.family}"),
              doc.Paragraph(f"{res.caption()}; {', '.join(counts)}. Settings: "
                            + ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                                        for k, v in analysis.settings.to_dict().items()) + "."),
              doc.Heading(2, "Verdicts"),
              doc.Bullets([v.text for v in analysis.verdicts])]
    if analysis.has_points:
        blocks += [doc.Heading(3, "How to read them"), _reading_guide(analysis)]
        blocks += _inversion_blocks(analysis, plots)
    blocks += _attention_blocks(analysis, plots)

    if analysis.skipped:
        blocks += [doc.Heading(2, "Not fitted"),
                   doc.Bullets([f"{t}: {r}" for t, r in analysis.skipped])]
    if analysis.warnings:
        blocks += [doc.Heading(2, "Warnings"), doc.Bullets(analysis.warnings)]
    return blocks + _provenance_blocks(analysis)


def write_report(analysis, outdir):
    """Write the PNGs, report.md and report.html into outdir; return the two report paths."""
    os.makedirs(outdir, exist_ok=True)
    plots = write_plots(analysis, outdir)
    blocks = report_blocks(analysis, plots)
    md_path = os.path.join(outdir, "report.md")
    html_path = os.path.join(outdir, "report.html")
    with open(md_path, "w", encoding="utf-8") as out:
        out.write(doc.to_markdown(blocks))
    with open(html_path, "w", encoding="utf-8") as out:
        out.write(doc.to_html(blocks, outdir, f"sethlab report {analysis.results.caption()}"))
    return md_path, html_path
