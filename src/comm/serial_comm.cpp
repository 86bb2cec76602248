#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "comm/comm.hpp"

namespace sethlab {

std::string SerialComm::processor_name() const {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

void SerialComm::sendrecv(const void* send, std::size_t send_bytes, int dest, void* recv,
                          std::size_t recv_bytes, int source) {
  if (dest != 0 || source != 0)
    throw std::invalid_argument("SerialComm::sendrecv: rank " + std::to_string(dest) + " / " +
                                std::to_string(source) + " does not exist (1 rank)");
  if (send_bytes != recv_bytes)
    throw std::invalid_argument("SerialComm::sendrecv: sends " + std::to_string(send_bytes) +
                                " bytes to itself but expects " + std::to_string(recv_bytes));
  if (send_bytes > 0) std::memcpy(recv, send, send_bytes);
}

}  // namespace sethlab
