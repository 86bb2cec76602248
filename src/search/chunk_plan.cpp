#include "search/chunk_plan.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/latent.hpp"

namespace sethlab {

// About 1024 chunks, but never fewer than 2^8 latents per chunk (below that, handing out a chunk
// costs more than searching it) and never more than 2^24 (a chunk should take seconds, not hours).
int ChunkPlan::auto_chunk_bits(int n) {
  return std::clamp(n - 10, std::min(n, 8), 24);
}

ChunkPlan::ChunkPlan(int n, int chunk_bits)
    : n_(n), b_(chunk_bits == 0 ? auto_chunk_bits(n) : chunk_bits) {
  if (n_ < 0 || n_ > kMaxLatentBits)
    throw std::invalid_argument("latent dimension " + std::to_string(n_) + " outside 0.." +
                                std::to_string(kMaxLatentBits));
  b_ = std::min(b_, n_);
  if (b_ < 0) throw std::invalid_argument("chunk_bits must be >= 0");
}

ChunkRange ChunkPlan::range(std::uint64_t chunk) const {
  if (chunk >= num_chunks()) throw std::out_of_range("chunk id beyond the plan");
  return {chunk << b_, (chunk + 1) << b_};
}

}  // namespace sethlab
