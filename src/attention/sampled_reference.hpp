#pragma once
// The float64 reference the attention experiments measure errors against, for a sample of query
// rows. Written independently of the kernels (a plain loop over keys, double throughout), and
// computed block by block over the keys so that no rank needs all of K and V: each rank folds its
// own key block into a state of the sampled rows, and the states of all blocks merge in any order
// (the log-domain merge of a running max and sums).
//
//   exp-like (softmax, window, exponential, rbf)  weight w_ij = e^{s_ij - M_i}, M_i = max_j s_ij
//   polynomial (taylor, taylor-softmax)           weight w_ij = P(x_ij), M_i = 0
// The state holds M_i, sum_j w_ij and sum_j w_ij v_j; normalised mechanisms divide the two.
#include <cstddef>
#include <vector>

#include "attention/matrix.hpp"
#include "attention/spec.hpp"

namespace sethlab::attention {

struct SampledState {
  std::size_t rows = 0, d_v = 0;
  std::vector<double> log_max;        // M_i (-inf while no key has been seen)
  std::vector<double> weight;         // sum_j w_ij
  std::vector<double> acc;            // rows x d_v: sum_j w_ij v_j
  std::vector<double> max_abs_score;  // max_j |s_ij| (or |x_ij|): R of theory.md's Taylor bound

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& rows& d_v& log_max& weight& acc& max_abs_score;
  }
};

// The state of queries q (one row per sampled query, at global positions `positions`) over the
// keys k and values v whose first row is global key `key_offset`. d = q.cols = k.cols.
template <class T>
SampledState reference_block(const AttentionSpec& spec, MatrixView<const double> q,
                             const std::vector<std::size_t>& positions, MatrixView<const T> k,
                             MatrixView<const T> v, std::size_t key_offset);

// Folds `other` (the same rows, other keys) into `into`.
void merge_states(SampledState& into, const SampledState& other);

// The reference output rows: normalised mechanisms give sum w v / sum w (log_scale 0); the
// unnormalised exp-like ones give the sums scaled by e^{-M_i} with log_scale M_i; taylor gives
// the sums (log_scale 0). The true row is e^{log_scale_i} times the returned row.
Matrix<double> reference_rows(const AttentionSpec& spec, const SampledState& s,
                              std::vector<double>& log_scale);

// Errors of rows y (true row e^{y_log_scale_i} y_i) against reference rows r (true row
// e^{r_log_scale_i} r_i), both compared after dividing by e^{r_log_scale_i}.
struct RowErrors {
  double max_abs = 0;    // max over entries of |y - r|
  double mean_abs = 0;   // mean over entries
  double max_rel = 0;    // max over rows of max_j |y_ij - r_ij| / max_j |r_ij|
  double block_rel = 0;  // max over entries of |y - r|, divided by max over entries of |r|
};
RowErrors compare_rows(MatrixView<const double> y, const std::vector<double>& y_log_scale,
                       MatrixView<const double> r, const std::vector<double>& r_log_scale);

}  // namespace sethlab::attention
