#include "comm/chunk_source.hpp"

#include "core/stop_signal.hpp"

namespace sethlab {

std::optional<std::uint64_t> ChunkCounter::take() {
  while (true) {
    const std::uint64_t id = next_.fetch_add(1);
    if (id >= total_) return std::nullopt;
    if (skip_.empty() || !skip_[id]) return id;
  }
}

CounterChunkSource::CounterChunkSource(ChunkSourceConfig config)
    : counter_(config.total, std::move(config.skip)), sink_(std::move(config.sink)) {}

std::optional<std::uint64_t> CounterChunkSource::next(const ChunkRecord* finished) {
  if (finished != nullptr && sink_) sink_(*finished);
  if (stop_.load() || stop_requested()) return std::nullopt;
  return counter_.take();
}

}  // namespace sethlab
