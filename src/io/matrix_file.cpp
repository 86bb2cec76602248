#include "io/matrix_file.hpp"

#include <unistd.h>

#include <type_traits>

#include "core/error.hpp"
#include "io/h5.hpp"

namespace sethlab {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& name,
                       const std::string& problem) {
  throw_input_error(path, 0, "", "dataset \"" + name + "\": " + problem);
}

h5::Handle open_file(const std::string& path) {
  h5::silence_errors();
  if (access(path.c_str(), R_OK) != 0) throw_input_error(path, 0, "", "cannot read the file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw_input_error(path, 0, "", "not an HDF5 file");
  h5::Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) {
    try {
      h5::check(-1, "open");
    } catch (const h5::H5Error& e) {
      throw_input_error(path, 0, "", e.what());
    }
  }
  return f;
}

h5::Handle open_dataset(hid_t file, const std::string& path, const std::string& name) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) fail(path, name, "missing");
  H5O_info_t info;
  if (H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
      info.type != H5O_TYPE_DATASET)
    fail(path, name, "is not a dataset");
  return h5::Handle(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open dataset " + name);
}

}  // namespace

DatasetShape matrix_dataset_shape(const std::string& path, const std::string& name) {
  h5::Handle f = open_file(path);
  h5::Handle d = open_dataset(f.get(), path, name);
  h5::Handle type(H5Dget_type(d.get()), "dataset type");
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(path, name, "holds non-numeric elements (need integers or floating point)");
  h5::Handle space(H5Dget_space(d.get()), "dataset space");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 2)
    fail(path, name, "has " + std::to_string(rank) + " dimension(s), need 2 (rows x columns)");
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  if (dims[0] == 0 || dims[1] == 0)
    fail(path, name,
         "is empty (" + std::to_string(dims[0]) + " x " + std::to_string(dims[1]) + ")");
  return {static_cast<std::size_t>(dims[0]), static_cast<std::size_t>(dims[1])};
}

template <class T>
void read_matrix_rows(const std::string& path, const std::string& name, std::size_t begin,
                      std::size_t count, std::size_t cols, T* out) {
  if (count == 0) return;
  h5::Handle f = open_file(path);
  h5::Handle d = open_dataset(f.get(), path, name);
  h5::Handle space(H5Dget_space(d.get()), "dataset space");
  const hsize_t start[2] = {begin, 0}, size[2] = {count, cols};
  h5::check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr),
                   "select rows of " + name);
  h5::Handle mem(H5Screate_simple(2, size, nullptr), "memory space");
  const hid_t type = std::is_same_v<T, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  try {
    h5::check_status(
        H5Dread(d.get(), type, mem.get(), space.get(), H5P_DEFAULT, out),
        "read rows " + std::to_string(begin) + ".." + std::to_string(begin + count - 1));
  } catch (const h5::H5Error& e) {
    fail(path, name, e.what());
  }
}

template void read_matrix_rows<float>(const std::string&, const std::string&, std::size_t,
                                      std::size_t, std::size_t, float*);
template void read_matrix_rows<double>(const std::string&, const std::string&, std::size_t,
                                       std::size_t, std::size_t, double*);

void write_matrix(const std::string& path, const std::string& name, std::size_t rows,
                  std::size_t cols, const double* data) {
  h5::silence_errors();
  h5::Handle f = access(path.c_str(), F_OK) == 0
                     ? h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + path)
                     : h5::Handle(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT),
                                  "create " + path);
  const hsize_t dims[2] = {rows, cols};
  h5::Handle space(H5Screate_simple(2, dims, nullptr), "dataspace");
  h5::Handle d(H5Dcreate2(f.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT),
               "create dataset " + name + " in " + path);
  h5::check_status(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                   "write " + name);
}

}  // namespace sethlab
