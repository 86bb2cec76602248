"""One verdict line per attention group: the fitted exponent of time in n against the one the
algorithm's cost predicts, and only what the data can support.

- Exact softmax, exponential, rbf: the kernels do n^2 (d + d_v) flops, so beta near 2 is what
  they should read; it shows what the naive algorithm costs, while the SETH lower bound
  n^(2-o(1)) (for d = omega(log n)) is a conditional theorem that timing one algorithm cannot
  test.
- Taylor and Taylor-softmax of order p: 4 n C(d + p, p) (d_v + 1) flops, linear in n for fixed
  p and d (paper 2, Thm 10). A reading above 1 means a hidden n^2 part or memory effects.
- Window with a fixed w: n w (d + d_v), linear once n is well above w.

"Near" the expected beta means the CI comes within BETA_TOLERANCE (verdict.py) of it. Below the expectation usually means fixed costs still weigh at the fitted n;
the upper-half fit (attention.py) is there to show that.
"""

from sethlab_analysis.attention import UPPER_MIN_SIZES
from sethlab_analysis.verdict import BELOW, BETA_TOLERANCE, CONSISTENT, REFERENCE, Verdict

ABOVE = "above"
FLAGGED = "FLAGGED"  # rows that show a bug in the C++ or the theory (attention_errors.py)


def _near(fit, value):
    lo, hi = fit.slope_ci
    return lo - BETA_TOLERANCE <= value <= hi + BETA_TOLERANCE


def shape(fit):
    """A word for the fitted growth: linear, quadratic, or where it lies between them."""
    if _near(fit, 1.0) and _near(fit, 2.0):
        return "not resolved (the CI spans linear and quadratic)"
    if _near(fit, 1.0):
        return "linear"
    if _near(fit, 2.0):
        return "quadratic"
    if fit.slope < 1.0:
        return "sub-linear"
    if fit.slope > 2.0:
        return "steeper than quadratic"
    return "between linear and quadratic"


def exponent_phrase(fit, label=True):
    """n^(beta +- half) [95% CI lo..hi] over n=first..last."""
    lo, hi = fit.slope_ci
    digits = 2 if fit.half_width >= 0.005 else 3
    pct = f"{100 * fit.confidence:g}"
    text = (f"n^({fit.slope:.{digits}f} +- {fit.half_width:.{digits}f}) "
            f"[{pct}% CI {lo:.{digits}f}..{hi:.{digits}f}]")
    if label:
        text += f" over n={fit.sizes[0]:g}..{fit.sizes[-1]:g}"
    return text


def _range_phrase(group):
    """What the upper-half fit adds: both numbers when they differ, a short agreement note
    otherwise, or why there is no large-n check."""
    if group.upper is None:
        sizes = len(group.fit.sizes)
        return (f"only {sizes} sizes, so the large-n end is not fitted apart (needs "
                f"{UPPER_MIN_SIZES}); small n may be dominated by fixed costs")
    if group.differs:
        return (f"fitted on n >= {group.upper_floor:g} (the upper half of the sizes), because "
                f"over all n it reads {exponent_phrase(group.fit)}: the small sizes are "
                "dominated by fixed costs")
    return f"the upper half (n >= {group.upper_floor:g}) agrees: {exponent_phrase(group.upper)}"


def _tail(group, fit):
    expected = group.expected_beta
    form = shape(fit)
    if expected is None:
        return REFERENCE, f"{form}; no expected exponent known for mechanism {group.mechanism!r}"
    if _near(fit, 1.0) and _near(fit, 2.0):
        return REFERENCE, f"{form}: too wide to tell; measure more sizes or repeats"
    if group.taylor:
        if _near(fit, expected):
            return CONSISTENT, f"{form}, as Thm 10 predicts (order-p Taylor is O(n d^p d_v))"
        if fit.slope > expected:
            return ABOVE, (f"{form}: grows faster than the linear cost of order-p Taylor "
                           "attention; a hidden n^2 part (a bug) or memory effects at large n "
                           "(see peak memory)")
        return BELOW, (f"{form}: below linear, so fixed costs (feature set-up, the "
                       "Allreduce, thread start) still dominate; fit larger n")
    if group.mechanism == "window":
        note = ""
        if group.w >= fit.sizes[0]:
            note = (f"; for n <= w = {group.w} the window covers every key, so those sizes "
                    "cost n^2")
        if _near(fit, expected):
            return CONSISTENT, f"{form}, as a fixed window of w keys per query predicts{note}"
        side = "faster" if fit.slope > expected else "slower"
        return (ABOVE if side == "faster" else BELOW), (
            f"{form}: grows {side} than the linear cost n w of a fixed window{note}")
    if _near(fit, expected):
        return CONSISTENT, (f"{form}, as exact attention's n^2 (d + d_v) flops predict (what "
                            "the naive algorithm costs; the SETH bound n^(2-o(1)) for d = "
                            "omega(log n) is conditional and not tested by timing)")
    if fit.slope < expected:
        return BELOW, (f"{form}: below quadratic, so at these n the linear-time parts "
                       "(reading Q, K, V, writing Y, per-row set-up) still weigh; fit larger n")
    return ABOVE, (f"{form}: steeper than the n^2 flops, so look for cache or memory effects at "
                   "large n (see GFLOP/s and peak memory)")


def group_verdict(group):
    """Verdict for one fitted AttentionGroup."""
    fit = group.judged
    name = "Taylor exponent: " if group.taylor else ""
    head = f"{group.title}: {name}time ~ {exponent_phrase(fit)}"
    status, tail = _tail(group, fit)
    text = f"{head}: {tail}; {_range_phrase(group)}"
    if group.varying:
        text += (f"; note: {', '.join(group.varying)} vary within this group and are fitted as "
                 "repeats")
    return Verdict(status, text)
