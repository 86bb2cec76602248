#!/usr/bin/python3
"""Exact softmax attention, float32, d = 64, all cores, in one go on one machine:
sethlab's tiled kernel (build/bench/attention_bench), PyTorch on the CPU (matmul, softmax, matmul),
numpy with OpenBLAS (the same three steps), and OpenBLAS sgemm as the practical peak. Prints times,
GFLOP/s (flops = 4 n^2 d: QK^T and PV) and ratios against sethlab.

Usage: scripts/install-deps.sh --bench; scripts/build.sh
       OMP_NUM_THREADS=2 /usr/bin/python3 bench/attention-vs-pytorch.py [BUILD_DIR]
"""
import os
import re
import subprocess
import sys
import time

import numpy as np

D = 64
SIZES = (1024, 4096, 16384)


def best_of(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def reps_for(n):
    return 7 if n <= 1024 else 3 if n <= 4096 else 2


def numpy_attention(q, k, v):
    s = (q @ k.T) * np.float32(1.0 / np.sqrt(q.shape[1]))
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s @ v


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "build")
    threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count()))
    out = subprocess.run([os.path.join(build, "bench", "attention_bench")], capture_output=True,
                         text=True, check=True, env=dict(os.environ, OMP_NUM_THREADS=str(threads))).stdout
    ours = {int(m.group(1)): float(m.group(2)) for m in
            re.finditer(r"softmax tiled-blas\s+n=\s*(\d+) d= 64 time=\s*([0-9.e+-]+)", out)}
    peak = float(re.search(r"sgemm square 1024\^3 \(peak\) time=\s*[0-9.e+-]+ s\s+GFLOP/s=\s*([0-9.]+)", out).group(1))

    import torch  # after the sethlab run: its thread pool must not spin during ours
    torch.set_num_threads(threads)
    print(f"exact softmax attention, float32, d = {D}, {threads} threads; flops = 4 n^2 d")
    print(f"OpenBLAS sgemm 1024^3 (practical peak, measured by attention_bench): {peak:.1f} GFLOP/s")
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"torch {torch.__version__}, numpy {np.__version__}; system BLAS (both use it): {blas}")
    print(f"{'n':>6} {'sethlab s':>10} {'GFLOP/s':>8} {'%peak':>6} {'torch s':>9} {'GFLOP/s':>8} {'numpy s':>9} {'GFLOP/s':>8} {'torch/sethlab':>13} {'numpy/sethlab':>13}")
    rng = np.random.default_rng(1)
    for n in SIZES:
        q, k, v = (rng.standard_normal((n, D), dtype=np.float32) for _ in range(3))
        tq, tk, tv = (torch.from_numpy(x) for x in (q, k, v))
        scale = 1.0 / np.sqrt(D)
        with torch.no_grad():
            t_torch = best_of(lambda: torch.matmul(torch.softmax(torch.matmul(tq, tk.T) * scale, dim=1), tv), reps_for(n))
        t_numpy = best_of(lambda: numpy_attention(q, k, v), reps_for(n))
        flops = 4.0 * n * n * D
        mine = ours.get(n)
        if mine is None:
            print(f"{n:>6} (attention_bench printed no time for this n)")
            continue
        print(f"{n:>6} {mine:10.4f} {flops / mine / 1e9:8.1f} {100 * flops / mine / 1e9 / peak:5.0f}% "
              f"{t_torch:9.4f} {flops / t_torch / 1e9:8.1f} {t_numpy:9.4f} {flops / t_numpy / 1e9:8.1f} "
              f"{t_torch / mine:12.2f}x {t_numpy / mine:12.2f}x")


if __name__ == "__main__":
    main()
