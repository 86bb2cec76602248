#pragma once
// A name -> factory table filled by static registrars in the files that implement each entry, so
// a new solver, reduction or experiment family is added by adding one .cpp file (the library is
// an OBJECT library, so the linker keeps every registrar).
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sethlab {

template <class Entry>
class Registry {
 public:
  static Registry& instance() {
    static Registry r;
    return r;
  }
  void add(const std::string& name, Entry entry) {
    if (!entries_.emplace(name, std::move(entry)).second)
      throw std::logic_error("duplicate registration of '" + name + "'");
  }
  const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, Entry> entries_;
};

template <class Entry>
struct Registrar {
  Registrar(const std::string& name, Entry entry) {
    Registry<Entry>::instance().add(name, std::move(entry));
  }
};

std::string join_names(const std::vector<std::string>& names);

}  // namespace sethlab
