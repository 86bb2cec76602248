#pragma once
// A thin RAII layer over the HDF5 C API: every call is checked, failures throw H5Error carrying
// HDF5's innermost message (its own stderr dump is silenced), and handles close themselves.
// Only io/ includes hdf5.h.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sethlab::h5 {

class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Turns off HDF5's automatic error printing for the whole process (idempotent).
void silence_errors();
// Throws H5Error("what: innermost HDF5 message") when rc is negative.
hid_t check(hid_t id, const std::string& what);
herr_t check_status(herr_t rc, const std::string& what);

// Owns one hid_t; the right H5*close is chosen by the identifier's type.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(hid_t id, const std::string& what) : id_(check(id, what)) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Fixed-length, NUL-terminated string type of `size` bytes (for compound members).
Handle fixed_string_type(std::size_t size);

// Attributes on a file or object: strings are variable-length UTF-8 (h5py reads them as str).
void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_attr_u64(hid_t obj, const std::string& name, std::uint64_t value);
bool has_attr(hid_t obj, const std::string& name);
std::string read_attr_string(hid_t obj, const std::string& name);
std::int64_t read_attr_int(hid_t obj, const std::string& name);

}  // namespace sethlab::h5
