#pragma once
// The hand-written inner loops of the `tiled-loops` kernel: the two tile products of attention,
// written so that the compiler vectorises them (fixed-size register blocks, unit-stride inner
// loops, `omp simd`). On x86-64 with GCC or Clang each is compiled three times (AVX-512, AVX2+FMA,
// baseline SSE2) and the best clone for the running CPU is picked at load time
// (target_clones), as OpenBLAS picks its kernels at run time; a plain build targets SSE2 only.
#include <cstddef>

namespace sethlab::attention {

// s[r][j] = alpha * sum_c q[r][c] kt[c][j]          (squared_distance = false), or
// s[r][j] = alpha * sum_c (q[r][c] - kt[c][j])^2    (squared_distance = true),
// for r < rows, j < cols. q is rows x d (leading dim ldq); kt is the key tile transposed,
// d x cols (leading dim ldk); s has leading dim lds.
void tile_scores_loops(const float* q, std::size_t ldq, std::size_t rows, const float* kt,
                       std::size_t ldk, std::size_t cols, std::size_t d, float alpha,
                       bool squared_distance, float* s, std::size_t lds);
void tile_scores_loops(const double* q, std::size_t ldq, std::size_t rows, const double* kt,
                       std::size_t ldk, std::size_t cols, std::size_t d, double alpha,
                       bool squared_distance, double* s, std::size_t lds);

// acc[r][c] += sum_j p[r][j] v[j][c] for r < rows, c < dv, j < cols.
void tile_accumulate_loops(const float* p, std::size_t ldp, std::size_t rows, std::size_t cols,
                           const float* v, std::size_t ldv, std::size_t dv, float* acc,
                           std::size_t ldacc);
void tile_accumulate_loops(const double* p, std::size_t ldp, std::size_t rows, std::size_t cols,
                           const double* v, std::size_t ldv, std::size_t dv, double* acc,
                           std::size_t ldacc);

}  // namespace sethlab::attention

namespace sethlab::attention {

// The online-softmax step on one row of a score tile, used by both tiled engines:
// row_max returns max_j x[j] (-inf for an empty or fully masked row);
// exp_shifted replaces x[j] by e^{x[j] - m} for m >= every x[j] (arguments <= 0, -inf allowed)
// and returns their sum. Its exponential is vectorised (vector_exp below), within 2 ulp of
// std::exp on [-87, 0] (float) and [-708, 0] (double), exactly 1 at 0, and 0 below those ranges.
float row_max(const float* x, std::size_t n);
double row_max(const double* x, std::size_t n);
float exp_shifted(float* x, std::size_t n, float m);
double exp_shifted(double* x, std::size_t n, double m);

// e^{x[j]} for x[j] <= 0 (as above) into y; for tests of the approximation.
void vector_exp(const float* x, std::size_t n, float* y);
void vector_exp(const double* x, std::size_t n, double* y);

}  // namespace sethlab::attention
