"""PNG figures of an Analysis (matplotlib, Agg backend, no display needed).

Figures are built with matplotlib.figure.Figure directly rather than pyplot, so no global
figure state survives between plots and nothing tries to open a window.
"""

import os
import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import EngFormatter  # noqa: E402
import numpy as np  # noqa: E402

from sethlab_analysis.experiments import CHECK, FAMILY_LABELS, POOLED, UNSATISFIABLE  # noqa: E402

DPI = 110
COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
          "tab:pink", "tab:olive", "tab:cyan")


class Plot:
    """A written PNG: its file name (inside the output folder) and a caption for reports."""

    def __init__(self, name, title, caption):
        self.name, self.title, self.caption = name, title, caption


def _new_figure(width=7.5, height=5.0):
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _finish(fig, ax, outdir, name, title, caption):
    """Title, caption and save. ax=None: a figure of several panels, titled as a whole."""
    if ax is None:
        fig.suptitle(title, fontsize=11)
    else:
        ax.set_title(title, fontsize=11)
        ax.grid(True, which="major", alpha=0.3)
    # Wrap the caption to the figure's width (about 19 characters per inch at this size).
    wrapped = textwrap.fill(caption, width=int(19 * fig.get_figwidth()))
    lines = wrapped.count("\n") + 1
    fig.text(0.01, 0.01, wrapped, fontsize=7.5, color="0.3", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.01 + 0.032 * lines * 5.0 / fig.get_figheight(), 1, 1))
    fig.savefig(os.path.join(outdir, name), dpi=DPI)
    return Plot(name, title, caption)


def _series_label(result):
    exp = result.experiment
    label = exp.series.solver + (" (check)" if exp.series.role == CHECK else "")
    if exp.subset == UNSATISFIABLE:
        label += ", no preimage"
    return f"{label}: ~2^({result.fit.slope:.2f} n)"


def plot_time_vs_n(analysis, group_key, outdir):
    """All solvers of one (mode, k, source) group: points, per-size medians, the median fit and
    its bootstrap confidence band, on a log time axis."""
    results = [r for r in analysis.experiments if r.experiment.group_key == group_key]
    fig, ax = _new_figure()
    reference = None
    # One colour per solver; its no-preimage subset keeps the colour and is drawn dashed.
    solvers = list(dict.fromkeys((r.experiment.series.solver, r.experiment.series.role)
                                 for r in results))
    for result in results:
        exp, fit = result.experiment, result.fit
        color = COLORS[solvers.index((exp.series.solver, exp.series.role)) % len(COLORS)]
        dashed = exp.subset == UNSATISFIABLE
        ax.scatter(exp.series.n, exp.series.time, s=6, alpha=0.25, color=color, linewidths=0)
        medians = [np.median(exp.series.time[exp.series.n == s]) for s in fit.sizes]
        ax.plot(fit.sizes, medians, "s" if dashed else "o", color=color, markersize=5,
                markerfacecolor="none" if dashed else color)
        grid = np.linspace(fit.sizes[0], fit.sizes[-1], 100)
        lo, hi = fit.band_log2(grid)
        ax.fill_between(grid, 2.0 ** lo, 2.0 ** hi, color=color, alpha=0.18, linewidth=0)
        ax.plot(grid, 2.0 ** fit.predict_log2(grid), "--" if dashed else "-", color=color,
                label=_series_label(result))
        work = result.fits.get("worker-seconds")
        if work is not None:
            # The search's work without parallel idling: drawn thin, same colour.
            work_medians = [np.median(exp.series.work[exp.series.n == s]) for s in work.sizes]
            ax.plot(work.sizes, work_medians, "x", color=color, markersize=5)
            ax.plot(grid, 2.0 ** work.predict_log2(grid), "-.", color=color, linewidth=1,
                    label=f"{exp.series.solver} worker-seconds: ~2^({work.slope:.2f} n)")
        if reference is None and exp.series.role != CHECK:
            reference = (fit.sizes, medians[0])
    if reference is not None:
        sizes, anchor = reference
        ax.plot(sizes, anchor * 2.0 ** (sizes - sizes[0]), ":", color="0.4",
                label="2^n slope (reference)")
    ax.set_yscale("log")
    ax.set_xlabel("n (latent dimension = SAT variables)")
    ax.set_ylabel("time (s), log scale")
    ax.legend(fontsize=8, loc="upper left")
    exp = results[0].experiment
    family = FAMILY_LABELS.get(exp.family, exp.family)
    pct = f"{100 * analysis.settings.confidence:g}%"
    title = f"{family}: time vs n ({exp.group.replace(', no preimage', '')})"
    caption = (f"{analysis.results.caption()} | dots: instances, markers: per-size medians, "
               f"lines: fit to medians, bands: {pct} bootstrap CI, x and dash-dot: "
               "worker-seconds")
    return _finish(fig, ax, outdir, f"time_{group_key}.png", title, caption)


def plot_challenge(analysis, result, outdir):
    """The extrapolation challenge: fit on the small sizes, prediction intervals at the held-out
    ones, observed medians."""
    ch, exp = result.challenge, result.experiment
    fig, ax = _new_figure(7.0, 4.6)
    fit = ch.fit
    sizes = np.unique(exp.series.n)
    grid = np.linspace(sizes[0], sizes[-1], 100)
    lo, hi = fit.band_log2(grid)
    ax.fill_between(grid, 2.0 ** lo, 2.0 ** hi, color="tab:blue", alpha=0.15, linewidth=0,
                    label="fit CI (line only)")
    ax.plot(grid, 2.0 ** fit.predict_log2(grid), color="tab:blue",
            label=f"fit on n={ch.fit_sizes[0]:g}..{ch.fit_sizes[-1]:g}: ~2^({fit.slope:.2f} n)")
    train = [np.median(exp.series.time[exp.series.n == s]) for s in ch.fit_sizes]
    ax.plot(ch.fit_sizes, train, "o", color="tab:blue", label="median (fitted)")
    for i, held in enumerate(ch.held):
        ax.errorbar([held.n], [held.predicted],
                    yerr=[[held.predicted - held.interval[0]], [held.interval[1] - held.predicted]],
                    fmt="none", ecolor="0.3", capsize=4,
                    label="prediction interval of the median" if i == 0 else None)
        ax.plot([held.n], [held.observed], "D", color="tab:green" if held.inside else "tab:red",
                label=None if i else "median (held out)")
    ax.set_yscale("log")
    ax.set_xlabel("n (latent dimension = SAT variables)")
    ax.set_ylabel("median time (s), log scale")
    ax.legend(fontsize=8, loc="upper left")
    title = f"Extrapolation: {exp.title}\n-> {ch.verdict}"
    caption = (f"{analysis.results.caption()} | intervals at {100 * ch.per_size_confidence:.4g}% "
               f"per size (overall {100 * ch.confidence:g}%)")
    return _finish(fig, ax, outdir, f"challenge_{exp.slug}.png", title, caption)


def plot_throughput(analysis, outdir):
    several = len(analysis.results.files) > 1
    fig, ax = _new_figure(max(6.5, 0.5 * len(analysis.throughput) + 3), 4.2)
    labels = [t.label(several) for t in analysis.throughput]
    rates = [t.rate for t in analysis.throughput]
    ax.bar(range(len(rates)), rates, color="tab:blue")
    ax.set_xticks(range(len(rates)))
    crowded = len(labels) > 8
    ax.set_xticklabels(labels, rotation=45 if crowded else 0,
                       ha="right" if crowded else "center", fontsize=8)
    ax.yaxis.set_major_formatter(EngFormatter())  # "2M" rather than a detached "1e6"
    ax.set_xlabel("MPI rank")
    ax.set_ylabel("candidates per busy second")
    return _finish(fig, ax, outdir, "throughput_per_rank.png", "Throughput per rank",
                   f"{analysis.results.caption()} | sum of chunk candidates / sum of chunk "
                   "seconds, all threads of the rank")


def plot_efficiency(analysis, outdir):
    table = analysis.efficiency
    usable = np.isfinite(table["efficiency"])
    fig, ax = _new_figure(6.5, 4.2)
    for index, workers in enumerate(np.unique(table["workers"][usable])):
        rows = usable & (table["workers"] == workers)
        ax.scatter(table["n"][rows], table["efficiency"][rows], s=10, alpha=0.6,
                   color=COLORS[index % len(COLORS)], label=f"{workers} workers")
    ax.axhline(1.0, color="0.4", linestyle=":")
    ax.set_xlabel("n (latent dimension)")
    ax.set_ylabel("scaling efficiency (busy fraction)")
    ax.legend(fontsize=8)
    caption = (f"{analysis.results.caption()} | efficiency = (candidates/t_search) / "
               "(ranks*threads * single-worker rate from chunks)")
    return _finish(fig, ax, outdir, "scaling_efficiency.png", "Scaling efficiency per point",
                   caption)


def write_plots(analysis, outdir):
    """Every figure the analysis supports, written into outdir; returns the Plots in order."""
    os.makedirs(outdir, exist_ok=True)
    plots = []
    groups = []
    for result in analysis.experiments:
        key = result.experiment.group_key
        if result.experiment.subset != POOLED and key not in groups:
            groups.append(key)
    plots += [plot_time_vs_n(analysis, key, outdir) for key in groups]
    plots += [plot_challenge(analysis, r, outdir) for r in analysis.experiments
              if r.challenge is not None and r.experiment.subset != POOLED]
    if analysis.throughput:
        plots.append(plot_throughput(analysis, outdir))
    if np.isfinite(analysis.efficiency["efficiency"]).any():
        plots.append(plot_efficiency(analysis, outdir))
    # Imported here: attention_plots uses this module's helpers.
    from sethlab_analysis.attention_plots import attention_plots
    plots += attention_plots(analysis, outdir)
    return plots
