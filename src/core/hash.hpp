#pragma once
// Content hashes for instances and job files: FNV-1a 64, printed as 16 hex digits. Not
// cryptographic; it identifies content across runs and machines (byte order independent).
#include <cstdint>
#include <string>
#include <string_view>

namespace sethlab {

class Fnv1a64 {
 public:
  void add_bytes(std::string_view bytes);
  void add_u64(std::uint64_t v);  // little-endian bytes, so hashes agree on every host
  void add_i64(std::int64_t v) { add_u64(static_cast<std::uint64_t>(v)); }
  std::uint64_t value() const { return state_; }
  std::string hex() const;

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

std::string hash_hex(std::string_view bytes);
std::string to_hex16(std::uint64_t v);

}  // namespace sethlab
