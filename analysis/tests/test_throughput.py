"""Per-rank throughput and scaling efficiency against values worked out by hand."""

import numpy as np
import pytest

from sethlab_analysis.loader import load_results
from sethlab_analysis.table import Table
from sethlab_analysis.throughput import efficiency_summary, per_rank_throughput, scaling_efficiency
from synthetic import write_inversion_file


def chunk_table(rows):
    names = ("file", "point", "rank", "thread", "candidates", "seconds")
    return Table({name: np.array([r[i] for r in rows]) for i, name in enumerate(names)})


def test_per_rank_sums_candidates_over_seconds():
    chunks = chunk_table([
        (0, 0, 0, 0, 1000, 1.0), (0, 0, 0, 1, 3000, 1.0),   # rank 0: 4000 / 2 s
        (0, 0, 1, 0, 1000, 2.0), (0, 1, 1, 1, 500, 2.0),    # rank 1: 1500 / 4 s
        (1, 0, 0, 0, 900, 3.0),                             # another file's rank 0 stays apart
    ])
    ranks = per_rank_throughput(chunks)
    assert [(r.file, r.rank) for r in ranks] == [(0, 0), (0, 1), (1, 0)]
    assert [r.rate for r in ranks] == pytest.approx([2000.0, 375.0, 300.0])
    assert [r.chunks for r in ranks] == [2, 2, 1]
    assert ranks[2].label(several_files=True) == "part 1 rank 0"


def test_efficiency_is_busy_fraction():
    # One point, 2 ranks x 2 threads, t_search 10 s, 4 chunks of 1000 candidates taking
    # 8, 8, 6, 6 s: w1 = 4000 / 28, achieved = 4000 / 10, efficiency = 28 / 40.
    points = Table({"file": [0], "point": [7], "n": [12], "ranks": [2], "threads": [2],
                    "candidates": [4000], "t_search": [10.0]})
    chunks = chunk_table([(0, 7, 0, 0, 1000, 8.0), (0, 7, 0, 1, 1000, 8.0),
                          (0, 7, 1, 0, 1000, 6.0), (0, 7, 1, 1, 1000, 6.0)])
    table = scaling_efficiency(points, chunks)
    assert table["single_worker"][0] == pytest.approx(4000 / 28)
    assert table["achieved"][0] == pytest.approx(400.0)
    assert table["efficiency"][0] == pytest.approx(0.7)


def test_efficiency_from_a_file_and_points_without_chunks(tmp_path):
    path = write_inversion_file(tmp_path / "r.h5", sizes=[10, 11, 12], per_size=4,
                                efficiency=0.65, ranks=3, threads=2)
    results = load_results([str(path)])
    table = scaling_efficiency(results.points, results.chunks)
    assert table["efficiency"] == pytest.approx(np.full(12, 0.65))
    assert efficiency_summary(table)[6][0] == 12
    # Drop one point's chunks: its efficiency is unknown, not zero.
    keep = results.chunks["point"] != 0
    table = scaling_efficiency(results.points, results.chunks.select(keep))
    assert np.isnan(table["efficiency"][0]) and np.isfinite(table["efficiency"][1:]).all()
