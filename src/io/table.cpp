#include "io/table.hpp"

namespace sethlab::h5 {

AppendTable::AppendTable(hid_t file, const std::string& name, hid_t row_type, hsize_t chunk_rows)
    : name_(name) {
  const hsize_t dims[1] = {0};
  const hsize_t maxdims[1] = {H5S_UNLIMITED};
  Handle space(H5Screate_simple(1, dims, maxdims), "H5Screate_simple " + name);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
  const hsize_t chunk[1] = {chunk_rows};
  check_status(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk " + name);
  dataset_ = Handle(
      H5Dcreate2(file, name.c_str(), row_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      "create dataset " + name);
}

AppendTable::AppendTable(hid_t file, const std::string& name)
    : name_(name), dataset_(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open dataset " + name) {}

hsize_t AppendTable::size() const {
  Handle space(H5Dget_space(dataset_.get()), "H5Dget_space " + name_);
  hsize_t dims[1] = {0};
  check_status(H5Sget_simple_extent_dims(space.get(), dims, nullptr), "extent of " + name_);
  return dims[0];
}

void AppendTable::append(hid_t row_type, const void* rows, std::size_t count) {
  if (count == 0) return;
  const hsize_t old = size();
  const hsize_t grown[1] = {old + count};
  check_status(H5Dset_extent(dataset_.get(), grown), "extend " + name_);
  Handle file_space(H5Dget_space(dataset_.get()), "H5Dget_space " + name_);
  const hsize_t start[1] = {old};
  const hsize_t n[1] = {count};
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, n, nullptr),
               "select rows of " + name_);
  Handle mem_space(H5Screate_simple(1, n, nullptr), "H5Screate_simple");
  check_status(
      H5Dwrite(dataset_.get(), row_type, mem_space.get(), file_space.get(), H5P_DEFAULT, rows),
      "write rows of " + name_);
  check_status(H5Dflush(dataset_.get()), "flush " + name_);
}

void AppendTable::read_all(hid_t row_type, void* out) const {
  check_status(H5Dread(dataset_.get(), row_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
               "read " + name_);
}

}  // namespace sethlab::h5
