#include "core/error.hpp"

namespace sethlab {

std::string located_message(const std::string& file, long line, const std::string& field,
                            const std::string& problem) {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':';
      out += std::to_string(line);
    }
    out += ": ";
  }
  if (!field.empty()) {
    out += field;
    out += ": ";
  }
  out += problem;
  return out;
}

void throw_input_error(const std::string& file, long line, const std::string& field,
                       const std::string& problem) {
  throw InputError(located_message(file, line, field, problem));
}

}  // namespace sethlab
