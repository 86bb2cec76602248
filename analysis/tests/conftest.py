"""Shared test setup: the package on sys.path, and a way to run the real CLI script."""

import os
import subprocess
import sys

import pytest

ANALYSIS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ANALYSIS_DIR, "sethlab-analysis")
sys.path.insert(0, ANALYSIS_DIR)

# Small bootstrap for CLI tests: the fits are checked at the function level with more resamples.
FAST = ["--resamples", "200"]


def run_cli(*args, cwd=None):
    """Run the entry script as a user would (its shebang, a fresh process), from another cwd."""
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([SCRIPT, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or "/", env=env, timeout=120)


@pytest.fixture
def cli():
    return run_cli
