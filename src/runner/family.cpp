#include "runner/family.hpp"

#include <stdexcept>

namespace sethlab {

namespace {
const Value& lookup(const std::map<std::string, Value>& params, const std::string& key) {
  auto it = params.find(key);
  if (it == params.end()) throw std::logic_error("point has no parameter " + key);
  return it->second;
}
}  // namespace

std::int64_t Point::get_int(const std::string& key) const {
  return std::get<std::int64_t>(lookup(params, key));
}
double Point::get_double(const std::string& key) const {
  const Value& v = lookup(params, key);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
bool Point::get_bool(const std::string& key) const {
  return std::get<bool>(lookup(params, key));
}
const std::string& Point::get_string(const std::string& key) const {
  return std::get<std::string>(lookup(params, key));
}

std::string Point::describe(const std::vector<std::string>& keys) const {
  std::string out;
  for (const auto& key : keys) {
    const auto dot = key.find('.');
    out +=
        (out.empty() ? "" : " ") + key.substr(dot + 1) + "=" + value_to_string(lookup(params, key));
  }
  return out + " rep=" + std::to_string(repeat);
}

std::unique_ptr<Family> make_family(const std::string& name) {
  const FamilyInfo* f = FamilyRegistry::instance().find(name);
  if (f == nullptr) throw std::invalid_argument("unknown family '" + name + "'");
  return f->make();
}

}  // namespace sethlab
