#pragma once
// Shared helpers of the attention tests: seeded random matrices and error measures.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "attention/matrix.hpp"

namespace sethlab::attention::testing {

// Added to every seed of the random attention tests: SETHLAB_ATTENTION_SEED=k reruns them on other
// inputs (failures print the seed they used, so a case can be replayed).
inline std::uint64_t seed_offset() {
  const char* env = std::getenv("SETHLAB_ATTENTION_SEED");
  return env == nullptr ? 0 : std::stoull(env);
}

template <class T>
Matrix<T> random_matrix(std::size_t rows, std::size_t cols, double magnitude, std::uint64_t seed) {
  std::mt19937_64 gen(seed + seed_offset());
  std::uniform_real_distribution<double> u(-magnitude, magnitude);
  Matrix<T> m(rows, cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) m(i, j) = static_cast<T>(u(gen));
  return m;
}

// max |a - b| / max(max |b|, tiny): the error relative to the reference's largest entry.
template <class T, class U>
double relative_error(const Matrix<T>& a, const Matrix<U>& b) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < b.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j) {
      const double x = static_cast<double>(a(i, j)), y = static_cast<double>(b(i, j));
      if (!std::isfinite(x)) return INFINITY;
      diff = std::max(diff, std::fabs(x - y));
      scale = std::max(scale, std::fabs(y));
    }
  return diff / std::max(scale, 1e-300);
}

}  // namespace sethlab::attention::testing
