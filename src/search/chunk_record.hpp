#pragma once
// The record of one finished work chunk. Plain data: it travels between ranks as bytes (piggy-
// backed on chunk requests, so rank 0 can stream it to the results file while the point runs).
#include <cstdint>
#include <limits>
#include <type_traits>

namespace sethlab {

inline constexpr std::uint64_t kNoLatent = std::numeric_limits<std::uint64_t>::max();

struct ChunkRecord {
  std::uint64_t chunk = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t candidates = 0;
  std::uint64_t preimages = 0;
  std::uint64_t first = kNoLatent;  // smallest preimage found in the chunk
  std::uint32_t rank = 0;
  std::uint32_t thread = 0;
  double seconds = 0;
  double started = 0;  // since the point's search started (earlier segments included)
};
static_assert(std::is_trivially_copyable_v<ChunkRecord>);

}  // namespace sethlab
