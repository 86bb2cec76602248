"""A report from a real run: SETHLAB_RESULTS names a results file written by the C++ side
(its ctest sets the variable). Needs >= 3 distinct n in that run."""

import os

import pytest

from conftest import FAST

REAL = os.environ.get("SETHLAB_RESULTS")


@pytest.mark.real_run
@pytest.mark.skipif(not REAL, reason="SETHLAB_RESULTS is not set: no real results file to "
                                     "analyse (the C++ ctest sets it)")
def test_report_from_real_run(cli, tmp_path):
    assert os.path.isfile(REAL), f"SETHLAB_RESULTS={REAL} is not a file"
    done = cli("report", REAL, "-o", tmp_path / "report", *FAST)
    assert done.returncode == 0, f"report failed on {REAL}:\n{done.stderr}"
    html = (tmp_path / "report" / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert any(": time ~ 2^(" in line for line in done.stdout.splitlines())
