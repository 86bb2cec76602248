#pragma once
// The two halves of Taylor attention (taylor.cpp), exposed so that the distributed mode
// (distributed.cpp) can sum the key side over ranks before the query side:
//   key side    KV = Khat^T V (F x d_v) and ksum = sum_j Khat_j (F), from some keys
//   query side  Y = Qhat KV, divided row by row by Qhat_i . ksum for taylor-softmax
// The key-side sums of disjoint key blocks add up to those of their union, so one allreduce-sum
// of KV and ksum gives every rank the sums of all keys. Shapes are not checked here: callers
// validate (validate.hpp) first.
#include <cstddef>
#include <vector>

#include "attention/matrix.hpp"
#include "attention/spec.hpp"

namespace sethlab::attention {

template <class T>
struct TaylorKeySums {
  std::size_t features = 0;  // F = C(d + p, p)
  std::vector<T> kv;         // F x d_v, row-major
  std::vector<T> ksum;       // F
};

// The sums over the rows of k and v (k may have 0 rows: the sums are then 0). d = k.cols.
template <class T>
TaylorKeySums<T> taylor_key_sums(const AttentionSpec& spec, MatrixView<const T> k,
                                 MatrixView<const T> v);

// y (q.rows x d_v) from the queries and the key sums; log_scale, when given, is set to 0.
// taylor-softmax: std::domain_error when a row's denominator is not > 0. `row_offset` is added to
// the row numbers that error messages name (a rank's first global row).
template <class T>
void taylor_queries(const AttentionSpec& spec, MatrixView<const T> q, const TaylorKeySums<T>& sums,
                    MatrixView<T> y, double* log_scale, std::size_t row_offset = 0);

}  // namespace sethlab::attention
