#pragma once
// Shared by the distributed attention tests (attention_distributed_test.cpp with SerialComm,
// mpi_attention_test.cpp under mpirun): every rank builds the same full Q, K, V from one seed,
// keeps only its row block, runs attend_distributed, and the root gathers the output rows.
#include <gtest/gtest.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "attention/distributed.hpp"
#include "attention/kernel.hpp"
#include "attention_test_util.hpp"
#include "comm/comm.hpp"

namespace sethlab::attention::testing {

template <class T>
Matrix<T> rows_of(const Matrix<T>& m, RowBlock b) {
  Matrix<T> out(b.size(), m.cols());
  for (std::size_t i = 0; i < b.size(); ++i)
    std::memcpy(out.row(i), m.row(b.begin + i), m.cols() * sizeof(T));
  return out;
}

template <class T>
struct Gathered {
  Matrix<T> y;                    // n x d_v on the root, empty elsewhere
  std::vector<double> log_scale;  // n on the root when asked for
};

// Collective. A failure on one rank is reported (ADD_FAILURE) and that rank still takes part in
// the gather, so no rank is left waiting.
template <class T>
Gathered<T> distributed_on_blocks(Comm& comm, const AttentionSpec& spec, const Matrix<T>& q,
                                  const Matrix<T>& k, const Matrix<T>& v, bool with_log_scale) {
  const std::size_t n = q.rows(), dv = v.cols();
  const RowBlock b = row_block(n, comm.size(), comm.rank());
  const Matrix<T> ql = rows_of(q, b), kl = rows_of(k, b), vl = rows_of(v, b);
  Matrix<T> yl(b.size(), dv);
  std::vector<double> ls(b.size(), 0.0);
  try {
    yl = attend_distributed<T>(comm, spec, n, ql.view(), kl.view(), vl.view(),
                               with_log_scale ? &ls : nullptr);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "rank " << comm.rank() << ": " << e.what();
  }
  std::string bytes(b.size() * (dv * sizeof(T) + sizeof(double)), '\0');
  if (b.size() > 0) {
    std::memcpy(bytes.data(), yl.data(), b.size() * dv * sizeof(T));
    std::memcpy(bytes.data() + b.size() * dv * sizeof(T), ls.data(), b.size() * sizeof(double));
  }
  const std::vector<std::string> all = comm.gather(bytes);
  Gathered<T> out;
  if (!comm.is_root()) return out;
  out.y = Matrix<T>(n, dv);
  out.log_scale.assign(n, 0.0);
  for (int r = 0; r < comm.size(); ++r) {
    const RowBlock rb = row_block(n, comm.size(), r);
    const std::string& s = all[static_cast<std::size_t>(r)];
    if (s.size() != rb.size() * (dv * sizeof(T) + sizeof(double))) {
      ADD_FAILURE() << "rank " << r << " sent " << s.size() << " bytes";
      continue;
    }
    if (rb.size() == 0) continue;
    std::memcpy(out.y.row(rb.begin), s.data(), rb.size() * dv * sizeof(T));
    std::memcpy(out.log_scale.data() + rb.begin, s.data() + rb.size() * dv * sizeof(T),
                rb.size() * sizeof(double));
  }
  return out;
}

// `order` is the Taylor order p, or the window w for the sliding window.
inline AttentionSpec spec_for(Mechanism m, long order = 2) {
  AttentionSpec spec;
  spec.mechanism = m;
  spec.c = m == Mechanism::kRbf ? 0.3 : 0.5;
  spec.taylor_order = order;
  spec.window = order;
  spec.tile_queries = 4;  // small tiles: several per block
  spec.tile_keys = 8;
  return spec;
}

// Entries about e^{+-1000}: exponential overflows and rbf underflows without log_scale, so the
// log-domain outputs are compared (log_scale to rounding, Yhat relative to its largest entry).
template <class T>
void check_large_scores(Comm& comm, double c, double tolerance, std::uint64_t seed) {
  const std::size_t n = 23, d = 4, dv = 2;
  const Matrix<T> q = random_matrix<T>(n, d, 3.0, seed), k = random_matrix<T>(n, d, 3.0, seed + 1),
                  v = random_matrix<T>(n, dv, 1.0, seed + 2);
  for (Mechanism mech :
       {Mechanism::kSoftmax, Mechanism::kExponential, Mechanism::kRbf, Mechanism::kWindow}) {
    AttentionSpec spec = spec_for(mech, 6);
    spec.c = c;
    spec.scale = c;  // softmax: scores q.k * c as large as the others
    const Gathered<T> got = distributed_on_blocks(comm, spec, q, k, v, true);
    if (!comm.is_root()) continue;
    std::vector<double> want_ls;
    const Matrix<T> want =
        attend<T>(default_kernel(mech), spec, q.view(), k.view(), v.view(), &want_ls);
    const std::string what = std::string(mechanism_name(mech)) + " c=" + std::to_string(c) +
                             " ranks=" + std::to_string(comm.size()) +
                             " seed=" + std::to_string(seed) + " (+SETHLAB_ATTENTION_SEED)";
    EXPECT_LE(relative_error(got.y, want), tolerance) << what;
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(got.log_scale[i], want_ls[i], 1e-12 + tolerance * std::fabs(want_ls[i]))
          << what << " row " << i;
    }
  }
}

// The cases every rank count runs: each mechanism (Taylor with p = 2 and 3, windows from the
// diagonal alone to wider than n) on n rows, float and
// double, compared on the root with the single-node kernel. n below, equal to and above the rank
// count, divisible by it or not.
template <class T>
void check_against_serial(Comm& comm, double tolerance, std::uint64_t seed) {
  const std::size_t d = 4, dv = 3;
  const std::vector<std::pair<Mechanism, long>> cases = {
      {Mechanism::kSoftmax, 2},       {Mechanism::kExponential, 2}, {Mechanism::kRbf, 2},
      {Mechanism::kTaylor, 2},        {Mechanism::kTaylor, 3},      {Mechanism::kTaylorSoftmax, 2},
      {Mechanism::kTaylorSoftmax, 3}, {Mechanism::kWindow, 0},      {Mechanism::kWindow, 1},
      {Mechanism::kWindow, 4},        {Mechanism::kWindow, 13},     {Mechanism::kWindow, 1000}};
  for (std::size_t n : {1u, 2u, 3u, 5u, 17u, 40u, 131u})
    for (const auto& [mech, order] : cases)
      for (bool with_log_scale : {false, true}) {
        const std::uint64_t s = seed + 1000 * n;
        const Matrix<T> q = random_matrix<T>(n, d, 0.7, s), k = random_matrix<T>(n, d, 0.7, s + 1),
                        v = random_matrix<T>(n, dv, 1.0, s + 2);
        const AttentionSpec spec = spec_for(mech, order);
        const Gathered<T> got = distributed_on_blocks(comm, spec, q, k, v, with_log_scale);
        if (!comm.is_root()) continue;
        std::vector<double> want_ls;
        const Matrix<T> want = attend<T>(default_kernel(mech), spec, q.view(), k.view(), v.view(),
                                         with_log_scale ? &want_ls : nullptr);
        const std::string what = std::string(mechanism_name(mech)) +
                                 " p or w=" + std::to_string(order) + " n=" + std::to_string(n) +
                                 " ranks=" + std::to_string(comm.size()) +
                                 " log_scale=" + std::to_string(with_log_scale) +
                                 " seed=" + std::to_string(s) + " (+SETHLAB_ATTENTION_SEED)";
        EXPECT_LE(relative_error(got.y, want), tolerance) << what;
        if (with_log_scale) {
          for (std::size_t i = 0; i < n; ++i) {
            EXPECT_NEAR(got.log_scale[i], want_ls[i], 1e-12 + tolerance * std::fabs(want_ls[i]))
                << what << " row " << i;
          }
        }
      }
}

}  // namespace sethlab::attention::testing
