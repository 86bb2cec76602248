#include "core/latent.hpp"

#include <stdexcept>

namespace sethlab {

std::string latent_to_string(std::uint64_t z, int n) {
  std::string s(static_cast<std::size_t>(n), '0');
  for (int i = 0; i < n; ++i)
    if (latent_bit(z, i)) s[static_cast<std::size_t>(i)] = '1';
  return s;
}

std::uint64_t latent_from_string(const std::string& bits) {
  if (bits.size() > 64) throw std::invalid_argument("latent longer than 64 bits");
  std::uint64_t z = 0;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == '1')
      z |= std::uint64_t{1} << i;
    else if (bits[i] != '0')
      throw std::invalid_argument("latent has a character other than 0 and 1");
  }
  return z;
}

}  // namespace sethlab
