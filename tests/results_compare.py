"""Comparisons of sethlab results files used by the end-to-end tests (checkpoint, Slurm)."""
import h5py
import numpy as np


def load(path):
    with h5py.File(path, "r", swmr=True) as f:
        return dict(f.attrs), f["points"][:], f["chunks"][:], f["interruptions"][:]


def chunk_rows(path):
    try:
        with h5py.File(path, "r", swmr=True) as f:
            return len(f["chunks"])
    except (OSError, KeyError):
        return 0


def check_same(reference, path, label):
    _, ref, _, _ = load(reference)
    attrs, pts, chunks, _ = load(path)
    assert attrs["status"] == "complete", f"{label}: status {attrs['status']}"
    assert len(pts) == len(ref), f"{label}: {len(pts)} points, expected {len(ref)}"
    pts = pts[np.argsort(pts["point"])]
    assert (pts["point"] == np.arange(len(ref))).all(), f"{label}: points missing or twice"
    for field in ("instance_hash", "found", "preimages", "n", "m", "agree"):
        assert (pts[field] == ref[field]).all(), f"{label}: {field} differs"
    count = pts["mode"] == b"count"
    assert (pts["witness"][count] == ref["witness"][count]).all(), f"{label}: count witnesses differ"
    assert (pts["candidates"][count] == ref["candidates"][count]).all(), f"{label}: count candidates differ"
    pairs = set()
    for row in chunks:
        key = (int(row["point"]), int(row["chunk"]))
        assert key not in pairs, f"{label}: chunk {key} recorded twice"
        pairs.add(key)
    assert (pts["t_search"] > 0).all(), f"{label}: a point has no search time"
    found = pts["found"] == 1
    assert (pts["t_first"][found] <= pts["t_search"][found] + 1e-6).all(), f"{label}: t_first > t_search"
    assert (pts["candidates"][count] == 2 ** pts["n"][count].astype(np.uint64)).all(), f"{label}: count mode missed latents"
    for p in pts:
        mine = chunks[chunks["point"] == p["point"]]
        assert int(mine["candidates"].sum()) == int(p["candidates"]), f"{label}: point {p['point']} chunk sum"
        if p["mode"] == b"count":
            assert len(mine) == int(p["chunks"]), f"{label}: point {p['point']} has {len(mine)} chunks"
    print(f"{label}: {len(pts)} points identical to the uninterrupted run, {len(chunks)} chunks, none twice")


if __name__ == "__main__":
    import sys
    check_same(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else sys.argv[2])
