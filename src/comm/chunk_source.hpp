#pragma once
// Where workers get their next chunk. The serial source is an atomic counter; the MPI source
// (comm/mpi_chunk_source.cpp) has rank 0 hand chunks to every rank on request, so a slow chunk
// never leaves a rank idle. Decide mode stops everybody soon after anybody finds a preimage.
#include <atomic>
#include <cstdint>
#include <optional>

namespace sethlab {

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Thread-safe. Returns the next chunk id, or nothing when the space is exhausted or the search
  // was stopped.
  virtual std::optional<std::uint64_t> next() = 0;
  // Thread-safe. A preimage was found here: stop the search everywhere (decide mode).
  virtual void report_found() = 0;
  // Scanners poll this flag inside a chunk.
  virtual const std::atomic<bool>& stop_flag() const = 0;
  // Called by one thread after all workers of this rank are done; returns when this rank's part
  // of the protocol is complete.
  virtual void finish() {}
};

class CounterChunkSource final : public ChunkSource {
 public:
  explicit CounterChunkSource(std::uint64_t total) : total_(total) {}
  std::optional<std::uint64_t> next() override;
  void report_found() override { stop_.store(true); }
  const std::atomic<bool>& stop_flag() const override { return stop_; }

 private:
  std::uint64_t total_;
  std::atomic<std::uint64_t> counter_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace sethlab
