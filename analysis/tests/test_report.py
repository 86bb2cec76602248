"""Report and plots end to end from synthetic files."""

import base64
import os
import re

import numpy as np

from conftest import FAST
from synthetic import (attention_rows, inversion_rows, write_inversion_file,
                       write_results_file)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def mixed_run(path, attention=None):
    """Count mode on random instances (clean 2^n), decide mode on planted ones (early stop:
    a tenth of the space searched, times ~ 2^n / 10), the CaDiCaL check at 1.3^n."""
    count, count_chunks = inversion_rows(sizes=range(10, 20), per_size=12, seed=1)
    decide, decide_chunks = inversion_rows(sizes=range(10, 20), per_size=12, seed=2,
                                           mode="decide", source="planted", found=1,
                                           searched=0.1, c=1e-8, first_point=len(count))
    return write_results_file(path, count + decide, count_chunks + decide_chunks,
                              attention=attention)


def test_report_end_to_end(cli, tmp_path):
    path = mixed_run(tmp_path / "run.h5")
    out = tmp_path / "report"
    done = cli("report", path, "-o", out, *FAST)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    count_line = next(l for l in lines if l.startswith("brute-force exact inversion (count"))
    number = r"\d\.\d{2,3}"
    assert re.search(rf"time ~ 2\^\((0\.9|1\.0)\d+ \+- 0\.\d+\) n \[95% CI {number}\.\.{number}\]",
                     count_line)
    assert "consistent with the SETH bound Omega(2^n)" in count_line
    decide_line = next(l for l in lines if l.startswith("brute-force exact inversion (decide"))
    assert "not a test of the SETH bound" in decide_line
    assert "consistent with the SETH" not in decide_line
    assert any(l.startswith("cadical check of") and "reference only" in l for l in lines)

    html = (out / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    pngs = sorted(p for p in os.listdir(out) if p.endswith(".png"))
    assert len(images) == len(pngs) >= 5
    assert all(base64.b64decode(data).startswith(PNG_MAGIC) for data in images)
    assert "00112233aabbccdd" in html and "0123abcd" in html   # job and commit
    assert "[job]" in html                                    # the job text itself
    assert "consistent with the SETH bound" in html
    assert "poly(n)" in html                                  # the verdict rule explained

    md = (out / "report.md").read_text()
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", md)
    assert sorted(linked) == pngs
    assert "| experiment | fit |" in md
    for png in pngs:
        assert (out / png).read_bytes().startswith(PNG_MAGIC)


def test_plot_command_writes_pngs(cli, tmp_path):
    path = write_inversion_file(tmp_path / "r.h5", sizes=range(10, 16), per_size=6)
    done = cli("plot", path, "-o", tmp_path / "plots", *FAST)
    assert done.returncode == 0, done.stderr
    written = sorted(os.path.basename(l) for l in done.stdout.split())
    assert "time_count_k3_random.png" in written
    assert "throughput_per_rank.png" in written
    assert not any(name.startswith("attention") for name in written)
    for name in written:
        assert (tmp_path / "plots" / name).read_bytes().startswith(PNG_MAGIC)


def test_attention_table_is_fitted_when_present(cli, tmp_path):
    path = mixed_run(tmp_path / "run.h5", attention=attention_rows())
    done = cli("report", path, "-o", tmp_path / "rep", *FAST)
    assert done.returncode == 0, done.stderr
    exact = next(l for l in done.stdout.splitlines() if l.startswith("softmax exact d=16"))
    beta = float(re.search(r"n\^\((\d\.\d\d)", exact).group(1))
    assert abs(beta - 2.0) < 0.1 and "quadratic" in exact
    assert (tmp_path / "rep" / "attention_time.png").exists()
    assert (tmp_path / "rep" / "attention_error.png").exists()


def test_decide_mode_unsatisfiable_instances_fitted_apart(cli, tmp_path):
    """Random decide-mode instances, half with a preimage: the no-preimage half is the
    exhaustive search and gets its own line."""
    points, chunks = inversion_rows(sizes=range(10, 18), per_size=16, seed=3, mode="decide")
    rng = np.random.default_rng(0)
    for row in points:
        if rng.random() < 0.5:
            row["found"], row["t_search"] = 1, row["t_search"] * 0.05
    path = write_results_file(tmp_path / "d.h5", points, chunks)
    done = cli("report", path, "-o", tmp_path / "rep", *FAST)
    assert done.returncode == 0, done.stderr
    unsat = next(l for l in done.stdout.splitlines()
                 if l.startswith("brute-force exact inversion (decide, k=3, random, no preimage)"))
    assert "consistent with the SETH bound" in unsat


def test_work_is_fitted_apart_from_wall_time(cli, tmp_path):
    """Efficiency rising from 0.2 to 1 over n = 10..20 makes wall time grow like 2^(0.77 n)
    while the work (chunk worker-seconds) grows like 2^n: the verdict must say both."""
    path = write_inversion_file(tmp_path / "w.h5", sizes=range(10, 21), per_size=8,
                                efficiency=lambda n: 0.2 * 5 ** ((n - 10) / 10), work_law=True)
    done = cli("fit", path, *FAST)
    assert done.returncode == 0, done.stderr
    line = next(l for l in done.stdout.splitlines()
                if l.startswith("brute-force exact inversion (count") and ": time ~" in l)
    wall = float(re.search(r"time ~ 2\^\(([\d.]+)", line).group(1))
    work = float(re.search(r"worker-seconds \(sum of chunk times\) ~ 2\^\(([\d.]+)", line).group(1))
    assert abs(wall - 0.77) < 0.03 and abs(work - 1.0) < 0.03
    assert "the work does not" in line and "consistent with the SETH bound" in line
    assert "parallel efficiency goes from 0.20 at n=10 to 1.00 at n=20" in line
