#include "attention/sampled_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace sethlab::attention {
namespace {

constexpr double kNoKey = -std::numeric_limits<double>::infinity();

bool polynomial(Mechanism m) {
  return is_taylor(m);
}

}  // namespace

template <class T>
SampledState reference_block(const AttentionSpec& spec, MatrixView<const double> q,
                             const std::vector<std::size_t>& positions, MatrixView<const T> k,
                             MatrixView<const T> v, std::size_t key_offset) {
  if (positions.size() != q.rows || k.cols != q.cols || v.rows != k.rows)
    throw std::invalid_argument("reference_block: shapes do not match");
  const std::size_t s = q.rows, d = q.cols, dv = v.cols;
  SampledState st;
  st.rows = s;
  st.d_v = dv;
  st.log_max.assign(s, polynomial(spec.mechanism) ? 0.0 : kNoKey);
  st.weight.assign(s, 0.0);
  st.acc.assign(s * dv, 0.0);
  st.max_abs_score.assign(s, 0.0);
  const double factor = dot_factor(spec, d);
  const std::vector<double> coef = taylor_coefficients(spec);
  const long half = spec.window / 2;

#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t i = 0; i < s; ++i) {
    const double* qi = q.row(i);
    // The keys this query sees, and their scores (x for polynomial mechanisms).
    std::vector<std::size_t> keys;
    std::vector<double> score;
    keys.reserve(k.rows);
    score.reserve(k.rows);
    for (std::size_t j = 0; j < k.rows; ++j) {
      if (spec.mechanism == Mechanism::kWindow) {
        const long gap = static_cast<long>(positions[i]) - static_cast<long>(key_offset + j);
        if (gap > half || gap < -half) continue;
      }
      const T* kj = k.row(j);
      double dot = 0, dist2 = 0;
      for (std::size_t t = 0; t < d; ++t) {
        const double kt = static_cast<double>(kj[t]);
        dot += qi[t] * kt;
        dist2 += (qi[t] - kt) * (qi[t] - kt);
      }
      double sc = 0;
      switch (spec.mechanism) {
        case Mechanism::kSoftmax:
        case Mechanism::kWindow:
        case Mechanism::kTaylor:
        case Mechanism::kTaylorSoftmax:
          sc = dot * factor;
          break;
        case Mechanism::kExponential:
          sc = spec.c * dot;
          break;
        case Mechanism::kRbf:
          sc = -spec.c * dist2;
          break;
      }
      keys.push_back(j);
      score.push_back(sc);
      st.max_abs_score[i] = std::max(st.max_abs_score[i], std::abs(sc));
    }
    double m = st.log_max[i];
    if (!polynomial(spec.mechanism))
      for (const double sc : score) m = std::max(m, sc);
    st.log_max[i] = m;
    double* acc = &st.acc[i * dv];
    double weight = 0;
    for (std::size_t t = 0; t < keys.size(); ++t) {
      double w;
      if (polynomial(spec.mechanism)) {
        w = 0;  // Horner: c_0 + x (c_1 + x (c_2 + ...))
        for (std::size_t z = coef.size(); z-- > 0;) w = w * score[t] + coef[z];
      } else {
        w = std::exp(score[t] - m);
      }
      weight += w;
      const T* vj = v.row(keys[t]);
      for (std::size_t c = 0; c < dv; ++c) acc[c] += w * static_cast<double>(vj[c]);
    }
    st.weight[i] = weight;
  }
  return st;
}

template SampledState reference_block<float>(const AttentionSpec&, MatrixView<const double>,
                                             const std::vector<std::size_t>&,
                                             MatrixView<const float>, MatrixView<const float>,
                                             std::size_t);
template SampledState reference_block<double>(const AttentionSpec&, MatrixView<const double>,
                                              const std::vector<std::size_t>&,
                                              MatrixView<const double>, MatrixView<const double>,
                                              std::size_t);

void merge_states(SampledState& into, const SampledState& other) {
  if (into.rows != other.rows || into.d_v != other.d_v)
    throw std::invalid_argument("merge_states: states of different shapes");
  for (std::size_t i = 0; i < into.rows; ++i) {
    const double m = std::max(into.log_max[i], other.log_max[i]);
    if (m == kNoKey) continue;  // neither block had a key for this row
    const double a = into.log_max[i] == kNoKey ? 0.0 : std::exp(into.log_max[i] - m);
    const double b = other.log_max[i] == kNoKey ? 0.0 : std::exp(other.log_max[i] - m);
    into.log_max[i] = m;
    into.weight[i] = a * into.weight[i] + b * other.weight[i];
    for (std::size_t c = 0; c < into.d_v; ++c)
      into.acc[i * into.d_v + c] = a * into.acc[i * into.d_v + c] + b * other.acc[i * into.d_v + c];
    into.max_abs_score[i] = std::max(into.max_abs_score[i], other.max_abs_score[i]);
  }
}

Matrix<double> reference_rows(const AttentionSpec& spec, const SampledState& s,
                              std::vector<double>& log_scale) {
  Matrix<double> y(s.rows, s.d_v);
  log_scale.assign(s.rows, 0.0);
  const bool normalised = is_normalised(spec.mechanism);
  for (std::size_t i = 0; i < s.rows; ++i) {
    for (std::size_t c = 0; c < s.d_v; ++c)
      y(i, c) = normalised ? s.acc[i * s.d_v + c] / s.weight[i] : s.acc[i * s.d_v + c];
    if (!normalised && !is_taylor(spec.mechanism))
      log_scale[i] = s.log_max[i] == kNoKey ? 0.0 : s.log_max[i];
  }
  return y;
}

RowErrors compare_rows(MatrixView<const double> y, const std::vector<double>& y_log_scale,
                       MatrixView<const double> r, const std::vector<double>& r_log_scale) {
  if (y.rows != r.rows || y.cols != r.cols || y_log_scale.size() != y.rows ||
      r_log_scale.size() != r.rows)
    throw std::invalid_argument("compare_rows: shapes do not match");
  RowErrors e;
  double sum = 0, max_ref = 0;
  for (std::size_t i = 0; i < y.rows; ++i) {
    const double scale = std::exp(y_log_scale[i] - r_log_scale[i]);
    double row_err = 0, row_ref = 0;
    for (std::size_t c = 0; c < y.cols; ++c) {
      double err = std::abs(scale * y(i, c) - r(i, c));
      if (std::isnan(err)) err = std::numeric_limits<double>::infinity();  // max() would drop NaN
      row_err = std::max(row_err, err);
      row_ref = std::max(row_ref, std::abs(r(i, c)));
      sum += err;
    }
    e.max_abs = std::max(e.max_abs, row_err);
    max_ref = std::max(max_ref, row_ref);
    // A zero reference row compares absolutely (0/0 would hide a wrong non-zero row).
    e.max_rel = std::max(e.max_rel, row_ref > 0 ? row_err / row_ref : row_err);
  }
  const double entries = static_cast<double>(y.rows * y.cols);
  e.mean_abs = entries > 0 ? sum / entries : 0;
  e.block_rel = max_ref > 0 ? e.max_abs / max_ref : e.max_abs;
  return e;
}

}  // namespace sethlab::attention
