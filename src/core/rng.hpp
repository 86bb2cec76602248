#pragma once
// Random numbers that are the same on every platform and standard library: std::mt19937 is
// portable but std::uniform_int_distribution is not, and instances must be reproducible from
// (job seed, point, repeat) on any machine. SplitMix64 seeds and derives; xoshiro256** draws.
#include <cstdint>
#include <string_view>

namespace sethlab {

std::uint64_t splitmix64(std::uint64_t& state);

// Mixes several values into one well-spread seed (order matters).
std::uint64_t derive_seed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, bound), without modulo bias (Lemire's method with rejection).
  std::uint64_t below(std::uint64_t bound);
  bool coin() { return (next() >> 63) != 0; }
  double unit();  // uniform in [0, 1) with 53 random bits

 private:
  std::uint64_t s_[4];
};

}  // namespace sethlab
