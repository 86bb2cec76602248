// Micro benchmark of the attention kernels, in one process (float32, all OpenMP threads):
//   1. softmax at d = d_v = 64: tiled-blas, tiled-loops, the reference, and plain sgemm of the
//      same shapes (S = Q K^T, then Y = S V, OpenBLAS on all threads) as the practical peak;
//      n = 1024, 4096 for all, 16384 for the tiled kernels only. Flops counted: 4 n^2 d
//      (2 n^2 d for Q K^T, 2 n^2 d_v for P V; exponentials and rescaling not counted). The
//      unfused sgemm pair writes and rereads the n x n score matrix, so at n = 4096 (64 MiB) it
//      is memory-bound; a square 1024^3 sgemm is printed too as the compute peak.
//   2. a tile-size sweep of both tiled engines at n = 4096;
//   3. Taylor-softmax p = 2 (kernel `taylor`) against exact softmax (kernel `tiled`) at
//      d = d_v = 16, n = 2^5 .. 2^16, and the crossover n where Taylor becomes faster.
// Each time is the best of a few runs. Usage: OMP_NUM_THREADS=2 build/bench/attention_bench
// [--quick]. Every result is one line starting with "attention_bench:" (greppable).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "attention/blas.hpp"
#include "attention/kernel.hpp"

using namespace sethlab::attention;

namespace {

Matrix<float> random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Matrix<float> m(rows, cols);
  for (std::size_t i = 0; i < rows * cols; ++i) m.data()[i] = u(gen);
  return m;
}

double best_seconds(int reps, const std::function<void()>& f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}

void line(const char* what, std::size_t n, std::size_t d, double seconds, double flops,
          double peak_seconds, const char* extra = "") {
  std::printf("attention_bench: %-22s n=%6zu d=%3zu time=%10.5f s  GFLOP/s=%7.2f", what, n, d,
              seconds, flops / seconds * 1e-9);
  if (peak_seconds > 0) std::printf("  time/sgemm=%6.2f", seconds / peak_seconds);
  std::printf("%s\n", extra);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int threads = omp_get_max_threads();
  std::printf("attention_bench: float32, %d OpenMP thread(s); flops = 4 n^2 d\n", threads);

  // 1. softmax, d = 64. The sgemm baselines run first, all of them, then a pause: OpenBLAS's
  // idle worker threads keep spinning for a while (~0.1 s) after a multi-threaded call and would
  // steal the cores from the OpenMP threads of the next measurement (seen: 4x slower kernels).
  const std::size_t d = 64;
  const std::size_t sizes[] = {1024, 4096, 16384};
  std::vector<double> peak(3, 0.0);
  for (std::size_t t = 0; t < 2; ++t) {
    const std::size_t n = sizes[t];
    if (quick && n > 1024) break;
    const auto q = random_matrix(n, d, 1), k = random_matrix(n, d, 2), v = random_matrix(n, d, 3);
    Matrix<float> s(n, n), y(n, d);
    set_blas_threads(threads);
    peak[t] = best_seconds(n <= 1024 ? 10 : 3, [&] {
      gemm_nt(n, n, d, 1.0f, q.data(), d, k.data(), d, 0.0f, s.data(), n);
      gemm_nn(n, d, n, 1.0f, s.data(), n, v.data(), d, 0.0f, y.data(), d);
    });
    line("sgemm (QK^T, SV)", n, d, peak[t], 4.0 * double(n) * double(n) * double(d), peak[t]);
  }
  {  // what OpenBLAS reaches on a cache-friendly square product: the machine's practical peak
    const std::size_t m = 1024;
    const auto a = random_matrix(m, m, 7), b = random_matrix(m, m, 8);
    Matrix<float> c(m, m);
    const double t = best_seconds(
        5, [&] { gemm_nn(m, m, m, 1.0f, a.data(), m, b.data(), m, 0.0f, c.data(), m); });
    std::printf("attention_bench: sgemm square 1024^3 (peak) time=%10.5f s  GFLOP/s=%7.2f\n", t,
                2.0 * double(m) * double(m) * double(m) / t * 1e-9);
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  for (std::size_t t = 0; t < 3; ++t) {
    const std::size_t n = sizes[t];
    if (quick && n > 1024) break;
    const auto q = random_matrix(n, d, 1), k = random_matrix(n, d, 2), v = random_matrix(n, d, 3);
    Matrix<float> y(n, d);
    const double flops = 4.0 * double(n) * double(n) * double(d);
    const int reps = n <= 1024 ? 10 : n <= 4096 ? 3 : 1;
    AttentionSpec spec;
    const double blas =
        best_seconds(reps, [&] { attend<float>("tiled-blas", spec, q, k, v, y.view()); });
    line("softmax tiled-blas", n, d, blas, flops, peak[t]);
    const double loops =
        best_seconds(reps, [&] { attend<float>("tiled-loops", spec, q, k, v, y.view()); });
    char ratio[64];
    std::snprintf(ratio, sizeof ratio, "  loops/blas=%5.2f", loops / blas);
    line("softmax tiled-loops", n, d, loops, flops, peak[t], ratio);
    if (n <= 4096) {
      const double ref =
          best_seconds(1, [&] { attend<float>("reference", spec, q, k, v, y.view()); });
      std::snprintf(ratio, sizeof ratio, "  reference/blas=%6.1f", ref / blas);
      line("softmax reference", n, d, ref, flops, peak[t], ratio);
    }
  }

  // 2. tile sizes at n = 4096
  if (!quick) {
    const std::size_t n = 4096;
    const auto q = random_matrix(n, d, 1), k = random_matrix(n, d, 2), v = random_matrix(n, d, 3);
    Matrix<float> y(n, d);
    const double flops = 4.0 * double(n) * double(n) * double(d);
    for (auto [tq, tk] : {std::pair<std::size_t, std::size_t>{32, 64},
                          {64, 128},
                          {64, 256},
                          {128, 128},
                          {128, 256},
                          {256, 512}}) {
      AttentionSpec spec;
      spec.tile_queries = tq;
      spec.tile_keys = tk;
      char tiles[64];
      std::snprintf(tiles, sizeof tiles, "  tiles=%zux%zu", tq, tk);
      for (const char* kernel : {"tiled-blas", "tiled-loops"}) {
        const double t = best_seconds(2, [&] { attend<float>(kernel, spec, q, k, v, y.view()); });
        line(kernel, n, d, t, flops, 0.0, tiles);
      }
    }
  }

  // 3. Taylor p = 2 against exact softmax, d = 16
  const std::size_t dt = 16;
  std::size_t crossover = 0;
  // below 2^10 only to locate the crossover if it lies there
  for (std::size_t n = 32; n <= (quick ? 4096u : 65536u); n *= 2) {
    const auto q = random_matrix(n, dt, 4), k = random_matrix(n, dt, 5),
               v = random_matrix(n, dt, 6);
    Matrix<float> y(n, dt);
    AttentionSpec exact;
    AttentionSpec taylor;
    taylor.mechanism = Mechanism::kTaylorSoftmax;
    taylor.taylor_order = 2;
    const int reps = n <= 1024 ? 20 : n <= 16384 ? 3 : 1;
    const double te = best_seconds(reps, [&] { attend<float>("tiled", exact, q, k, v, y.view()); });
    const double tt =
        best_seconds(reps, [&] { attend<float>("taylor", taylor, q, k, v, y.view()); });
    std::printf(
        "attention_bench: d=16 n=%6zu softmax(tiled)=%10.5f s  taylor(p=2)=%10.5f s  "
        "softmax/taylor=%8.2f\n",
        n, te, tt, te / tt);
    std::fflush(stdout);
    if (crossover == 0 && tt < te) crossover = n;
  }
  if (crossover != 0)
    std::printf(
        "attention_bench: taylor p=2 faster than exact softmax at d=16 from n=%zu on "
        "(powers of two measured)\n",
        crossover);
  else
    std::printf(
        "attention_bench: taylor p=2 never faster than exact softmax in the measured range\n");
  return 0;
}
