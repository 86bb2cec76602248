#pragma once
// Exhaustive search of {0,1}^n for preimages, shared by all MPI ranks (chunks handed out by the
// ChunkSource) and by the OpenMP threads inside each rank. Every rank calls it together; the
// aggregate outcome and the chunk records are complete on rank 0 only.
#include <cstdint>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "reductions/inversion_problem.hpp"
#include "search/chunk_scanner.hpp"

namespace sethlab {

struct SearchOptions {
  SearchMode mode = SearchMode::kCount;
  std::string solver = "brute-force";
  int chunk_bits = 0;  // 0: automatic (see ChunkPlan)
  int threads = 0;     // OpenMP threads per rank; 0: omp_get_max_threads()
};

// One row of the chunk table. Plain data: it travels between ranks as bytes.
struct ChunkRecord {
  std::uint64_t chunk = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t candidates = 0;
  std::uint64_t preimages = 0;
  std::uint32_t rank = 0;
  std::uint32_t thread = 0;
  double seconds = 0;
  double started = 0;  // since the search started
};

struct SearchOutcome {
  bool found = false;
  // Count mode: the smallest preimage. Decide mode: the first found (earliest in time).
  std::uint64_t witness = kNoLatent;
  std::uint64_t preimages = 0;  // all preimages in count mode; those seen before stopping in decide
  std::uint64_t candidates = 0;
  double seconds = 0;            // wall time of the search, barrier to barrier
  double first_seconds = -1;     // until the first preimage (end of its chunk); -1 if none
  std::uint64_t num_chunks = 0;
  int ranks = 1;
  int threads = 1;
  std::vector<ChunkRecord> chunks;  // root only, sorted by chunk id
};

SearchOutcome distributed_search(const InversionProblem& problem, const SearchOptions& options,
                                 Comm& comm);

}  // namespace sethlab
