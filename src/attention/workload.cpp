#include "attention/workload.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/matrix_file.hpp"

namespace sethlab::attention {

Distribution parse_distribution(const std::string& name) {
  if (name == "uniform") return Distribution::kUniform;
  if (name == "gaussian") return Distribution::kGaussian;
  throw std::invalid_argument("unknown distribution '" + name + "' (uniform, gaussian)");
}

const char* operand_name(Operand m) {
  switch (m) {
    case Operand::kQ:
      return "Q";
    case Operand::kK:
      return "K";
    case Operand::kV:
      return "V";
  }
  return "?";
}

namespace {

// A standard normal draw (Box-Muller; the second value is dropped to keep one draw per call
// simple: generation is a small part of a point's time).
double normal(Rng& rng) {
  const double u1 = 1.0 - rng.unit();  // (0, 1]: log is finite
  const double u2 = rng.unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace

template <class T>
void random_rows(std::uint64_t seed, Operand which, Distribution dist, double bound,
                 std::size_t first_row, MatrixView<T> out) {
  if (!(bound >= 0) || !std::isfinite(bound))
    throw std::invalid_argument("random_rows: bound must be finite and >= 0");
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < out.rows; ++i) {
    Rng rng(derive_seed(seed, static_cast<std::uint64_t>(which) + 1, first_row + i));
    T* row = out.row(i);
    for (std::size_t j = 0; j < out.cols; ++j) {
      double x;
      if (dist == Distribution::kUniform) {
        x = bound * (2.0 * rng.unit() - 1.0);
      } else {
        do x = 0.5 * bound * normal(rng);
        while (std::abs(x) > bound);
      }
      row[j] = static_cast<T>(x);
    }
  }
}

template void random_rows<float>(std::uint64_t, Operand, Distribution, double, std::size_t,
                                 MatrixView<float>);
template void random_rows<double>(std::uint64_t, Operand, Distribution, double, std::size_t,
                                  MatrixView<double>);

WorkloadShape workload_file_shape(const std::string& path) {
  const DatasetShape q = matrix_dataset_shape(path, "Q");
  const DatasetShape k = matrix_dataset_shape(path, "K");
  const DatasetShape v = matrix_dataset_shape(path, "V");
  auto shape = [](const DatasetShape& s) {
    return std::to_string(s.rows) + " x " + std::to_string(s.cols);
  };
  if (k.rows != q.rows)
    throw_input_error(path, 0, "",
                      "dataset \"K\" is " + shape(k) + " but \"Q\" is " + shape(q) +
                          ": self-attention needs as many keys as queries");
  if (k.cols != q.cols)
    throw_input_error(path, 0, "",
                      "dataset \"K\" is " + shape(k) + " but \"Q\" is " + shape(q) +
                          ": queries and keys need the same width d");
  if (v.rows != k.rows)
    throw_input_error(
        path, 0, "",
        "dataset \"V\" is " + shape(v) + " but \"K\" is " + shape(k) + ": V needs one row per key");
  return {q.rows, q.cols, v.cols};
}

template <class T>
void read_rows(const std::string& path, Operand which, std::size_t first_row, MatrixView<T> out) {
  if (out.stride != out.cols) throw std::invalid_argument("read_rows: needs contiguous rows");
  read_matrix_rows(path, operand_name(which), first_row, out.rows, out.cols, out.data);
}

template void read_rows<float>(const std::string&, Operand, std::size_t, MatrixView<float>);
template void read_rows<double>(const std::string&, Operand, std::size_t, MatrixView<double>);

}  // namespace sethlab::attention
