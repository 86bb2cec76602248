#include "core/hash.hpp"

#include <cstdio>

namespace sethlab {

void Fnv1a64::add_bytes(std::string_view bytes) {
  for (unsigned char c : bytes) {
    state_ ^= c;
    state_ *= 0x100000001b3ULL;
  }
}

void Fnv1a64::add_u64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    state_ ^= (v >> (8 * i)) & 0xffU;
    state_ *= 0x100000001b3ULL;
  }
}

std::string to_hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string Fnv1a64::hex() const {
  return to_hex16(state_);
}

std::string hash_hex(std::string_view bytes) {
  Fnv1a64 h;
  h.add_bytes(bytes);
  return h.hex();
}

}  // namespace sethlab
