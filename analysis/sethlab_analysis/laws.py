"""The two scaling laws, each a straight line after taking logarithms.

    exponential  time = c * b^n     ->  log2 time = log2 c + a * n,        a = log2 b
    power        time = c * n^beta  ->  log2 time = log2 c + beta * log2 n

Base-2 logarithms throughout so that the exponential slope a reads directly against the SETH
bound 2^n (a = 1), and the power-law slope beta is the same in any base.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Law:
    name: str
    formula: str
    slope_name: str

    def x(self, n):
        """The regressor: n for the exponential law, log2 n for the power law."""
        n = np.asarray(n, dtype=float)
        return n if self.name == "exponential" else np.log2(n)

    def params(self, slope, intercept):
        """Named parameters of the law from a fitted line (works on arrays of draws too)."""
        c = np.exp2(intercept)
        if self.name == "exponential":
            return {"a": slope, "b": np.exp2(slope), "c": c}
        return {"beta": slope, "c": c}

    def describe(self, slope):
        """The law with its fitted exponent, e.g. 2^(1.02 n) or n^1.98."""
        if self.name == "exponential":
            return f"2^({slope:.2f} n)"
        return f"n^{slope:.2f}"


EXPONENTIAL = Law("exponential", "time = c * b^n", "a")
POWER = Law("power", "time = c * n^beta", "beta")
