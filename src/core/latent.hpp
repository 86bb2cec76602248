#pragma once
// A binary latent z in {0,1}^n is stored as the bits of a 64-bit word: z_1 is bit 0. Brute force
// enumerates the words 0 .. 2^n - 1; witnesses are printed z_1 z_2 ... z_n.
#include <cstdint>
#include <string>

namespace sethlab {

inline constexpr int kMaxLatentBits = 62;  // 2^62 candidates is far beyond any run; keeps sums safe

inline bool latent_bit(std::uint64_t z, int i) {
  return ((z >> i) & 1U) != 0;
}
std::string latent_to_string(std::uint64_t z, int n);
std::uint64_t latent_from_string(const std::string& bits);  // throws std::invalid_argument

}  // namespace sethlab
