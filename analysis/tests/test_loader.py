"""Reading results files: strings decoded, parts concatenated with their provenance, SWMR files
(also one whose writer died) readable, and every malformed input a clear AnalysisError."""

import os
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from sethlab_analysis.errors import AnalysisError
from sethlab_analysis.loader import duplicate_points, load_results, read_results_file
from synthetic import inversion_rows, write_inversion_file, write_results_file

SIZES = [10, 11, 12, 13]
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


def test_roundtrip_decodes_strings_and_attributes(tmp_path):
    path = write_inversion_file(tmp_path / "run.h5", sizes=SIZES, per_size=3)
    prov, points, chunks, attention = read_results_file(str(path))
    assert len(points) == 12 and len(chunks) == 12 * 4 and attention is None
    assert points["solver"][0] == "brute-force"        # str, NUL padding gone
    assert points["mode"].dtype.kind == "U"
    assert set(points["check_solver"]) == {"cadical"}
    assert points["instance"][0] == ""                 # empty fixed-length string
    assert prov.job_hash == "00112233aabbccdd"
    assert prov.attrs["schema_version"] == 1 and isinstance(prov.attrs["mpi_size"], int)
    assert prov.attrs["job_text"].startswith("[job]")
    assert np.all(points["file"] == 0)


def test_variable_length_string_attributes(tmp_path):
    """The C++ writer stores attributes as variable-length UTF-8 strings and int64."""
    path = write_results_file(tmp_path / "vlen.h5", *inversion_rows(sizes=SIZES, per_size=2),
                              vlen_attrs=True, swmr=True)
    with h5py.File(path, "r") as h5:
        assert h5.attrs["schema_version"].dtype == np.int64
        assert h5py.check_string_dtype(h5.attrs.get_id("schema").dtype).length is None
    results = load_results([str(path)])
    assert results.files[0].attrs["schema"] == "sethlab-results"
    assert results.files[0].attrs["mpi_size"] == 2 and results.files[0].job_hash.isalnum()


def test_array_parts_concatenate_and_keep_provenance(tmp_path):
    # Two parts that reuse point numbers: rows stay apart through the file column.
    one = write_inversion_file(tmp_path / "a.h5", sizes=SIZES, per_size=2, seed=1)
    two = write_inversion_file(tmp_path / "b.h5", sizes=SIZES, per_size=3, seed=2,
                               attrs={"git_commit": "feedbeef", "hosts": "node3"})
    results = load_results([str(one), str(two)])
    assert len(results.points) == 8 + 12
    assert len(results.chunks) == (8 + 12) * 4
    assert list(np.bincount(results.points["file"])) == [8, 12]
    assert [p.attrs["hosts"] for p in results.files] == ["node1,node2", "node3"]
    assert "0123abcd" in results.caption() and "feedbeef" in results.caption()
    assert len(duplicate_points(results)) == 8  # same job hash and point numbers in both


def test_swmr_file_readable(tmp_path):
    path = write_inversion_file(tmp_path / "swmr.h5", swmr=True, sizes=SIZES, per_size=2)
    results = load_results([str(path)])
    assert len(results.points) == 8


def test_file_of_a_killed_swmr_writer_readable(tmp_path):
    """The writer flushes in SWMR mode and dies without closing, as a killed run does."""
    path = tmp_path / "killed.h5"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {TESTS_DIR!r})
        import h5py
        import synthetic
        from synthetic import inversion_rows, ROOT_ATTRS
        points, chunks = inversion_rows(sizes={SIZES}, per_size=2)
        h5 = h5py.File({str(path)!r}, "w", libver="latest")
        for name, value in dict(ROOT_ATTRS, status="running", end_time="").items():
            synthetic._set_attr(h5, name, value)
        table = synthetic._table(synthetic.POINT_FIELDS, points)
        ds = h5.create_dataset("points", shape=(0,), maxshape=(None,), dtype=table.dtype,
                               chunks=(64,))
        h5.swmr_mode = True
        ds.resize((len(table),)); ds[:] = table; ds.flush()
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    results = load_results([str(path)])
    assert len(results.points) == 8
    assert results.files[0].status == "running"
    assert any("no /chunks" in note for note in results.files[0].notes)


@pytest.fixture
def good_rows():
    return inversion_rows(sizes=SIZES, per_size=2)


def test_missing_file(tmp_path):
    with pytest.raises(AnalysisError, match="no such file") as error:
        load_results([str(tmp_path / "nope.h5")])
    assert "nope.h5" in str(error.value)


def test_not_hdf5(tmp_path):
    path = tmp_path / "text.h5"
    path.write_text("this is not HDF5\n")
    with pytest.raises(AnalysisError, match="cannot be read as HDF5"):
        load_results([str(path)])


def test_wrong_schema(tmp_path, good_rows):
    path = write_results_file(tmp_path / "other.h5", *good_rows, attrs={"schema": "other"})
    with pytest.raises(AnalysisError, match="not a sethlab results file"):
        load_results([str(path)])


def test_missing_schema_attribute(tmp_path, good_rows):
    path = write_results_file(tmp_path / "bare.h5", *good_rows, drop_attrs=("schema",))
    with pytest.raises(AnalysisError, match="schema is missing"):
        load_results([str(path)])


def test_unknown_schema_version(tmp_path, good_rows):
    path = write_results_file(tmp_path / "v9.h5", *good_rows,
                              attrs={"schema_version": np.int32(9)})
    with pytest.raises(AnalysisError, match="unknown schema_version 9"):
        load_results([str(path)])


def test_empty_points(tmp_path):
    path = write_results_file(tmp_path / "empty.h5", [], [])
    with pytest.raises(AnalysisError, match="/points table is empty"):
        load_results([str(path)])


def test_missing_field(tmp_path):
    path = tmp_path / "narrow.h5"
    with h5py.File(path, "w") as h5:
        h5.attrs["schema"] = np.bytes_(b"sethlab-results")
        h5.attrs["schema_version"] = np.int32(1)
        h5.create_dataset("points", data=np.zeros(3, dtype=[("n", "<u4"), ("t_search", "<f8")]))
    with pytest.raises(AnalysisError, match="lacks field"):
        load_results([str(path)])
