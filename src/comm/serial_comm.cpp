#include <unistd.h>

#include "comm/comm.hpp"

namespace sethlab {

std::string SerialComm::processor_name() const {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace sethlab
