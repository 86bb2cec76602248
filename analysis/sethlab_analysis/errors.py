"""The one exception type for bad input: the CLI prints it as `where: problem` and exits 2.

Anything else that escapes is a bug in this package and keeps its traceback on purpose.
"""


class AnalysisError(Exception):
    """A problem the user must fix (a file, an option), named by where it is."""

    def __init__(self, where, problem):
        self.where = str(where)
        self.problem = problem
        super().__init__(f"{self.where}: {problem}")


class TooFewSizes(ValueError):
    """A law cannot be fitted: fewer distinct sizes than the fit needs."""

    def __init__(self, have, need, why=""):
        self.have = have
        self.need = need
        super().__init__(f"too few distinct sizes to fit ({have} distinct n, need >= {need}"
                         + (f"; {why})" if why else ")"))
