#include "io/h5.hpp"

#include <cstring>
#include <vector>

namespace sethlab::h5 {
namespace {

// Collects the stack from the innermost frame outwards: "innermost (caused: outer; ...)". The
// innermost message says what went wrong, the outer ones where.
herr_t collect(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  const std::string desc = err->desc != nullptr ? err->desc : "?";
  if (n == 0) {
    *out = desc;
  } else if (n < 4) {
    *out += (n == 1 ? " (in: " : "; ") + desc;
  }
  return 0;
}

std::string error_text() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &msg);
  H5Eclear2(H5E_DEFAULT);
  if (msg.find(" (in: ") != std::string::npos) msg += ")";
  return msg.empty() ? "unknown HDF5 error" : msg;
}

}  // namespace

void silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw H5Error(what + ": " + error_text());
  return id;
}

herr_t check_status(herr_t rc, const std::string& what) {
  if (rc < 0) throw H5Error(what + ": " + error_text());
  return rc;
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() noexcept {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
  id_ = H5I_INVALID_HID;
}

Handle fixed_string_type(std::size_t size) {
  Handle t(H5Tcopy(H5T_C_S1), "H5Tcopy");
  check_status(H5Tset_size(t.get(), size), "H5Tset_size");
  check_status(H5Tset_strpad(t.get(), H5T_STR_NULLTERM), "H5Tset_strpad");
  return t;
}

namespace {

Handle vlen_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), "H5Tcopy");
  check_status(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size");
  check_status(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

void replace_attr(hid_t obj, const std::string& name, hid_t type, const void* data) {
  if (has_attr(obj, name)) check_status(H5Adelete(obj, name.c_str()), "delete attribute " + name);
  Handle space(H5Screate(H5S_SCALAR), "H5Screate");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              "create attribute " + name);
  check_status(H5Awrite(attr.get(), type, data), "write attribute " + name);
}

}  // namespace

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle t = vlen_string_type();
  const char* p = value.c_str();
  replace_attr(obj, name, t.get(), &p);
}

void write_attr(hid_t obj, const std::string& name, std::int64_t value) {
  replace_attr(obj, name, H5T_NATIVE_INT64, &value);
}

void write_attr_u64(hid_t obj, const std::string& name, std::uint64_t value) {
  replace_attr(obj, name, H5T_NATIVE_UINT64, &value);
}

bool has_attr(hid_t obj, const std::string& name) {
  return check_status(H5Aexists(obj, name.c_str()), "H5Aexists " + name) > 0;
}

std::string read_attr_string(hid_t obj, const std::string& name) {
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Handle type(H5Aget_type(attr.get()), "H5Aget_type");
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw H5Error("attribute " + name + " is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem = vlen_string_type();
    char* p = nullptr;
    check_status(H5Aread(attr.get(), mem.get(), &p), "read attribute " + name);
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::vector<char> buf(size + 1, '\0');
  Handle mem = fixed_string_type(size + 1);
  check_status(H5Aread(attr.get(), type.get(), buf.data()), "read attribute " + name);
  return std::string(buf.data());
}

std::int64_t read_attr_int(hid_t obj, const std::string& name) {
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  std::int64_t v = 0;
  check_status(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

}  // namespace sethlab::h5
