#include "comm/chunk_source.hpp"

namespace sethlab {

std::optional<std::uint64_t> CounterChunkSource::next() {
  if (stop_.load()) return std::nullopt;
  const std::uint64_t id = counter_.fetch_add(1);
  if (id >= total_) return std::nullopt;
  return id;
}

}  // namespace sethlab
