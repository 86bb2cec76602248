#pragma once
// An appendable table: a 1-D chunked, unlimited dataset of a compound type, written in batches.
// Writing row by row is ~100x slower than in batches, so callers buffer and append many at once.
#include <string>
#include <vector>

#include "io/h5.hpp"

namespace sethlab::h5 {

class AppendTable {
 public:
  // Creates the dataset (chunk_rows rows per HDF5 chunk).
  AppendTable(hid_t file, const std::string& name, hid_t row_type, hsize_t chunk_rows);
  // Opens an existing dataset.
  AppendTable(hid_t file, const std::string& name);

  hsize_t size() const;
  // Appends `count` rows laid out as `row_type` in memory, then flushes the dataset so SWMR
  // readers see them.
  void append(hid_t row_type, const void* rows, std::size_t count);
  // Reads every row into `out` (count * row size bytes) using memory type `row_type`.
  void read_all(hid_t row_type, void* out) const;

 private:
  std::string name_;
  Handle dataset_;
};

// Typed convenience: Row must provide `static Handle h5_type()`.
template <class Row>
void append_rows(AppendTable& table, const std::vector<Row>& rows) {
  if (rows.empty()) return;
  Handle t = Row::h5_type();
  table.append(t.get(), rows.data(), rows.size());
}

template <class Row>
std::vector<Row> read_rows(const AppendTable& table) {
  std::vector<Row> rows(table.size());
  Handle t = Row::h5_type();
  if (!rows.empty()) table.read_all(t.get(), rows.data());
  return rows;
}

}  // namespace sethlab::h5
