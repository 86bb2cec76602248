"""Reading sethlab results files (docs/results-format.md, schema_version 1) into Tables.

Every file is validated before anything is computed, and every problem becomes an AnalysisError
naming the file. Several files (array parts of one job, or runs to compare) are concatenated;
each row gets a `file` column, the index of its file, so that rows and chunks stay joined by
(file, point) even when two parts reuse point numbers, and each file's provenance is kept.

Two kinds of file exist: inversion runs (/points, /chunks) and attention runs (/attention, no
/points or /chunks). A file must hold rows in at least one of /points and /attention; files of
both kinds may be analysed together, each table concatenated over the files that have it.
"""

import os
from dataclasses import dataclass, field

import h5py
import numpy as np

from sethlab_analysis.errors import AnalysisError
from sethlab_analysis.table import Table

SCHEMA = "sethlab-results"
SUPPORTED_VERSIONS = (1,)

# The columns the fits and the throughput need; the format has more, and they are all loaded.
REQUIRED_POINT_FIELDS = ("point", "n", "k", "mode", "source", "solver", "found", "candidates",
                         "t_search", "t_check", "check_solver", "ranks", "threads")
REQUIRED_CHUNK_FIELDS = ("point", "rank", "thread", "candidates", "seconds")
# What the attention fits, the crossover and the error tables read (docs/results-format.md,
# section /attention). Optional columns (peak_rss_max, input_bytes, error_bound, ...) are used
# when present.
REQUIRED_ATTENTION_FIELDS = ("n", "d", "d_v", "mechanism", "p", "precision", "ranks", "threads",
                             "time_median", "time_min", "gflops", "max_abs_error",
                             "max_rel_error", "B", "agree", "error_rows")


@dataclass
class Provenance:
    """Root attributes of one file, plus where it came from and how many rows it held."""

    index: int
    path: str
    attrs: dict
    points: int
    chunks: int
    attention: int = 0
    notes: list = field(default_factory=list)

    def get(self, name, default="unknown"):
        value = self.attrs.get(name)
        return default if value is None or value == "" else value

    @property
    def job_hash(self):
        return self.get("job_hash")

    @property
    def git_commit(self):
        return self.get("git_commit")

    @property
    def family(self):
        return self.get("family")

    @property
    def status(self):
        return self.get("status")


@dataclass
class Results:
    """All files of one analysis, concatenated."""

    points: Table
    chunks: Table
    attention: Table  # None when no file has an /attention table
    files: list       # of Provenance, in the order given

    @property
    def paths(self):
        return [p.path for p in self.files]

    @property
    def family(self):
        families = sorted({p.family for p in self.files})
        return families[0] if len(families) == 1 else ", ".join(families)

    def caption(self):
        """One line naming the job(s) and build(s), for plot captions and report titles."""
        hashes = sorted({p.job_hash for p in self.files})
        commits = sorted({p.git_commit for p in self.files})
        return f"job {', '.join(hashes)} | commit {', '.join(commits)}"


def _plain(value):
    """HDF5 attributes arrive as numpy scalars, bytes or 1-element arrays; make them Python."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).rstrip(b"\0").decode("ascii", "replace")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value


def _decode_column(values):
    """Fixed-length NUL-padded byte strings -> str (numpy drops the trailing NULs itself)."""
    if values.dtype.kind == "S":
        return np.char.decode(values, "ascii", "replace")
    if values.dtype.kind == "O":  # variable-length strings, should a writer ever use them
        return np.array([v.decode("ascii", "replace") if isinstance(v, bytes) else str(v)
                         for v in values], dtype=str)
    return values


def _read_table(dataset):
    data = dataset[()]
    if data.dtype.names is None:
        raise ValueError(f"{dataset.name} is not a compound table")
    return Table({name: _decode_column(data[name]) for name in data.dtype.names})


def open_results_file(path):
    """Open read-only. SWMR first: a file whose writer was killed mid-run can only be read that
    way. A file written without SWMR may refuse it on some HDF5 builds, so plain "r" is the
    fallback. Anything else (no file, not HDF5) becomes an AnalysisError."""
    if not os.path.exists(path):
        raise AnalysisError(path, "no such file")
    if os.path.isdir(path):
        raise AnalysisError(path, "is a directory, not a results file")
    try:
        return h5py.File(path, "r", swmr=True)
    except (OSError, ValueError):
        pass
    try:
        return h5py.File(path, "r")
    except (OSError, ValueError) as error:
        raise AnalysisError(path, f"cannot be read as HDF5 ({error})") from None


def _check_fields(path, table, required, name):
    missing = [f for f in required if f not in table]
    if missing:
        raise AnalysisError(path, f"the {name} table lacks field(s) {', '.join(missing)}")


def _describe(name, table):
    return f"no /{name} table" if table is None else f"the /{name} table is empty"


def _empty(fields):
    return Table({f: np.zeros(0) for f in fields})


def read_results_file(path, index=0):
    """One file -> (Provenance, points or None, chunks or None, attention or None), validated.
    points is None for an attention-only file; attention is None when the file has no rows
    there."""
    with open_results_file(path) as h5:
        attrs = {name: _plain(value) for name, value in h5.attrs.items()}
        schema = attrs.get("schema")
        if schema != SCHEMA:
            found = "missing" if schema is None else f"{schema!r}"
            raise AnalysisError(path, f"not a sethlab results file (root attribute schema is "
                                      f"{found}, expected {SCHEMA!r})")
        version = attrs.get("schema_version")
        if version not in SUPPORTED_VERSIONS:
            raise AnalysisError(path, f"unknown schema_version {version!r} (this analysis reads "
                                      f"{', '.join(map(str, SUPPORTED_VERSIONS))})")
        try:
            points = _read_table(h5["points"]) if "points" in h5 else None
            chunks = _read_table(h5["chunks"]) if "chunks" in h5 else None
            attention = _read_table(h5["attention"]) if "attention" in h5 else None
            interruptions = len(h5["interruptions"]) if "interruptions" in h5 else 0
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise AnalysisError(path, f"a table cannot be read ({error})") from None

    has_points = points is not None and len(points) > 0
    has_attention = attention is not None and len(attention) > 0
    if not has_points and not has_attention:
        # Say what each table looked like: an empty one usually means no point has finished
        # yet (a run still going, or killed early), a missing one a different family.
        raise AnalysisError(path, f"nothing to analyse: {_describe('points', points)} and "
                                  f"{_describe('attention', attention)} (family "
                                  f"{attrs.get('family')!r}, status {attrs.get('status')!r})")
    notes = []
    if has_points:
        _check_fields(path, points, REQUIRED_POINT_FIELDS, "/points")
        if chunks is None:
            notes.append("no /chunks table: throughput and efficiency are not available")
            chunks = _empty(REQUIRED_CHUNK_FIELDS)
        elif len(chunks):
            _check_fields(path, chunks, REQUIRED_CHUNK_FIELDS, "/chunks")
    else:
        points, chunks = None, None  # an attention run has no chunks by design
    if has_attention:
        _check_fields(path, attention, REQUIRED_ATTENTION_FIELDS, "/attention")
    if interruptions:
        notes.append(f"{interruptions} attempt(s) at a point were stopped by a signal "
                     "(/interruptions); their time is not in the rows")

    provenance = Provenance(index=index, path=str(path), attrs=attrs,
                            points=len(points) if has_points else 0,
                            chunks=len(chunks) if chunks is not None else 0, notes=notes,
                            attention=len(attention) if has_attention else 0)
    points = points.with_column("file", index) if has_points else None
    chunks = chunks.with_column("file", index) if chunks is not None and len(chunks) else None
    attention = attention.with_column("file", index) if has_attention else None
    return provenance, points, chunks, attention


def load_results(paths):
    """Many files -> one Results. Each file is checked on its own first, so the error names the
    file at fault."""
    if not paths:
        raise AnalysisError("sethlab-analysis", "no results files given")
    files, points, chunks, attention = [], [], [], []
    for index, path in enumerate(paths):
        prov, p, c, a = read_results_file(path, index)
        files.append(prov)
        if p is not None:
            points.append(p)
        if c is not None:
            chunks.append(c)
        if a is not None:
            attention.append(a)
    # Empty tables with the right columns keep the inversion code free of special cases.
    return Results(points=(Table.concat(points) if points
                           else _empty(REQUIRED_POINT_FIELDS + ("file",))),
                   chunks=(Table.concat(chunks) if chunks
                           else _empty(REQUIRED_CHUNK_FIELDS + ("file",))),
                   attention=Table.concat(attention) if attention else None,
                   files=files)


def duplicate_points(results):
    """(job_hash, point) pairs that appear in more than one file: merged parts that overlap
    would count those points twice, which the report warns about rather than silently fixes."""
    seen = {}
    for prov in results.files:
        rows = results.points.select(results.points["file"] == prov.index)
        for point in np.unique(rows["point"]):
            seen.setdefault((prov.job_hash, int(point)), []).append(prov.index)
    return {key: idx for key, idx in seen.items() if len(idx) > 1}
