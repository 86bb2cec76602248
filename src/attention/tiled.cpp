// Tiled attention with an online softmax (the FlashAttention recurrence), for softmax,
// exponential, sliding window and RBF.
//
// Queries are cut into tiles of `tile_queries` rows, shared among OpenMP threads (dynamic
// schedule); each thread walks the key tiles of `tile_keys` rows. For a query row it keeps the
// running maximum m of its scores, the running sum l of e^{s - m} and the accumulator
// acc = sum e^{s - m} v_j; when a key tile raises the maximum to m', l and acc are multiplied by
// e^{m - m'} first. After the last tile: Y = acc / l (normalised) or Y = e^m acc (unnormalised,
// see row_output.hpp). No score is ever exponentiated without subtracting a maximum, so large
// entries cannot overflow; the extra memory per thread is the score tile (tile_queries x
// tile_keys), the accumulator tile (tile_queries x d_v) and a few vectors of those lengths,
// independent of n.
//
// Two inner-product engines, the same tiling:
//   tiled-blas   S = Q_t K_t^T and acc += P V_t with cblas gemm (OpenBLAS, one thread per caller)
//   tiled-loops  hand-written loops over a transposed key tile (vector_loops.hpp), written so
//                the compiler vectorises them, with clones for AVX-512, AVX2 and SSE2
// The sliding window visits only the key tiles that meet the window of some row of the query
// tile (O(n w d) work) and masks scores outside |i - j| <= w/2 with -inf.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "attention/blas.hpp"
#include "attention/kernel.hpp"
#include "attention/parallel_errors.hpp"
#include "attention/row_output.hpp"
#include "attention/vector_loops.hpp"

namespace sethlab::attention {
namespace {

template <class T>
struct Workspace {
  Workspace(std::size_t bq, std::size_t bk, std::size_t d, std::size_t dv)
      : s(bq * bk), acc(bq * dv), m(bq), l(bq), kt(d * bk), qn(bq), kn(bk) {}
  std::vector<T> s, acc, m, l, kt, qn, kn;
};

// Scores of a query tile (rows x d) against a key tile (cols x d) into s (leading dim ldS),
// before the mechanism's post-processing: dot products times alpha.
template <class T>
void dots_blas(MatrixView<const T> qt, MatrixView<const T> kt_rows, T alpha, T* s,
               std::size_t lds) {
  gemm_nt(qt.rows, kt_rows.rows, qt.cols, alpha, qt.data, qt.stride, kt_rows.data, kt_rows.stride,
          T(0), s, lds);
}

template <class T>
T squared_norm(const T* x, std::size_t d) {
  T a = 0;
#pragma omp simd reduction(+ : a)
  for (std::size_t c = 0; c < d; ++c) a += x[c] * x[c];
  return a;
}

template <class T, bool kBlas>
void tiled(const AttentionSpec& spec, MatrixView<const T> q, MatrixView<const T> k,
           MatrixView<const T> v, MatrixView<T> y, double* log_scale) {
  const std::size_t nq = q.rows, nk = k.rows, d = q.cols, dv = v.cols;
  const std::size_t bq = std::min(spec.tile_queries, nq), bk = std::min(spec.tile_keys, nk);
  const Mechanism mech = spec.mechanism;
  const bool rbf = mech == Mechanism::kRbf, window = mech == Mechanism::kWindow;
  const T factor =
      static_cast<T>(mech == Mechanism::kSoftmax || window ? dot_factor(spec, d) : spec.c);
  const long half = spec.window / 2;
  const std::size_t tiles = (nq + bq - 1) / bq;
  constexpr T kMasked = -std::numeric_limits<T>::infinity();

  std::optional<BlasSingleThreaded> one_blas_thread;
  if constexpr (kBlas) one_blas_thread.emplace();
  ParallelErrors errors;

#pragma omp parallel
  {
    Workspace<T> w(bq, bk, d, dv);
#pragma omp for schedule(dynamic)
    for (std::size_t t = 0; t < tiles; ++t)
      errors.capture([&] {
        const std::size_t i0 = t * bq, rows = std::min(bq, nq - i0);
        const MatrixView<const T> qt = q.row_block(i0, rows);
        std::fill(w.m.begin(), w.m.end(), kMasked);
        std::fill(w.l.begin(), w.l.end(), T(0));
        std::fill(w.acc.begin(), w.acc.end(), T(0));
        std::size_t key_lo = 0, key_hi = nk;
        if (window) {
          const long lo = static_cast<long>(i0) - half;
          const long hi = static_cast<long>(i0 + rows - 1) + half + 1;
          key_lo = lo < 0 ? 0 : static_cast<std::size_t>(lo);
          key_hi = std::min(nk, static_cast<std::size_t>(hi));
        }
        if (rbf && kBlas)
          for (std::size_t r = 0; r < rows; ++r) w.qn[r] = squared_norm(qt.row(r), d);

        for (std::size_t j0 = key_lo; j0 < key_hi; j0 += bk) {
          const std::size_t cols = std::min(bk, key_hi - j0);
          const MatrixView<const T> ktile = k.row_block(j0, cols);
          T* s = w.s.data();
          // 1. scores s = f(q_i, k_j)
          if constexpr (kBlas) {
            dots_blas(qt, ktile, rbf ? T(2) * factor : factor, s, bk);
            if (rbf) {  // -c ||q - k||^2 = 2c q.k - c |q|^2 - c |k|^2, never above 0 for c >= 0
              for (std::size_t j = 0; j < cols; ++j) w.kn[j] = squared_norm(ktile.row(j), d);
              for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t j = 0; j < cols; ++j) {
                  const T x = s[r * bk + j] - factor * (w.qn[r] + w.kn[j]);
                  s[r * bk + j] = factor >= 0 ? std::min(x, T(0)) : x;
                }
            }
          } else {
            for (std::size_t j = 0; j < cols; ++j)
              for (std::size_t c = 0; c < d; ++c) w.kt[c * bk + j] = ktile(j, c);
            tile_scores_loops(qt.data, qt.stride, rows, w.kt.data(), bk, cols, d,
                              rbf ? -factor : factor, rbf, s, bk);
          }
          // 2. window mask, online maximum and sum; s becomes the weights e^{s - m'}
          for (std::size_t r = 0; r < rows; ++r) {
            T* sr = s + r * bk;
            if (window) {
              const long gi = static_cast<long>(i0 + r);
              for (std::size_t j = 0; j < cols; ++j) {
                const long gap = gi - static_cast<long>(j0 + j);
                if (gap > half || -gap > half) sr[j] = kMasked;
              }
            }
            const T m_new = std::max(w.m[r], row_max(sr, cols));
            if (m_new == kMasked) {  // nothing of this row in this tile
              std::fill(sr, sr + cols, T(0));
              continue;
            }
            const T rescale = std::exp(w.m[r] - m_new);  // 0 on the first tile with a score
            const T sum = exp_shifted(sr, cols, m_new);
            w.l[r] = w.l[r] * rescale + sum;
            if (rescale != T(1)) {
              T* ar = w.acc.data() + r * dv;
              for (std::size_t c = 0; c < dv; ++c) ar[c] *= rescale;
            }
            w.m[r] = m_new;
          }
          // 3. acc += P V_t
          if constexpr (kBlas) {
            gemm_nn(rows, dv, cols, T(1), s, bk, v.row(j0), v.stride, T(1), w.acc.data(), dv);
          } else {
            tile_accumulate_loops(s, bk, rows, cols, v.row(j0), v.stride, dv, w.acc.data(), dv);
          }
        }
        // 4. output rows
        for (std::size_t r = 0; r < rows; ++r) {
          const T* ar = w.acc.data() + r * dv;
          T* yr = y.row(i0 + r);
          if (is_normalised(mech)) {
            const T inv = T(1) / w.l[r];
            for (std::size_t c = 0; c < dv; ++c) yr[c] = ar[c] * inv;
            if (log_scale != nullptr) log_scale[i0 + r] = 0.0;
          } else {
            write_unnormalised_row(yr, ar, dv, static_cast<double>(w.m[r]), log_scale, i0 + r);
          }
        }
      });
  }
  errors.rethrow();
}

const std::vector<Mechanism> kExact = {Mechanism::kSoftmax, Mechanism::kExponential,
                                       Mechanism::kWindow, Mechanism::kRbf};

const Registrar<KernelInfo> kBlasKernel(
    "tiled-blas", KernelInfo{"query x key tiles, online softmax, OpenBLAS gemm on tiles", kExact,
                             &tiled<float, true>, &tiled<double, true>});
const Registrar<KernelInfo> kLoopsKernel(
    "tiled-loops", KernelInfo{"query x key tiles, online softmax, hand-written vector loops",
                              kExact, &tiled<float, false>, &tiled<double, false>});
// The default: BLAS measured faster (bench/attention_bench.cpp; numbers in the README section).
const Registrar<KernelInfo> kDefaultKernel("tiled",
                                           KernelInfo{"the faster tiled engine (tiled-blas)",
                                                      kExact, &tiled<float, true>,
                                                      &tiled<double, true>});

}  // namespace
}  // namespace sethlab::attention
