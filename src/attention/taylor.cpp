// Taylor attention in time linear in n (theory.md, "Taylor attention in linear time"):
// S_ij = sum_{z=0..p} c_z x_ij^z with x_ij = factor * q_i . k_j (factor = scale / temperature, as
// for softmax) equals Qhat_i . Khat_j for the symmetric features of taylor_features.hpp, with
//     Qhat_i[f] = phi_f(factor * q_i),   Khat_j[f] = c_{deg f} * weight_f * phi_f(k_j).
// So Y = S V = Qhat (Khat^T V) and the row sums are Qhat (sum_j Khat_j):
//   1. key side, once: KV = Khat^T V (F x d_v) and ksum = sum_j Khat_j (F), built block by block
//      of `tile_keys` keys (OpenMP over blocks, a private KV per thread, summed at the end);
//   2. query side, one pass: Y_block = Qhat_block KV, and for taylor-softmax each row divided by
//      Qhat_i . ksum (std::domain_error when that is not > 0: odd p with negative scores).
// Cost O(n F d_v) with F = C(d + p, p); memory O(F (d_v + tile) ) per thread, never n x n.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "attention/blas.hpp"
#include "attention/kernel.hpp"
#include "attention/parallel_errors.hpp"
#include "attention/taylor.hpp"
#include "attention/taylor_features.hpp"

namespace sethlab::attention {

template <class T>
TaylorKeySums<T> taylor_key_sums(const AttentionSpec& spec, MatrixView<const T> k,
                                 MatrixView<const T> v) {
  const std::size_t nk = k.rows, d = k.cols, dv = v.cols;
  const SymmetricFeatures features(d, static_cast<std::size_t>(spec.taylor_order));
  const std::size_t nf = features.size();
  const std::vector<double> coef = taylor_coefficients(spec);
  std::vector<T> key_weight(nf);
  for (std::size_t f = 0; f < nf; ++f)
    key_weight[f] = static_cast<T>(coef[features.degree(f)] * features.weight(f));
  const std::size_t bk = std::min(spec.tile_keys, nk);

  BlasSingleThreaded one_blas_thread;
  ParallelErrors errors;
  TaylorKeySums<T> sums{nf, std::vector<T>(nf * dv, T(0)), std::vector<T>(nf, T(0))};
  std::vector<T>& kv = sums.kv;
  std::vector<T>& ksum = sums.ksum;
  if (nk == 0) return sums;

#pragma omp parallel
  {
    std::vector<T> my_kv(nf * dv, T(0)), my_ksum(nf, T(0)), khat(bk * nf);
#pragma omp for schedule(static)
    for (std::size_t j0 = 0; j0 < nk; j0 += bk)
      errors.capture([&] {
        const std::size_t rows = std::min(bk, nk - j0);
        for (std::size_t r = 0; r < rows; ++r) {
          T* kr = khat.data() + r * nf;
          features.evaluate(k.row(j0 + r), kr);
          for (std::size_t f = 0; f < nf; ++f) {
            kr[f] *= key_weight[f];
            my_ksum[f] += kr[f];
          }
        }
        gemm_tn(nf, dv, rows, T(1), khat.data(), nf, v.row(j0), v.stride, T(1), my_kv.data(), dv);
      });
#pragma omp critical(sethlab_taylor_reduce)
    {
      for (std::size_t x = 0; x < kv.size(); ++x) kv[x] += my_kv[x];
      for (std::size_t f = 0; f < nf; ++f) ksum[f] += my_ksum[f];
    }
  }
  errors.rethrow();
  return sums;
}

template <class T>
void taylor_queries(const AttentionSpec& spec, MatrixView<const T> q, const TaylorKeySums<T>& sums,
                    MatrixView<T> y, double* log_scale, std::size_t row_offset) {
  const std::size_t nq = q.rows, d = q.cols, dv = y.cols;
  if (nq == 0) return;
  const SymmetricFeatures features(d, static_cast<std::size_t>(spec.taylor_order));
  const std::size_t nf = features.size();
  const T factor = static_cast<T>(dot_factor(spec, d));
  const bool normalise = spec.mechanism == Mechanism::kTaylorSoftmax;
  const std::size_t bq = std::min(spec.tile_queries, nq);
  const std::vector<T>& kv = sums.kv;
  const std::vector<T>& ksum = sums.ksum;

  BlasSingleThreaded one_blas_thread;
  ParallelErrors errors;
#pragma omp parallel
  {
    std::vector<T> qhat(bq * nf), scaled(d);
#pragma omp for schedule(static)
    for (std::size_t i0 = 0; i0 < nq; i0 += bq)
      errors.capture([&] {
        const std::size_t rows = std::min(bq, nq - i0);
        for (std::size_t r = 0; r < rows; ++r) {
          for (std::size_t c = 0; c < d; ++c) scaled[c] = factor * q(i0 + r, c);
          features.evaluate(scaled.data(), qhat.data() + r * nf);
        }
        gemm_nn(rows, dv, nf, T(1), qhat.data(), nf, kv.data(), dv, T(0), y.row(i0), y.stride);
        for (std::size_t r = 0; r < rows; ++r) {
          if (log_scale != nullptr) log_scale[i0 + r] = 0.0;
          if (!normalise) continue;
          const T* qr = qhat.data() + r * nf;
          T den = 0;
          for (std::size_t f = 0; f < nf; ++f) den += qr[f] * ksum[f];
          if (!(den > T(0)))
            throw std::domain_error("attention taylor (taylor-softmax): row " +
                                    std::to_string(row_offset + i0 + r) +
                                    " has polynomial score sum " + std::to_string(den) +
                                    " <= 0 (odd order p with negative scores?)");
          T* yr = y.row(i0 + r);
          for (std::size_t c = 0; c < dv; ++c) yr[c] /= den;
        }
      });
  }
  errors.rethrow();
}

template TaylorKeySums<float> taylor_key_sums(const AttentionSpec&, MatrixView<const float>,
                                              MatrixView<const float>);
template TaylorKeySums<double> taylor_key_sums(const AttentionSpec&, MatrixView<const double>,
                                               MatrixView<const double>);
template void taylor_queries(const AttentionSpec&, MatrixView<const float>,
                             const TaylorKeySums<float>&, MatrixView<float>, double*, std::size_t);
template void taylor_queries(const AttentionSpec&, MatrixView<const double>,
                             const TaylorKeySums<double>&, MatrixView<double>, double*,
                             std::size_t);

namespace {

template <class T>
void taylor(const AttentionSpec& spec, MatrixView<const T> q, MatrixView<const T> k,
            MatrixView<const T> v, MatrixView<T> y, double* log_scale) {
  taylor_queries(spec, q, taylor_key_sums(spec, k, v), y, log_scale);
}

const Registrar<KernelInfo> kRegister(
    "taylor", KernelInfo{"order-p Taylor attention with symmetric tensor features, O(n F d_v)",
                         {Mechanism::kTaylor, Mechanism::kTaylorSoftmax},
                         &taylor<float>,
                         &taylor<double>});

}  // namespace
}  // namespace sethlab::attention
