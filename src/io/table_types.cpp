#include "io/table_types.hpp"

#include <stdexcept>

namespace sethlab {

const TableType& table_type(const std::string& name) {
  const TableType* t = TableTypeRegistry::instance().find(name);
  if (t == nullptr) throw std::logic_error("no results table type named '" + name + "'");
  return *t;
}

std::uint64_t RawRows::point(std::size_t i) const {
  std::uint64_t p = 0;
  std::memcpy(&p, row(i) + type->point_offset, sizeof p);
  return p;
}

std::int8_t RawRows::agree(std::size_t i) const {
  const std::ptrdiff_t offset = type->agree_offset;
  if (offset < 0) return -1;
  std::int8_t a = 0;
  std::memcpy(&a, row(i) + offset, sizeof a);
  return a;
}

}  // namespace sethlab
