"""The CLI as a user runs it (a subprocess of the entry script): help, fits as text and JSON,
and every malformed input a one-line error naming the file, exit status 2, no traceback."""

import json
import subprocess

import numpy as np
import pytest

from conftest import ANALYSIS_DIR, FAST
from synthetic import inversion_rows, write_inversion_file, write_results_file


@pytest.mark.parametrize("command", [[], ["fit"], ["plot"], ["report"]])
def test_help(cli, command):
    done = cli(*command, "--help")
    assert done.returncode == 0
    assert "usage: sethlab-analysis" in done.stdout


def test_module_entry_point(tmp_path):
    path = write_inversion_file(tmp_path / "r.h5", sizes=range(10, 15), per_size=5)
    done = subprocess.run(["/usr/bin/python3", "-m", "sethlab_analysis", "fit", str(path), *FAST],
                          cwd=ANALYSIS_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "brute-force exact inversion (count, k=3, random)" in done.stdout


def test_fit_json_recovers_base(cli, tmp_path):
    path = write_inversion_file(tmp_path / "r.h5", sizes=range(10, 20), per_size=20, base=2.0,
                                check_base=1.3)
    done = cli("fit", path, "--json", *FAST, "--seed", "4")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    by_solver = {e["solver"]: e for e in out["experiments"]}
    b = by_solver["brute-force"]["fits"]["medians"]["params"]["b"]
    assert b["lo"] <= 2.0 <= b["hi"]
    c = by_solver["cadical"]["fits"]["points"]["params"]["b"]
    assert c["lo"] <= 1.3 <= c["hi"]
    assert by_solver["brute-force"]["extrapolation"]["verdict"] == "consistent"
    assert out["settings"]["resamples"] == 200 and out["settings"]["seed"] == 4
    assert out["files"][0]["attrs"]["job_hash"] == "00112233aabbccdd"
    assert out["scaling_efficiency"]["4"]["median"] == pytest.approx(0.8)


def test_fit_text_over_array_parts(cli, tmp_path):
    one = write_inversion_file(tmp_path / "p1.h5", sizes=[10, 11, 12], per_size=5, seed=1)
    two = write_inversion_file(tmp_path / "p2.h5", sizes=[13, 14, 15], per_size=5, seed=2,
                               first_point=15)
    done = cli("fit", one, two, *FAST)
    assert done.returncode == 0, done.stderr
    assert "2 file(s), 30 points" in done.stdout
    assert "10..15" in done.stdout


def bad_file(kind, tmp_path):
    rows = inversion_rows(sizes=[10, 11, 12, 13], per_size=2)
    path = tmp_path / f"{kind}.h5"
    if kind == "missing":
        return path, "no such file"
    if kind == "not-hdf5":
        path.write_bytes(b"\x00garbage, not an HDF5 file\n" * 10)
        return path, "cannot be read as HDF5"
    if kind == "wrong-schema":
        write_results_file(path, *rows, attrs={"schema": "some-other-tool"})
        return path, "not a sethlab results file"
    if kind == "schema-version":
        write_results_file(path, *rows, attrs={"schema_version": np.int32(2)})
        return path, "unknown schema_version 2"
    if kind == "empty":
        write_results_file(path, [], [])
        return path, "/points table is empty"
    if kind == "too-few-sizes":
        write_results_file(path, *inversion_rows(sizes=[10, 12], per_size=5))
        return path, "too few distinct sizes to fit: n = 10, 12 (need >= 3 distinct n)"
    raise ValueError(kind)


@pytest.mark.parametrize("command", ["fit", "report"])
@pytest.mark.parametrize("kind", ["missing", "not-hdf5", "wrong-schema", "schema-version",
                                  "empty", "too-few-sizes"])
def test_bad_input_is_a_clear_error(cli, tmp_path, kind, command):
    path, problem = bad_file(kind, tmp_path)
    extra = ["-o", tmp_path / "out"] if command == "report" else []
    done = cli(command, path, *extra, *FAST)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"sethlab-analysis: error: {path}: ")
    assert problem in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_file_among_good_ones_is_named(cli, tmp_path):
    good = write_inversion_file(tmp_path / "good.h5", sizes=range(10, 14), per_size=3)
    bad, _ = bad_file("wrong-schema", tmp_path)
    done = cli("fit", good, bad, *FAST)
    assert done.returncode == 2 and str(bad) in done.stderr and str(good) not in done.stderr


@pytest.mark.parametrize("flag,value", [("--confidence", "1.5"), ("--resamples", "1"),
                                        ("--holdout", "x")])
def test_out_of_range_option(cli, tmp_path, flag, value):
    done = cli("fit", tmp_path / "r.h5", flag, value)
    assert done.returncode == 2 and flag in done.stderr and "Traceback" not in done.stderr


def test_unwritable_output_is_a_clear_error(cli, tmp_path):
    path = write_inversion_file(tmp_path / "r.h5", sizes=range(10, 14), per_size=3)
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should go")
    done = cli("plot", path, "-o", blocker / "sub", *FAST)
    assert done.returncode == 2 and "Traceback" not in done.stderr
