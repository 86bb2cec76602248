"""A tiny column table: a dict of equal-length numpy arrays (no pandas on the target machines)."""

import numpy as np


class Table:
    """Named columns of equal length. Selecting rows returns a new Table; columns are not copied
    unless numpy has to (fancy indexing)."""

    def __init__(self, columns):
        self._columns = {name: np.asarray(values) for name, values in columns.items()}
        lengths = {len(v) for v in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: {sorted(lengths)}")
        self._length = lengths.pop() if lengths else 0

    def __len__(self):
        return self._length

    def __contains__(self, name):
        return name in self._columns

    def __getitem__(self, name):
        return self._columns[name]

    @property
    def names(self):
        return list(self._columns)

    def select(self, rows):
        """Rows by boolean mask or index array."""
        return Table({name: values[rows] for name, values in self._columns.items()})

    def with_column(self, name, values):
        columns = dict(self._columns)
        columns[name] = np.broadcast_to(np.asarray(values), (self._length,)).copy()
        return Table(columns)

    def distinct(self, name):
        return np.unique(self._columns[name])

    @staticmethod
    def concat(tables):
        """Stack tables row-wise. Only the columns every table has are kept: array parts of one
        job share a layout, and a column missing somewhere cannot be trusted anywhere."""
        tables = list(tables)
        if not tables:
            return Table({})
        common = [n for n in tables[0].names if all(n in t for t in tables[1:])]
        return Table({n: np.concatenate([t[n] for t in tables]) for n in common})
