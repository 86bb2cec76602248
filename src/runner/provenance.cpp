#include "runner/provenance.hpp"

#include <fstream>
#include <set>

namespace sethlab {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

std::string gather_hosts(Comm& comm) {
  const auto names = comm.gather(comm.processor_name());
  const std::set<std::string> unique(names.begin(), names.end());
  std::string out;
  for (const auto& h : unique) out += (out.empty() ? "" : ",") + h;
  return out;
}

}  // namespace sethlab
