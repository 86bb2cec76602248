"""Attention-family files (/attention and /interruptions, no /points or /chunks) through the
loader and the CLI as a user runs it: fit, plot and report end to end, mixed with inversion
files, and every malformed attention file a one-line error naming the file, exit status 2."""

import json
import os
import re

import h5py
import pytest

from conftest import FAST
from sethlab_analysis.errors import AnalysisError
from sethlab_analysis.loader import load_results
from synthetic import (attention_scaling_rows, write_attention_file, write_inversion_file,
                       write_results_file)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def scaling_file(path, **kwargs):
    """Softmax (tiled) and Taylor-softmax p = 1, 2 over n = 256..8192, crossover at 1024."""
    kwargs = dict(dict(taylor_c=4e-8, orders=(1, 2), bounds=(0.25, 0.5), seed=21), **kwargs)
    interruptions = [{"point": 3, "seconds": 1.5, "chunks": 0, "candidates": 0, "signal": 15}]
    return write_attention_file(path, attention_scaling_rows(**kwargs),
                                interruptions=interruptions)


def test_loader_reads_an_attention_only_file(tmp_path):
    path = scaling_file(tmp_path / "att.h5")
    results = load_results([str(path)])
    assert len(results.points) == 0 and len(results.chunks) == 0
    assert len(results.attention) == 6 * 2 * 3 * 3
    assert results.attention["mechanism"][1] == "taylor-softmax"    # bytes decoded to str
    assert results.attention["precision"].dtype.kind == "U"
    prov = results.files[0]
    assert prov.family == "attention" and prov.attention == len(results.attention)
    assert any("/interruptions" in note for note in prov.notes)
    assert not any("/chunks" in note for note in prov.notes)  # none expected in this family


def test_fit_text_and_json(cli, tmp_path):
    path = scaling_file(tmp_path / "att.h5")
    done = cli("fit", path, *FAST)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "1 file(s), 108 attention rows" in out
    assert "Taylor exponent taylor-softmax p=2 d=16 float32" in out
    assert re.search(r"taylor-softmax p=2 vs softmax, d=16 float32 \(1 rank x 1 thread\)\s+"
                     r"256\.\.8192 \(6\)\s+1024\s", out)
    assert "B/sqrt(ln n)" in out and "time = c * b^n" not in out   # no inversion part

    done = cli("fit", path, "--json", *FAST)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    taylor = [t for t in data["taylor_exponents"] if "p=2" in t["title"]]
    assert len(taylor) == 1 and taylor[0]["beta_ci"][0] <= 1.0 <= taylor[0]["beta_ci"][1]
    cross = {c["p"]: c for c in data["crossover"]}
    assert cross[2]["crossover_n"] == 1024 and cross[2]["ratio_at_largest_n"] > 1
    assert data["experiments"] == [] and data["files"][0]["attention"] == 108


def test_plot_and_report_end_to_end(cli, tmp_path):
    path = scaling_file(tmp_path / "att.h5")
    done = cli("plot", path, "-o", tmp_path / "plots", *FAST)
    assert done.returncode == 0, done.stderr
    written = sorted(os.path.basename(l) for l in done.stdout.split())
    assert written == ["attention_error.png", "attention_time.png"]

    out = tmp_path / "report"
    done = cli("report", path, "-o", out, *FAST)
    assert done.returncode == 0, done.stderr
    taylor = [l for l in done.stdout.splitlines() if l.startswith("taylor-softmax p=2 ")]
    assert len(taylor) == 1 and "Taylor exponent: time ~ n^(" in taylor[0]
    assert "linear, as Thm 10 predicts" in taylor[0]
    exact = next(l for l in done.stdout.splitlines() if l.startswith("softmax exact d=16"))
    assert "quadratic" in exact
    md = (out / "report.md").read_text()
    for heading in ("## Attention", "### Power-law fits", "### Crossover: Taylor against exact",
                    "### Taylor errors against p", "### GFLOP/s and peak memory"):
        assert heading in md
    assert "Headline: the fitted Taylor exponent(s)." in md
    assert re.search(r"Taylor exponent taylor-softmax p=2 .*: beta = 1\.0\d\d", md) or \
        re.search(r"Taylor exponent taylor-softmax p=2 .*: beta = 0\.9\d\d", md)
    assert "Fitted laws" not in md and "Throughput" not in md   # inversion sections left out
    assert "| attention (rows) | 108 |" in md
    html = (out / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2
    assert (out / "attention_error.png").read_bytes().startswith(PNG_MAGIC)
    assert "a77e471000000001" in html and "family = &quot;attention&quot;" in html


def test_flags_reach_the_report(cli, tmp_path):
    rows = attention_scaling_rows(seed=22)
    taylor = [i for i, r in enumerate(rows) if r["mechanism"] == "taylor-softmax"]
    rows[taylor[0]] = dict(rows[taylor[0]], max_abs_error=5 * rows[taylor[0]]["error_bound"])
    rows[taylor[1]] = dict(rows[taylor[1]], agree=0, check_rel_error=0.2)
    path = write_attention_file(tmp_path / "bad.h5", rows, attrs={"status": "failed"})
    done = cli("report", path, "-o", tmp_path / "rep", *FAST)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ERROR BOUND EXCEEDED in 1 /attention row(s)")
    assert lines[1].startswith("CHECK FAILED in 1 /attention row(s)")
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "1 EXCEEDED" in md and "status is 'failed'" in md


def test_mixed_inversion_and_attention_files(cli, tmp_path):
    inversion = write_inversion_file(tmp_path / "inv.h5", sizes=range(10, 16), per_size=4)
    attention = scaling_file(tmp_path / "att.h5")
    results = load_results([str(inversion), str(attention)])
    assert len(results.points) == 24 and len(results.attention) == 108
    assert set(results.attention["file"]) == {1} and set(results.points["file"]) == {0}
    done = cli("report", inversion, attention, "-o", tmp_path / "rep", *FAST)
    assert done.returncode == 0, done.stderr
    assert any(l.startswith("brute-force exact inversion (count") for l in
               done.stdout.splitlines())
    assert any("Taylor exponent" in l for l in done.stdout.splitlines())
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## Fitted laws" in md and "## Attention" in md


def test_inversion_file_with_an_attention_table_still_loads(tmp_path):
    """A file may hold both tables: each is read and checked."""
    from synthetic import inversion_rows
    points, chunks = inversion_rows(sizes=[10, 11, 12], per_size=2)
    path = write_results_file(tmp_path / "both.h5", points, chunks,
                              attention=attention_scaling_rows(seed=23))
    results = load_results([str(path)])
    assert len(results.points) == 6 and len(results.attention) == 36


def neither(kind, tmp_path):
    path = tmp_path / f"{kind}.h5"
    if kind == "no-tables":
        with h5py.File(path, "w") as h5:
            for name, value in (("schema", "sethlab-results"), ("schema_version", 1),
                                ("family", "attention"), ("status", "running")):
                h5.attrs[name] = value
        return path, ("nothing to analyse: no /points table and no /attention table "
                      "(family 'attention', status 'running'")
    if kind == "empty-attention":
        write_attention_file(path, [], attrs={"status": "interrupted"})
        return path, ("nothing to analyse: no /points table and the /attention table is empty "
                      "(family 'attention', status 'interrupted'")
    if kind == "empty-points":
        write_results_file(path, [], [])
        return path, "the /points table is empty and no /attention table"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["no-tables", "empty-attention", "empty-points"])
def test_file_with_neither_table_is_a_clear_error(cli, tmp_path, kind):
    path, problem = neither(kind, tmp_path)
    done = cli("fit", path, *FAST)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"sethlab-analysis: error: {path}: ")
    assert problem in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("field", ["gflops", "agree", "precision", "error_rows"])
def test_missing_attention_field_is_named(cli, tmp_path, field):
    path = write_attention_file(tmp_path / "narrow.h5", attention_scaling_rows(seed=24),
                                drop_fields=(field,))
    done = cli("report", path, "-o", tmp_path / "rep", *FAST)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"the /attention table lacks field(s) {field}" in done.stderr
    assert str(path) in done.stderr


def test_too_few_sizes_in_every_attention_group(tmp_path):
    # exact rows only: no time law and no Taylor errors, nothing to analyse
    path = write_attention_file(tmp_path / "small.h5",
                                attention_scaling_rows(sizes=(256, 512), seed=25, orders=()))
    from sethlab_analysis.analysis import analyse
    from sethlab_analysis.options import Settings
    with pytest.raises(AnalysisError, match="too few distinct sizes to fit in every attention "
                                            "group"):
        analyse(load_results([str(path)]), Settings(resamples=50))


def test_an_error_study_with_two_sizes_is_analysed(cli, tmp_path):
    # jobs/attention-error.toml: two n, many p and B. No time law, but the errors are the result.
    path = write_attention_file(tmp_path / "errors.h5",
                                attention_scaling_rows(sizes=(1024, 16384), seed=25,
                                                       orders=(1, 2, 3), bounds=(0.5, 2.5)))
    done = cli("fit", path, *FAST)
    assert done.returncode == 0, done.stderr
    assert "Taylor errors against p" in done.stdout
    # The unfittable time groups are one line, not one per group (test_attention_error_verdict)
    assert "time laws: not fitted, 2 distinct n (an error study)" in done.stdout
    assert "too few distinct sizes to fit" not in done.stdout


def test_a_group_with_one_row_per_size_warns(cli, tmp_path):
    path = write_attention_file(tmp_path / "single.h5",
                                attention_scaling_rows(repeats=1, seed=26))
    done = cli("fit", path, *FAST)
    assert done.returncode == 0, done.stderr
    assert "one row per size" in done.stdout and "residual bootstrap" in done.stdout


def test_overlapping_attention_parts_are_warned(cli, tmp_path):
    one = scaling_file(tmp_path / "a.h5")
    two = scaling_file(tmp_path / "b.h5", seed=27)   # same job hash and point numbers
    done = cli("fit", one, two, *FAST)
    assert done.returncode == 0, done.stderr
    assert "108 attention point(s) of one job appear in more than one file" in done.stdout


def test_rows_without_a_measurement_are_left_out_with_their_note(cli, tmp_path):
    """The writer marks points it could not measure (odd p, large scores) with a note and NaN
    times and errors: they leave the fits, the note is shown, nothing is flagged."""
    rows = attention_scaling_rows(orders=(2, 3), seed=28)
    note = "taylor-softmax denominator <= 0"
    nan = float("nan")
    rows = [dict(r, note=note, time_min=nan, time_median=nan, time_max=nan, gflops=nan,
                 max_abs_error=nan, max_rel_error=nan, error_bound=nan)
            if r["p"] == 3 and r["n"] >= 4096 else r for r in rows]
    path = write_attention_file(tmp_path / "odd.h5", rows)
    done = cli("fit", path, "--json", *FAST)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    p3 = next(g for g in data["attention"] if g["p"] == 3)
    assert p3["sizes"] == [256, 512, 1024, 2048] and p3["notes"] == {note: 6}
    assert any(f"'{note}' x6" in w for w in data["warnings"])
    assert not any(v["status"] == "FLAGGED" for v in data["attention_verdicts"])
