"""Attention figures: time against n on log-log axes with the power-law fits (one colour per
group), and the Taylor errors against p beside the theory's bound."""

from matplotlib.lines import Line2D
import numpy as np

from sethlab_analysis.attention import TAYLOR_MECHANISMS, column
from sethlab_analysis.plots import COLORS, Figure, _finish, _new_figure

MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*")


def plot_attention_time(analysis, outdir):
    """Per-size medians (markers), every row (faint dots), the all-sizes fit with its band
    (solid) and, where it tells a different story, the upper-half fit (dashed)."""
    groups = [g for g in analysis.attention if g.fit is not None]
    fig, ax = _new_figure(11.0, 5.5)
    for index, g in enumerate(groups):
        color = COLORS[index % len(COLORS)]
        marker = MARKERS[(index // len(COLORS)) % len(MARKERS)]
        ax.scatter(g.n, g.time, s=6, alpha=0.25, color=color, linewidths=0)
        medians = [np.median(g.time[g.n == s]) for s in g.fit.sizes]
        ax.plot(g.fit.sizes, medians, marker, color=color, markersize=4)
        grid = np.geomspace(g.fit.sizes[0], g.fit.sizes[-1], 100)
        lo, hi = g.fit.band_log2(grid)
        ax.fill_between(grid, 2.0 ** lo, 2.0 ** hi, color=color, alpha=0.15, linewidth=0)
        label = f"{g.title}: n^{g.fit.slope:.2f}"
        ax.plot(grid, 2.0 ** g.fit.predict_log2(grid), color=color, linewidth=1.2, label=label)
        if g.differs:
            upper = np.geomspace(g.upper_floor, g.fit.sizes[-1], 50)
            ax.plot(upper, 2.0 ** g.upper.predict_log2(upper), "--", color=color, linewidth=1.6,
                    label=f"  n >= {g.upper_floor:g}: n^{g.upper.slope:.2f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (sequence length), log scale")
    ax.set_ylabel("time_median (s), log scale")
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    pct = f"{100 * analysis.settings.confidence:g}%"
    caption = (f"{analysis.results.caption()} | dots: rows, markers: per-size medians, solid: "
               f"power-law fit to all sizes with its {pct} bootstrap band, dashed: fit to the "
               "upper half of the sizes where it differs")
    return _finish(fig, ax, outdir, "attention_time.png", "Attention: time vs n (power-law fits)",
                   caption)


def _error_panel(ax, rows, field, with_bound):
    """One line per (B, n): colour by B, marker by n; the bound of the worst row dotted.
    Returns legend handles: one per B (with its B/sqrt(ln n) range) and one per n, rather
    than one per line, which would bury the plot."""
    p = rows["p"].astype(int)
    b_col = rows["B"].astype(float)
    bs, ns = np.unique(b_col), np.unique(rows["n"])
    error = column(rows, field, np.nan).astype(float)
    bound = column(rows, "error_bound", np.nan).astype(float)
    for bi, b in enumerate(bs):
        color = COLORS[bi % len(COLORS)]
        for ni, n in enumerate(ns):
            pick = (b_col == b) & (rows["n"] == n)
            orders = np.unique(p[pick])
            if not len(orders):
                continue
            worst = [np.flatnonzero(pick & (p == o))[np.argmax(np.nan_to_num(
                error[pick & (p == o)], nan=-np.inf))] for o in orders]
            ax.plot(orders, error[worst], MARKERS[ni % len(MARKERS)] + "-", color=color,
                    markersize=4, linewidth=1, alpha=0.8)
            if with_bound and np.isfinite(bound[worst]).any():
                ax.plot(orders, bound[worst], ":", color=color, linewidth=1)
    ax.set_xticks(np.unique(p))  # orders are integers
    ax.set_yscale("log")
    ax.set_xlabel("Taylor order p")
    ratios = lambda b: b / np.sqrt(np.log(ns[ns > 1].astype(float)))
    handles = [Line2D([], [], color=COLORS[i % len(COLORS)],
                      label=f"B={b:g} (B/sqrt(ln n) {ratios(b).min():.2f}..{ratios(b).max():.2f})")
               for i, b in enumerate(bs)]
    handles += [Line2D([], [], color="0.4", marker=MARKERS[i % len(MARKERS)], linestyle="none",
                       label=f"n={n}") for i, n in enumerate(ns)]
    if with_bound:
        handles.append(Line2D([], [], color="0.4", linestyle=":", label="error_bound"))
    return handles


def plot_attention_error(analysis, outdir):
    """One row of panels per (mechanism, d, d_v, precision) of the Taylor rows: max_abs_error
    (left, with error_bound dotted where finite) and max_rel_error (right) against p."""
    table = analysis.results.attention
    if table is None or len(table) == 0:
        return None
    taylor = table.select(np.isin(column(table, "mechanism"), TAYLOR_MECHANISMS))
    if len(taylor) == 0:
        return None
    key_cols = [column(taylor, f).tolist() for f in ("mechanism", "d", "d_v", "precision")]
    keys = sorted(set(zip(*key_cols)))
    fig = Figure(figsize=(11.0, 3.6 * len(keys) + 0.8))
    axes = fig.subplots(len(keys), 2, squeeze=False)
    for row, key in enumerate(keys):
        pick = np.ones(len(taylor), dtype=bool)
        for values, value in zip(key_cols, key):
            pick &= np.array(values) == value
        rows = taylor.select(pick)
        left, right = axes[row]
        handles = _error_panel(left, rows, "max_abs_error", with_bound=True)
        _error_panel(right, rows, "max_rel_error", with_bound=False)
        name = f"{key[0]} d={key[1]}" + (f" d_v={key[2]}" if key[2] != key[1] else "") \
            + f" {key[3]}"
        left.set_ylabel("max_abs_error (log)")
        right.set_ylabel("max_rel_error (log)")
        left.set_title(f"{name}: max_abs_error (dotted: error_bound)", fontsize=9)
        right.set_title(f"{name}: max_rel_error", fontsize=9)
        for ax in (left, right):
            ax.grid(True, alpha=0.3)
        right.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                     borderaxespad=0.0)
    caption = (f"{analysis.results.caption()} | worst row per (B, n, p); colour: B, marker: n; "
               "dotted: the theory's error_bound of that row (absent where eta >= 1, NaN)")
    return _finish(fig, None, outdir, "attention_error.png",
                   "Taylor error vs order p", caption)


def attention_plots(analysis, outdir):
    plots = []
    if any(g.fit is not None for g in analysis.attention):
        plots.append(plot_attention_time(analysis, outdir))
    error_plot = plot_attention_error(analysis, outdir)
    if error_plot is not None:
        plots.append(error_plot)
    return plots
