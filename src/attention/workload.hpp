#pragma once
// Attention workloads: the Q, K and V of one experiment point, generated from a seed or read from
// a user's HDF5 file, one row block at a time so that each rank holds only its own rows.
//
// Generated entries are bounded by B (theory.md: the hardness of attention depends on the entry
// bound; B = o(sqrt(log n)) admits almost linear time, B = Theta(sqrt(log n)) does not):
//   uniform   uniform in [-B, B]
//   gaussian  N(0, (B/2)^2) truncated to [-B, B] by rejection, so B stays a true bound
// Every row comes from its own random stream, derived from (seed, matrix, row): any rank can
// generate exactly its block, and the workload is the same for any number of ranks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attention/matrix.hpp"

namespace sethlab::attention {

enum class Distribution { kUniform, kGaussian };
Distribution parse_distribution(const std::string& name);  // throws std::invalid_argument

enum class Operand { kQ = 0, kK = 1, kV = 2 };
const char* operand_name(Operand m);  // "Q", "K", "V": also the HDF5 dataset names

// Rows [first_row, first_row + out.rows) of operand `which`, out.cols columns.
template <class T>
void random_rows(std::uint64_t seed, Operand which, Distribution dist, double bound,
                 std::size_t first_row, MatrixView<T> out);

// The shape of a user workload: datasets Q (n x d), K (n x d) and V (n x d_v) of an HDF5 file.
struct WorkloadShape {
  std::size_t n = 0, d = 0, d_v = 0;
};
// Checks the file and the three datasets; throws InputError naming the file, the dataset and the
// problem (missing, not 2-D, not numeric, rows or widths that do not match).
WorkloadShape workload_file_shape(const std::string& path);

// Rows [first_row, first_row + out.rows) of operand `which` from the file.
template <class T>
void read_rows(const std::string& path, Operand which, std::size_t first_row, MatrixView<T> out);

}  // namespace sethlab::attention
