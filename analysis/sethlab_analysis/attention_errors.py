"""Errors of the Taylor approximations against order p, the theory's bound beside them, and
the rows that must be flagged loudly.

Table: one line per (mechanism, d, d_v, precision, B, n, p) of the Taylor rows (taylor-softmax
against softmax, taylor against exponential): the largest max_abs_error and max_rel_error over
its rows (seeds, kernels, rank counts), the error_bound of the row with the largest error (the
bound depends on that row's data through R = max |score|; NaN means the bound does not apply,
eta >= 1), and B / sqrt(ln n): Alman and Song (NeurIPS 2023) show that entries B =
o(sqrt(log n)) allow n^(1+o(1)) time while B = Theta(sqrt(log n)) does not under SETH, so that
ratio says which regime a row is in.

Flags (verdict lines, status FLAGGED):
- a finite error_bound exceeded: the bound (theory.md, section 2) holds in exact arithmetic,
  so a row is only flagged when its error exceeds the bound by more than the kernel's own
  measured rounding, check_rel_error * B (check_rel_error compares with a float64 evaluation
  of the same polynomial and is relative to the row's largest output, which a softmax-weighted
  average of V keeps below max |V| <= B). Such a row is a bug in the C++ or in the bound.
- agree == 0: a kernel disagreed with its float64 check (the C++ run stops with exit status 3).
"""

from dataclasses import dataclass

import numpy as np

from sethlab_analysis.attention import TAYLOR_MECHANISMS, column
from sethlab_analysis.attention_verdict import FLAGGED
from sethlab_analysis.verdict import Verdict

KEY_FIELDS = ("mechanism", "d", "d_v", "precision", "B", "n", "p")
EXAMPLES = 5  # rows named in a flag line; the rest are counted


@dataclass
class ErrorLine:
    mechanism: str
    d: int
    d_v: int
    precision: str
    B: float
    n: int
    p: int
    rows: int
    max_abs_error: float
    max_rel_error: float
    error_bound: float         # of the row with the largest max_abs_error; NaN: no bound
    max_abs_score: float       # R of that row (NaN when the field is absent)
    exceeded: int              # rows over their finite bound beyond their rounding

    @property
    def b_ratio(self):
        """B / sqrt(ln n): the bounded-entries regime of Alman and Song."""
        return self.B / np.sqrt(np.log(self.n)) if self.n > 1 else float("nan")

    def to_dict(self):
        out = dict(vars(self))
        out["B_over_sqrt_ln_n"] = self.b_ratio
        return out


def _f(table, name):
    return column(table, name, np.nan).astype(float)


def exceeded_mask(table):
    """Rows whose max_abs_error exceeds a finite error_bound by more than their rounding
    (module docstring); and rows over the bound but within the rounding."""
    error, bound = _f(table, "max_abs_error"), _f(table, "error_bound")
    rounding = _f(table, "check_rel_error") * np.abs(_f(table, "B"))
    rounding = np.where(np.isfinite(rounding), rounding, 0.0)
    finite = np.isfinite(bound) & np.isfinite(error)
    over = finite & (error > bound)
    beyond = over & (error > bound + rounding)
    return beyond, over & ~beyond


def error_lines(table):
    """ErrorLines of the Taylor rows, sorted by mechanism, d, precision, B, n, p."""
    if table is None or len(table) == 0:
        return []
    taylor = np.isin(column(table, "mechanism"), TAYLOR_MECHANISMS)
    rows = table.select(taylor)
    if len(rows) == 0:
        return []
    beyond, _ = exceeded_mask(rows)
    abs_err, rel_err = _f(rows, "max_abs_error"), _f(rows, "max_rel_error")
    bound, score = _f(rows, "error_bound"), _f(rows, "max_abs_score")
    # One pass to group row indices by key (real files have thousands of rows).
    members = {}
    for i, key in enumerate(zip(*[column(rows, f).tolist() for f in KEY_FIELDS])):
        members.setdefault(key, []).append(i)
    out = []
    for key in sorted(members):
        pick = np.zeros(len(rows), dtype=bool)
        pick[members[key]] = True
        # The worst row's bound; NaN errors (no rows checked) sort last.
        worst = np.flatnonzero(pick)[np.argmax(np.nan_to_num(abs_err[pick], nan=-np.inf))]
        out.append(ErrorLine(str(key[0]), int(key[1]), int(key[2]), str(key[3]), float(key[4]),
                             int(key[5]), int(key[6]), int(pick.sum()),
                             float(np.nanmax(abs_err[pick])) if np.isfinite(abs_err[pick]).any()
                             else float("nan"),
                             float(np.nanmax(rel_err[pick])) if np.isfinite(rel_err[pick]).any()
                             else float("nan"),
                             float(bound[worst]), float(score[worst]),
                             int(beyond[pick].sum())))
    return out


def _describe_row(table, i):
    parts = [f"{table['mechanism'][i]}", f"p={table['p'][i]}", f"d={table['d'][i]}",
             f"{table['precision'][i]}", f"n={table['n'][i]}", f"B={float(table['B'][i]):g}"]
    if "kernel" in table:
        parts.append(f"kernel {table['kernel'][i]}")
    if "seed" in table:
        parts.append(f"seed {table['seed'][i]}")
    return " ".join(parts)


def _examples(table, mask, what):
    index = np.flatnonzero(mask)
    listed = [f"{_describe_row(table, i)}: {what(i)}" for i in index[:EXAMPLES]]
    more = f"; and {len(index) - EXAMPLES} more" if len(index) > EXAMPLES else ""
    return "; ".join(listed) + more


def error_flags(table):
    """Loud verdict lines for bound violations and failed float64 checks; empty when none."""
    if table is None or len(table) == 0:
        return []
    flags = []
    beyond, _ = exceeded_mask(table)
    if beyond.any():
        err, bound = _f(table, "max_abs_error"), _f(table, "error_bound")
        flags.append(Verdict(FLAGGED, (
            f"ERROR BOUND EXCEEDED in {int(beyond.sum())} /attention row(s): max_abs_error is "
            "above the finite error_bound by more than the kernel's measured rounding, which "
            "the theory rules out, so the C++ kernel, its error measurement or the bound is "
            "wrong: " + _examples(table, beyond, lambda i: (
                f"error {err[i]:.3g} > bound {bound[i]:.3g}")))))
    if "agree" in table:
        failed = np.asarray(table["agree"]).astype(int) == 0
        if failed.any():
            check, tol = _f(table, "check_rel_error"), _f(table, "check_tolerance")
            flags.append(Verdict(FLAGGED, (
                f"CHECK FAILED in {int(failed.sum())} /attention row(s): agree = 0, a kernel "
                "disagreed with its float64 evaluation of the same computation, so its output "
                "(and its time) cannot be trusted: " + _examples(table, failed, lambda i: (
                    f"check_rel_error {check[i]:.3g} > tolerance {tol[i]:.3g}")))))
    return flags


def rounding_note(table):
    """A warning (not a flag) for rows over their bound by less than their rounding: the bound
    is for exact arithmetic, so that is precision, not a violation. None when there are none."""
    if table is None or len(table) == 0:
        return None
    _, within = exceeded_mask(table)
    if not within.any():
        return None
    return (f"{int(within.sum())} /attention row(s) exceed their error_bound by less than the "
            "kernel's measured rounding (check_rel_error * B): the bound holds in exact "
            "arithmetic, so this is precision, not a violation")
