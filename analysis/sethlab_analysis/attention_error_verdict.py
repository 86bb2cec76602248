"""One verdict line per (mechanism, d, d_v, precision, n) of the Taylor rows: how the error
behaves against p across B, where the regime changes in units of sqrt(ln n), which points could
not be measured, and how the theory's bound compares.

The error study (jobs/attention-error.toml) exists to show Alman and Song's threshold: entries
B = o(sqrt(log n)) allow almost linear time (a low Taylor order is accurate), B =
Theta(sqrt(log n)) does not. So the line splits the B values into those whose error converges
with p and those whose does not (attention_convergence.py says how) and states the boundary as
B / sqrt(ln n). Rows with a note (times and errors NaN, e.g. a taylor-softmax denominator <= 0
at odd p and large B) are counted, since a missing point is itself a result of the
approximation. The bound part reuses the check that flags violations (attention_errors.py), so
the verdict and the FLAGGED line cannot disagree.
"""

import numpy as np

from sethlab_analysis.attention import TAYLOR_MECHANISMS, column
from sethlab_analysis.attention_convergence import NOT_CONVERGING, STUDY_FIELDS, TOO_FEW
from sethlab_analysis.attention_errors import exceeded_mask
from sethlab_analysis.verdict import Verdict

CONVERGES, DOES_NOT, DEPENDS, NOT_CLASSIFIED = (
    "converges", "does not converge", "depends on B", "not classified")
DENOMINATOR = "denominator <= 0"


def _span(values, fmt):
    """'a' or 'a..b' over the values' range."""
    lo, hi = min(values), max(values)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else \
        f"{format(lo, fmt)}..{format(hi, fmt)}"


def _where(fits, others, low):
    """Which B the fits cover, as a bound on B and on B/sqrt(ln n) when they lie on one side
    of the others (low: below them), else as a list."""
    fits = sorted(fits, key=lambda f: f.B)
    if not others and len(fits) == 1:
        return f"at B = {fits[0].B:g} (B/sqrt(ln n) = {fits[0].b_ratio:.2f})"
    if not others:
        return (f"at every B ({_span([f.B for f in fits], 'g')}; B/sqrt(ln n) "
                f"{_span([f.b_ratio for f in fits], '.2f')})")
    if low and fits[-1].B < min(o.B for o in others):
        return f"for B <= {fits[-1].B:g} (B/sqrt(ln n) <= {fits[-1].b_ratio:.2f})"
    if not low and fits[0].B > max(o.B for o in others):
        return f"for B >= {fits[0].B:g} (B/sqrt(ln n) >= {fits[0].b_ratio:.2f})"
    return (f"for B = {', '.join(f'{f.B:g}' for f in fits)} (B/sqrt(ln n) = "
            f"{', '.join(f'{f.b_ratio:.2f}' for f in fits)})")


def _factors(fits):
    return f"x{_span([f.factor for f in fits], '.2g')} per order"


def _converging_clause(fits, others):
    last = {f.orders[-1] for f in fits}
    at = f"p={last.pop()}" if len(last) == 1 else "the highest measured p"
    return (f"{_where(fits, others, low=True)} the error falls geometrically with p "
            f"({_factors(fits)}, {_span([f.last_abs for f in fits], '.2g')} at {at})")


def _stalling_clause(fits, others, top):
    # Minima over every order and B of the class, each on its own: the smallest relative and
    # the smallest absolute error need not come from the same point.
    rel = [f.min_rel for f in fits if np.isfinite(f.min_rel)]
    floor = min(f.min_abs for f in fits)
    below = (f"the relative error below {100 * min(rel):.2g}% (smallest absolute error "
             f"{floor:.2g})" if rel else f"max_abs_error below {floor:.2g}")
    return (f"{_where(fits, others, low=False)} it does not converge ({_factors(fits)}): no "
            f"order up to {top} gets {below}")


def _orders_phrase(orders):
    orders = sorted(set(orders))
    if len(orders) > 1 and all(p % 2 for p in orders):
        return "odd p"
    if len(orders) > 1 and not any(p % 2 for p in orders):
        return "even p"
    return "p=" + ",".join(str(p) for p in orders)


def _note_kind(text):
    # The C++ note names the row and its score sum ("row 17 has polynomial score sum -0.3 <= 0
    # ..."), so notes of one cause differ in text; count them by cause.
    return DENOMINATOR if "<= 0" in text else text


def _note_clauses(rows):
    if "note" not in rows:
        return []
    notes = np.asarray(rows["note"]).astype(str)
    kinds = {}
    for i in np.flatnonzero(notes != ""):
        kinds.setdefault(_note_kind(notes[i]), []).append(i)
    out = []
    for kind, index in sorted(kinds.items()):
        orders = _orders_phrase(int(p) for p in rows["p"][index])
        b_min = float(np.min(rows["B"][index].astype(float)))
        what = kind if kind == DENOMINATOR else f"note {kind!r}"
        out.append(f"Not measured: {orders} at B >= {b_min:g}: {what} in {len(index)} "
                   "point(s).")
    return out


def _bound_clause(rows, mechanism):
    error = column(rows, "max_abs_error", np.nan).astype(float)
    bound = column(rows, "error_bound", np.nan).astype(float)
    measured = np.isfinite(error)
    finite = measured & np.isfinite(bound)
    if not finite.any():
        if mechanism == "taylor":
            return "Bound: none (theory.md gives error_bound for taylor-softmax only)."
        return f"Bound: error_bound NaN in all {int(measured.sum())} measured rows (eta >= 1)."
    b_max = float(np.max(rows["B"][finite].astype(float)))
    text = (f"Bound: error_bound finite for {int(finite.sum())} of {int(measured.sum())} "
            f"measured rows (up to B={b_max:g})")
    beyond, within = exceeded_mask(rows)
    if beyond.any():
        return text + f"; {int(beyond.sum())} row(s) EXCEED it (flagged above)."
    ratio = float(np.max(error[finite] / np.where(bound[finite] > 0, bound[finite], np.inf)))
    text += f", every measured error below it (at most {ratio:.2g} of it)" if not within.any() \
        else f", {int(within.sum())} over it by less than the rounding (see warnings)"
    return text + "."


def _status(fits):
    classified = [f for f in fits if f.verdict != TOO_FEW]
    if not classified:
        return NOT_CLASSIFIED
    good = sum(f.converging for f in classified)
    return CONVERGES if good == len(classified) else DOES_NOT if good == 0 else DEPENDS


def _study_verdict(key, fits, rows):
    mechanism, d, d_v, precision, n = key
    name = f"{mechanism} n={n} d={d}" + (f" d_v={d_v}" if d_v != d else "") + f" {precision}"
    good = [f for f in fits if f.converging]
    bad = [f for f in fits if f.verdict == NOT_CONVERGING]
    few = [f for f in fits if f.verdict == TOO_FEW]
    top = max((f.orders[-1] for f in fits if f.orders), default=None)
    clauses = []
    if good:
        clauses.append(_converging_clause(good, bad))
    if bad:
        clauses.append(_stalling_clause(bad, good, top))
    if few:
        clauses.append(f"B = {', '.join(f'{f.B:g}' for f in few)}: fewer than 3 measured "
                       "orders, not classified")
    text = f"{name}: " + "; ".join(clauses) + "."
    extras = _note_clauses(rows) + [_bound_clause(rows, mechanism)]
    return Verdict(_status(fits), " ".join([text] + extras))


def error_verdicts(table, fits):
    """Verdicts, one per (mechanism, d, d_v, precision, n) of the OrderFits (fit_orders)."""
    if table is None or len(table) == 0 or not fits:
        return []
    taylor = np.isin(column(table, "mechanism"), TAYLOR_MECHANISMS)
    studies = {}
    for f in fits:
        studies.setdefault(f.study, []).append(f)
    out = []
    for key in sorted(studies):
        mask = taylor.copy()
        for name, value in zip(STUDY_FIELDS, key):
            mask &= column(table, name) == value
        out.append(_study_verdict(key, studies[key], table.select(mask)))
    return out
