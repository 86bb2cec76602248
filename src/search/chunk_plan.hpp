#pragma once
// The latent space {0,1}^n cut into chunks: chunk c covers latents [c * 2^b, (c+1) * 2^b), i.e. a
// fixed prefix of the high n - b bits with the low b bits enumerated inside. Many more chunks
// than workers, handed out dynamically, keep every worker busy; completed chunk ranges are also
// the unit of checkpointing.
#include <cstdint>

namespace sethlab {

struct ChunkRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

class ChunkPlan {
 public:
  // chunk_bits = 0 picks about 1024 chunks: b = n - 10, at least min(n, 8), at most 24.
  ChunkPlan(int n, int chunk_bits);

  int latent_bits() const { return n_; }
  int chunk_bits() const { return b_; }
  std::uint64_t num_chunks() const { return std::uint64_t{1} << (n_ - b_); }
  std::uint64_t space() const { return std::uint64_t{1} << n_; }
  ChunkRange range(std::uint64_t chunk) const;

  static int auto_chunk_bits(int n);

 private:
  int n_;
  int b_;
};

}  // namespace sethlab
