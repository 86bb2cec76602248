#pragma once
// Builds the HDF5 compound type of a row struct member by member, choosing each member's HDF5
// type from its C++ type, so a row and its on-disk layout are declared side by side:
//   CompoundBuilder b(sizeof(Row)); SETHLAB_NUM(b, Row, n); SETHLAB_STR(b, Row, name); b.done();
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "io/h5.hpp"

namespace sethlab::h5 {

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else
    static_assert(sizeof(T) == 0, "no HDF5 type for this member");
}

class CompoundBuilder {
 public:
  explicit CompoundBuilder(std::size_t size) : type_(H5Tcreate(H5T_COMPOUND, size), "H5Tcreate") {}
  template <class T>
  void num(const char* name, std::size_t offset) {
    check_status(H5Tinsert(type_.get(), name, offset, native_type<T>()), name);
  }
  void str(const char* name, std::size_t offset, std::size_t size) {
    Handle s = fixed_string_type(size);
    check_status(H5Tinsert(type_.get(), name, offset, s.get()), name);
  }
  Handle done() { return std::move(type_); }

 private:
  Handle type_;
};

}  // namespace sethlab::h5

#define SETHLAB_NUM(b, Row, f) b.num<decltype(Row::f)>(#f, offsetof(Row, f))
#define SETHLAB_STR(b, Row, f) b.str(#f, offsetof(Row, f), sizeof(Row::f))
