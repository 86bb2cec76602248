#pragma once
// The tables a results file can hold, by name. Each row type registers its table beside its
// declaration (results_rows.cpp: points, chunks, interruptions; attention_row.cpp: attention), so
// the writer, the reader, resume and merge handle a new family's table without being edited.
// Every row type has a uint64 `point` member; a row type with an int8 `agree` member says whether
// its point passed its independent check.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/registry.hpp"
#include "io/h5.hpp"

namespace sethlab {

enum class TableRole {
  kFinishedPoints,  // one row per finished point (a point with a row is never run again)
  kWorkRecord,      // rows written while points run (chunks, interruptions)
};

struct TableType {
  std::function<h5::Handle()> h5_type;
  std::size_t row_size = 0;
  std::size_t chunk_rows = 64;  // rows per HDF5 chunk
  TableRole role = TableRole::kWorkRecord;
  std::size_t point_offset = 0;
  std::ptrdiff_t agree_offset = -1;  // -1: the row has no agree member
};
using TableTypeRegistry = Registry<TableType>;

template <class Row>
concept HasAgree = requires(Row r) {
  { r.agree } -> std::convertible_to<std::int8_t>;
};

template <class Row>
struct TableRegistrar {
  TableRegistrar(const std::string& name, std::size_t chunk_rows, TableRole role) {
    static_assert(std::is_trivially_copyable_v<Row> && std::is_standard_layout_v<Row>);
    static_assert(std::is_same_v<decltype(Row::point), std::uint64_t>);
    TableType t;
    t.h5_type = [] { return Row::h5_type(); };
    t.row_size = sizeof(Row);
    t.chunk_rows = chunk_rows;
    t.role = role;
    t.point_offset = offsetof(Row, point);
    if constexpr (HasAgree<Row>) t.agree_offset = offsetof(Row, agree);
    TableTypeRegistry::instance().add(name, std::move(t));
  }
};

// The registered type of table `name`; throws std::logic_error for an unknown name.
const TableType& table_type(const std::string& name);

// Rows of one table as raw bytes in the registered row layout.
struct RawRows {
  std::string name;
  const TableType* type = nullptr;  // its registered type (row size, offsets, role)
  std::vector<unsigned char> bytes;

  std::size_t row_size() const { return type->row_size; }
  std::size_t size() const { return bytes.size() / row_size(); }
  const unsigned char* row(std::size_t i) const { return bytes.data() + i * row_size(); }
  std::uint64_t point(std::size_t i) const;
  // The row's agree value, or -1 when the row type has none.
  std::int8_t agree(std::size_t i) const;
  template <class Row>
  std::vector<Row> as() const {
    if (sizeof(Row) != row_size())
      throw std::logic_error("table " + name + ": row type of the wrong size");
    std::vector<Row> out(size());
    if (!bytes.empty()) std::memcpy(static_cast<void*>(out.data()), bytes.data(), bytes.size());
    return out;
  }
};

}  // namespace sethlab
