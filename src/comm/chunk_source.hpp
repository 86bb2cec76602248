#pragma once
// Where workers get their next chunk, and where finished chunks are reported. The serial source
// is an atomic counter; the MPI source (comm/mpi_chunk_source.cpp) has rank 0 hand chunks to every
// rank on request. Three ways a search ends early:
//  - found (decide mode): everybody abandons the chunks in hand as soon as possible;
//  - interrupted (SIGTERM/SIGINT on any rank): no new chunks, the chunks in hand are finished and
//    recorded, so a resume continues exactly where this run stopped;
//  - exhausted: every chunk was handed out.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "search/chunk_record.hpp"

namespace sethlab {

// Called on rank 0 once for every finished chunk, as it arrives (serialised by the caller).
using ChunkSink = std::function<void(const ChunkRecord&)>;

struct ChunkSourceConfig {
  std::uint64_t total = 0;
  std::vector<bool> skip;  // rank 0: chunks finished in an earlier run (empty: none)
  ChunkSink sink;          // rank 0: where finished chunks go (may be empty)
};

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Thread-safe. Reports the chunk this thread just finished (or nullptr) and returns the next
  // chunk id, or nothing when the search is over for this thread.
  virtual std::optional<std::uint64_t> next(const ChunkRecord* finished) = 0;
  // Thread-safe. A preimage was found here: stop the search everywhere (decide mode).
  virtual void report_found() = 0;
  // Scanners poll this flag inside a chunk: set when a preimage was found somewhere.
  virtual const std::atomic<bool>& stop_flag() const = 0;
  // Called by one thread after all workers of this rank are done; returns when this rank's part
  // of the protocol is complete.
  virtual void finish() {}
};

// Hands out chunk ids from a counter, skipping those already done. Shared by the serial source
// and by rank 0 of the MPI source.
class ChunkCounter {
 public:
  ChunkCounter(std::uint64_t total, std::vector<bool> skip)
      : total_(total), skip_(std::move(skip)) {}
  std::optional<std::uint64_t> take();

 private:
  std::uint64_t total_;
  std::vector<bool> skip_;
  std::atomic<std::uint64_t> next_{0};
};

class CounterChunkSource final : public ChunkSource {
 public:
  explicit CounterChunkSource(ChunkSourceConfig config);
  std::optional<std::uint64_t> next(const ChunkRecord* finished) override;
  void report_found() override { stop_.store(true); }
  const std::atomic<bool>& stop_flag() const override { return stop_; }

 private:
  ChunkCounter counter_;
  ChunkSink sink_;
  std::atomic<bool> stop_{false};
};

}  // namespace sethlab
