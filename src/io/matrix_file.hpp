#pragma once
// Dense matrices stored as 2-D HDF5 datasets (user-supplied attention workloads: datasets Q, K and
// V). Any integer or floating-point element type is accepted; HDF5 converts to the type read.
// Rows can be read in blocks, so each rank reads only its own rows.
#include <cstddef>
#include <string>

namespace sethlab {

struct DatasetShape {
  std::size_t rows = 0, cols = 0;
};

// Checks that `path` is an HDF5 file holding a 2-D numeric dataset `name`; throws InputError
// "path: dataset "name": problem" otherwise.
DatasetShape matrix_dataset_shape(const std::string& path, const std::string& name);

// Rows [begin, begin + count) of dataset `name` (cols columns) into out, row-major. T is float or
// double.
template <class T>
void read_matrix_rows(const std::string& path, const std::string& name, std::size_t begin,
                      std::size_t count, std::size_t cols, T* out);

// Writes a rows x cols float64 dataset `name` into `path` (created when missing, else opened for
// writing; an existing dataset of that name is an error). For tests and for preparing workloads.
void write_matrix(const std::string& path, const std::string& name, std::size_t rows,
                  std::size_t cols, const double* data);

}  // namespace sethlab
