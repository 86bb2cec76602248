"""Fit and report from a real attention run: SETHLAB_ATTENTION_RESULTS names a results file of
the `attention` family written by the C++ side (the scaling job). Skipped when it is unset,
as test_real_run.py is for SETHLAB_RESULTS."""

import json
import os

import pytest

from conftest import FAST

REAL = os.environ.get("SETHLAB_ATTENTION_RESULTS")
pytestmark = [pytest.mark.real_run,
              pytest.mark.skipif(not REAL, reason="SETHLAB_ATTENTION_RESULTS is not set: no "
                                                  "real attention results file to analyse")]


def test_fit_finds_taylor_and_exact_groups(cli):
    assert os.path.isfile(REAL), f"SETHLAB_ATTENTION_RESULTS={REAL} is not a file"
    done = cli("fit", REAL, "--json", *FAST)
    assert done.returncode == 0, f"fit failed on {REAL}:\n{done.stderr}"
    data = json.loads(done.stdout)
    groups = data["attention"]
    assert any(g["mechanism"] in ("taylor", "taylor-softmax") and "fit" in g for g in groups), \
        "no fitted Taylor group"
    assert any(g["p"] == -1 and "fit" in g for g in groups), "no fitted exact group"
    assert data["taylor_exponents"], "no Taylor exponent to report"
    for entry in data["taylor_exponents"]:
        lo, hi = entry["beta_ci"]
        assert lo <= entry["beta"] <= hi


def test_report_from_real_attention_run(cli, tmp_path):
    done = cli("report", REAL, "-o", tmp_path / "report", *FAST)
    assert done.returncode == 0, f"report failed on {REAL}:\n{done.stderr}"
    assert any("Taylor exponent" in line for line in done.stdout.splitlines())
    md = (tmp_path / "report" / "report.md").read_text()
    assert "## Attention" in md and "### Crossover: Taylor against exact" in md
    html = (tmp_path / "report" / "report.html").read_text()
    assert "data:image/png;base64," in html
