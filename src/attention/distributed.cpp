// Attention over ranks: the ring for the exact mechanisms, one allreduce for Taylor (see
// distributed.hpp for the contract).
//
// Ring merge. For a visiting K/V block the block kernel (tiled, run as `exponential`, with
// log_scale) returns per local query row m_b = max_j s_ij over the block and
// Yhat_b = sum_j e^{s_ij - m_b} [v_j ; 1] (the column of ones only for softmax and window: it
// carries the row's sum of weights l_b). The rank keeps M_i = max of the m_b seen and A_i = sum_b
// e^{m_b - M_i} Yhat_b: when m_b > M_i, A_i is first multiplied by e^{M_i - m_b}. This is the
// online-softmax recurrence of tiled.cpp with a K/V block in place of a key tile, in double.
// After the last block: softmax Y_i = A_i[0..d_v) / A_i[d_v]; exponential and rbf Y_i =
// e^{M_i} A_i (row_output.hpp: log_scale, or an overflow error). Softmax is run as exponential
// with c = dot_factor(spec, d): the same scores q.k * scale / temperature. The sliding window
// uses the same state and normalisation, but merges each block directly (merge_window_block):
// only its keys within the band of global positions, so a block far from a rank's queries costs
// nothing but its shift.
#include "attention/distributed.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "attention/blas.hpp"
#include "attention/kernel.hpp"
#include "attention/parallel_errors.hpp"
#include "attention/row_output.hpp"
#include "attention/taylor.hpp"
#include "attention/taylor_features.hpp"
#include "attention/validate.hpp"
#include "attention/vector_loops.hpp"

namespace sethlab::attention {

RowBlock row_block(std::size_t n, int ranks, int rank) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw std::invalid_argument("row_block: rank " + std::to_string(rank) + " of " +
                                std::to_string(ranks) + " ranks");
  const auto p = static_cast<std::size_t>(ranks), r = static_cast<std::size_t>(rank);
  const std::size_t base = n / p, extra = n % p;  // the first `extra` ranks get one row more
  const std::size_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

namespace {

std::string where_of(const AttentionSpec& spec) {
  return std::string("distributed attention (") + mechanism_name(spec.mechanism) + ")";
}

std::string block_kernel(const std::string& kernel) {
  return kernel.empty() ? default_kernel(Mechanism::kExponential) : kernel;
}

// This rank's verdict on its inputs: "" or why they are refused.
template <class T>
std::string local_problem(const Comm& comm, const AttentionSpec& spec, std::size_t n,
                          MatrixView<const T> q, MatrixView<const T> k, MatrixView<const T> v,
                          MatrixView<T> y, const std::string& kernel) {
  const std::string where = where_of(spec);
  try {
    validate(where, spec, {n, q.cols, n, k.cols, n, v.cols, n, y.cols});
    const RowBlock b = row_block(n, comm.size(), comm.rank());
    if (q.rows != b.size() || k.rows != b.size() || v.rows != b.size() || y.rows != b.size())
      throw std::invalid_argument(
          where + ": rank " + std::to_string(comm.rank()) + " of " + std::to_string(comm.size()) +
          " holds rows [" + std::to_string(b.begin) + ", " + std::to_string(b.end) +
          ") of n = " + std::to_string(n) + ", so Q, K, V and Y need " + std::to_string(b.size()) +
          " rows each; got " + std::to_string(q.rows) + ", " + std::to_string(k.rows) + ", " +
          std::to_string(v.rows) + ", " + std::to_string(y.rows));
    if (q.stride < q.cols || k.stride < k.cols || v.stride < v.cols || y.stride < y.cols)
      throw std::invalid_argument(where +
                                  ": a matrix view has a row stride below its column count");
    if (is_taylor(spec.mechanism)) {
      symmetric_feature_count(q.cols, static_cast<std::size_t>(spec.taylor_order));  // may throw
    } else {
      const std::string name = block_kernel(kernel);
      const KernelInfo* info = KernelRegistry::instance().find(name);
      if (info == nullptr || !info->supports(Mechanism::kExponential) ||
          !info->supports(Mechanism::kRbf))
        throw std::invalid_argument(where + ": block kernel '" + name +
                                    "' is unknown or does not compute exponential and rbf");
    }
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// max(x) == min(x) over the ranks, with min(x) = ~max(~x) (no overflow, unlike -max(-x)).
bool same_on_every_rank(Comm& comm, std::int64_t x) {
  return comm.allreduce_max(x) == ~comm.allreduce_max(~x);
}

bool same_on_every_rank(Comm& comm, double x) {
  return same_on_every_rank(comm, std::bit_cast<std::int64_t>(x));
}

// Everything that shapes the messages or the result must agree; tile sizes need not.
bool spec_agrees(Comm& comm, const AttentionSpec& spec) {
  bool same = same_on_every_rank(comm, static_cast<std::int64_t>(spec.mechanism));
  same = same_on_every_rank(comm, spec.scale) && same;
  same = same_on_every_rank(comm, spec.temperature) && same;
  same = same_on_every_rank(comm, spec.c) && same;
  same = same_on_every_rank(comm, static_cast<std::int64_t>(spec.window)) && same;
  same = same_on_every_rank(comm, static_cast<std::int64_t>(spec.taylor_order)) && same;
  const auto count = static_cast<std::int64_t>(spec.taylor_coefficients.size());
  if (!same_on_every_rank(comm, count)) return false;  // every rank returns here together
  for (double c : spec.taylor_coefficients) same = same_on_every_rank(comm, c) && same;
  return same;
}

// Collective: every rank learns whether any rank refused, before any other communication.
void agree_or_throw(Comm& comm, const AttentionSpec& spec, const std::string& problem,
                    std::size_t n, std::size_t d, std::size_t dv) {
  const bool refused = comm.allreduce_max(problem.empty() ? 0 : 1) != 0;
  bool same = same_on_every_rank(comm, static_cast<std::int64_t>(n));
  same = same_on_every_rank(comm, static_cast<std::int64_t>(d)) && same;
  same = same_on_every_rank(comm, static_cast<std::int64_t>(dv)) && same;
  same = spec_agrees(comm, spec) && same;
  if (!problem.empty()) throw std::invalid_argument(problem);
  if (refused)
    throw std::invalid_argument(where_of(spec) +
                                ": inputs refused on another rank (its message says why)");
  if (!same)
    throw std::invalid_argument(where_of(spec) +
                                ": n, d, d_v or the spec (mechanism, scale, temperature, c, "
                                "window, Taylor order or coefficients) differ between ranks");
}

// The sliding window on one visiting block, merged straight into the running state: for local
// query i (global position first_q + i) only the block's keys j with |i - j| <= half. The tiled
// kernel cannot do this block (its mask uses positions inside its own arguments), so the same
// steps run here on tiles of kWindowTile queries: the band's keys for the tile scored with one
// gemm, masked, the row maximum folded into M_i (rescaling A_i when it grows), the weights
// e^{s - M_i} (vectorised exp) times [v ; 1] with a second gemm, added to A_i in double.
// Work O(rows of q x (2 half + kWindowTile) x (d + d_v)) per rank over the whole ring.
constexpr std::size_t kWindowTile = 64;

template <class T>
void merge_window_block(MatrixView<const T> q, std::size_t first_q, MatrixView<const T> kb,
                        MatrixView<const T> vb, std::size_t first_k, std::size_t half,
                        double factor, double* big_m, double* acc) {
  const std::size_t nq = q.rows, d = q.cols, w = vb.cols;
  const std::size_t tiles = (nq + kWindowTile - 1) / kWindowTile;
  constexpr T kMasked = -std::numeric_limits<T>::infinity();
  BlasSingleThreaded one_blas_thread;  // parallel over tiles, as the tiled kernel is
  ParallelErrors errors;
#pragma omp parallel
  {
    std::vector<T> s, pv;
#pragma omp for schedule(dynamic)
    for (std::size_t t = 0; t < tiles; ++t)
      errors.capture([&] {
        const std::size_t i0 = t * kWindowTile, rows = std::min(kWindowTile, nq - i0);
        const std::size_t g0 = first_q + i0, g1 = g0 + rows - 1;  // global positions
        const std::size_t lo = std::max(g0 >= half ? g0 - half : 0, first_k);
        const std::size_t hi = std::min(g1 + half + 1, first_k + kb.rows);
        if (lo >= hi) return;  // the band misses this block
        const std::size_t cols = hi - lo;
        s.resize(rows * cols);
        pv.resize(rows * w);
        gemm_nt(rows, cols, d, static_cast<T>(factor), q.row(i0), q.stride, kb.row(lo - first_k),
                kb.stride, T(0), s.data(), cols);
        for (std::size_t r = 0; r < rows; ++r) {
          T* sr = s.data() + r * cols;
          const std::size_t gi = g0 + r;
          for (std::size_t j = 0; j < cols; ++j) {
            const std::size_t gj = lo + j;
            if ((gi > gj ? gi - gj : gj - gi) > half) sr[j] = kMasked;
          }
          double* ar = acc + (i0 + r) * w;
          const T block_max = row_max(sr, cols);
          if (block_max == kMasked) {  // no key of this row in the band
            std::fill(sr, sr + cols, T(0));
            continue;
          }
          const double m_new = std::max(big_m[i0 + r], static_cast<double>(block_max));
          if (m_new > big_m[i0 + r]) {
            const double shrink = std::exp(big_m[i0 + r] - m_new);  // 0 on the first keys
            for (std::size_t c = 0; c < w; ++c) ar[c] *= shrink;
            big_m[i0 + r] = m_new;
          }
          exp_shifted(sr, cols, static_cast<T>(m_new));
        }
        gemm_nn(rows, w, cols, T(1), s.data(), cols, vb.row(lo - first_k), vb.stride, T(0),
                pv.data(), w);
        for (std::size_t r = 0; r < rows; ++r) {
          double* ar = acc + (i0 + r) * w;
          const T* pr = pv.data() + r * w;
          for (std::size_t c = 0; c < w; ++c) ar[c] += static_cast<double>(pr[c]);
        }
      });
  }
  errors.rethrow();
}

// A visiting block through the block kernel (exponential or rbf, with log_scale), then merged.
template <class T>
void merge_kernel_block(const std::string& kernel, const AttentionSpec& block_spec,
                        MatrixView<const T> q, MatrixView<const T> kb, MatrixView<const T> vb,
                        Matrix<T>& part, std::vector<double>& part_scale,
                        std::vector<double>& big_m, std::vector<double>& acc) {
  const std::size_t w = vb.cols;
  attend<T>(kernel, block_spec, q, kb, vb, part.view(), part_scale.data());
  for (std::size_t i = 0; i < q.rows; ++i) {
    const T* pr = part.row(i);
    if (std::all_of(pr, pr + w, [](T x) { return x == T(0); })) continue;  // adds nothing
    double* ar = acc.data() + i * w;
    const double m = part_scale[i];
    if (m > big_m[i]) {
      const double shrink = std::exp(big_m[i] - m);  // 0 for the first block with weight
      for (std::size_t c = 0; c < w; ++c) ar[c] *= shrink;
      big_m[i] = m;
    }
    const double f = std::exp(m - big_m[i]);
    for (std::size_t c = 0; c < w; ++c) ar[c] += f * static_cast<double>(pr[c]);
  }
}

// The ring's buffers, kept from call to call (per thread and element type) until
// release_ring_buffers: allocating several MiB afresh on every call costs page faults each time,
// a visible part of the window's O(n w) time that also made its timings depend on what ran
// before.
template <class T>
struct RingBuffers {
  std::vector<T> cur, next;  // the visiting packed K/V block and the one arriving
  std::vector<double> big_m, acc;
};

template <class T>
RingBuffers<T>& ring_buffers() {
  static thread_local RingBuffers<T> buffers;
  return buffers;
}

template <class T>
void ring(Comm& comm, const AttentionSpec& spec, std::size_t n, MatrixView<const T> q,
          MatrixView<const T> k, MatrixView<const T> v, MatrixView<T> y, double* log_scale,
          const std::string& kernel) {
  const int ranks = comm.size(), me = comm.rank();
  const std::size_t nq = q.rows, d = q.cols, dv = v.cols;
  const bool window = spec.mechanism == Mechanism::kWindow;
  const bool normalised = spec.mechanism == Mechanism::kSoftmax || window;
  const std::size_t w = dv + (normalised ? 1 : 0);  // a column of ones sums the weights
  const std::size_t width = d + w;                  // one packed key row: k_j then [v_j ; 1]
  AttentionSpec block_spec = spec;
  if (normalised) {
    block_spec.mechanism = Mechanism::kExponential;
    block_spec.c = dot_factor(spec, d);
  }

  const std::size_t first = row_block(n, ranks, me).begin;  // global position of local row 0
  // The visiting block (rows x d keys, then rows x w values) and the one arriving.
  const std::size_t max_rows = row_block(n, ranks, 0).size();
  RingBuffers<T>& buffers = ring_buffers<T>();
  std::vector<T>& cur = buffers.cur;
  std::vector<T>& next = buffers.next;
  // Overwritten before they are read (cur: own rows packed below; next: received): only resized.
  cur.resize(max_rows * width);
  next.resize(max_rows * width);
  const std::size_t own = k.rows;
  for (std::size_t j = 0; j < own; ++j) {
    std::copy(k.row(j), k.row(j) + d, cur.data() + j * d);
    T* vr = cur.data() + own * d + j * w;
    std::copy(v.row(j), v.row(j) + dv, vr);
    if (normalised) vr[dv] = T(1);
  }

  std::vector<double>& big_m = buffers.big_m;
  std::vector<double>& acc = buffers.acc;
  big_m.assign(nq, -std::numeric_limits<double>::infinity());
  acc.assign(nq * w, 0.0);
  Matrix<T> part(window ? 0 : nq, w);  // the block kernel's output (the window merges directly)
  std::vector<double> part_scale(window ? 0 : nq, 0.0);
  std::string error;  // a failure on this rank: reported after the ring, so no rank is left waiting
  for (int step = 0; step < ranks; ++step) {
    const int owner = (me - step + ranks) % ranks;
    const std::size_t rows = row_block(n, ranks, owner).size();
    if (rows > 0 && nq > 0 && error.empty()) {
      try {
        const MatrixView<const T> kb(cur.data(), rows, d), vb(cur.data() + rows * d, rows, w);
        if (window) {
          merge_window_block(q, first, kb, vb, row_block(n, ranks, owner).begin,
                             static_cast<std::size_t>(spec.window / 2), dot_factor(spec, d),
                             big_m.data(), acc.data());
        } else {
          merge_kernel_block(block_kernel(kernel), block_spec, q, kb, vb, part, part_scale, big_m,
                             acc);
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (step + 1 < ranks) {
      const int incoming_owner = (me - step - 1 + ranks) % ranks;
      const std::size_t in_rows = row_block(n, ranks, incoming_owner).size();
      comm.sendrecv(cur.data(), rows * width * sizeof(T), (me + 1) % ranks, next.data(),
                    in_rows * width * sizeof(T), (me - 1 + ranks) % ranks);
      std::swap(cur, next);
    }
  }
  const bool failed_somewhere = comm.allreduce_max(error.empty() ? 0 : 1) != 0;
  if (!error.empty()) throw std::runtime_error(where_of(spec) + ": " + error);
  if (failed_somewhere)
    throw std::runtime_error(where_of(spec) + ": a block kernel failed on another rank");

  for (std::size_t i = 0; i < nq; ++i) {
    const double* ar = acc.data() + i * w;
    T* yr = y.row(i);
    if (normalised) {  // ar[dv] >= 1: the row's largest weight is e^0 (window: i itself)
      for (std::size_t c = 0; c < dv; ++c) yr[c] = static_cast<T>(ar[c] / ar[dv]);
      if (log_scale != nullptr) log_scale[i] = 0.0;
    } else if (log_scale != nullptr) {
      log_scale[i] = std::isfinite(big_m[i]) ? big_m[i] : 0.0;  // not finite: acc is 0
      for (std::size_t c = 0; c < dv; ++c) yr[c] = static_cast<T>(ar[c]);
    } else {
      write_unnormalised_row(yr, ar, dv, big_m[i], nullptr, first + i);
    }
  }
}

template <class T>
void taylor_allreduce(Comm& comm, const AttentionSpec& spec, std::size_t n, MatrixView<const T> q,
                      MatrixView<const T> k, MatrixView<const T> v, MatrixView<T> y,
                      double* log_scale) {
  TaylorKeySums<T> sums = taylor_key_sums(spec, k, v);
  comm.allreduce_sum(sums.kv.data(), sums.kv.size());
  comm.allreduce_sum(sums.ksum.data(), sums.ksum.size());
  taylor_queries(spec, q, sums, y, log_scale, row_block(n, comm.size(), comm.rank()).begin);
}

}  // namespace

template <class T>
void attend_distributed(Comm& comm, const AttentionSpec& spec, std::size_t n, MatrixView<const T> q,
                        MatrixView<const T> k, MatrixView<const T> v, MatrixView<T> y,
                        double* log_scale, const std::string& kernel) {
  agree_or_throw(comm, spec, local_problem(comm, spec, n, q, k, v, y, kernel), n, q.cols, v.cols);
  if (is_taylor(spec.mechanism))
    taylor_allreduce(comm, spec, n, q, k, v, y, log_scale);
  else
    ring(comm, spec, n, q, k, v, y, log_scale, kernel);
}

template <class T>
Matrix<T> attend_distributed(Comm& comm, const AttentionSpec& spec, std::size_t n,
                             MatrixView<const T> q, MatrixView<const T> k, MatrixView<const T> v,
                             std::vector<double>* log_scale, const std::string& kernel) {
  Matrix<T> y(q.rows, v.cols);
  if (log_scale != nullptr) log_scale->assign(q.rows, 0.0);
  attend_distributed<T>(comm, spec, n, q, k, v, y.view(), log_scale ? log_scale->data() : nullptr,
                        kernel);
  return y;
}

template void attend_distributed<float>(Comm&, const AttentionSpec&, std::size_t,
                                        MatrixView<const float>, MatrixView<const float>,
                                        MatrixView<const float>, MatrixView<float>, double*,
                                        const std::string&);
template Matrix<float> attend_distributed<float>(Comm&, const AttentionSpec&, std::size_t,
                                                 MatrixView<const float>, MatrixView<const float>,
                                                 MatrixView<const float>, std::vector<double>*,
                                                 const std::string&);
template void attend_distributed<double>(Comm&, const AttentionSpec&, std::size_t,
                                         MatrixView<const double>, MatrixView<const double>,
                                         MatrixView<const double>, MatrixView<double>, double*,
                                         const std::string&);
template Matrix<double> attend_distributed<double>(Comm&, const AttentionSpec&, std::size_t,
                                                   MatrixView<const double>,
                                                   MatrixView<const double>,
                                                   MatrixView<const double>, std::vector<double>*,
                                                   const std::string&);

void release_ring_buffers() {
  ring_buffers<float>() = {};
  ring_buffers<double>() = {};
}

}  // namespace sethlab::attention
