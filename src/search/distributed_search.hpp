#pragma once
// Exhaustive search of {0,1}^n for preimages, shared by all MPI ranks (chunks handed out by the
// ChunkSource) and by the OpenMP threads inside each rank. Every rank calls it together; the
// aggregate outcome is complete on rank 0 only. A search can continue an earlier, interrupted
// one: rank 0 passes the chunks that run finished, and only the others are searched.
#include <cstdint>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "reductions/inversion_problem.hpp"
#include "search/chunk_record.hpp"
#include "search/chunk_scanner.hpp"

namespace sethlab {

struct SearchOptions {
  SearchMode mode = SearchMode::kCount;
  std::string solver = "brute-force";
  int chunk_bits = 0;  // 0: automatic (see ChunkPlan)
  int threads = 0;     // OpenMP threads per rank; 0: omp_get_max_threads()
  // Rank 0 only: chunks finished by earlier runs of this point, and their wall time.
  std::vector<ChunkRecord> prior;
  double prior_seconds = 0;
  // Rank 0 only: receives every chunk finished by this search as it finishes.
  ChunkSink on_chunk;
};

struct SearchOutcome {
  bool found = false;
  // Count mode: the smallest preimage. Decide mode: the first found (earliest in time).
  std::uint64_t witness = kNoLatent;
  std::uint64_t preimages = 0;  // all preimages in count mode; those seen before stopping in decide
  std::uint64_t candidates = 0;  // over this and earlier runs
  double seconds = 0;            // wall time over this and earlier runs
  double first_seconds = -1;     // until the first preimage (end of its chunk); -1 if none
  std::uint64_t num_chunks = 0;
  std::uint64_t chunks_done = 0;  // finished chunks, this and earlier runs
  bool interrupted = false;       // a stop signal ended it before the answer was known
  int signal = 0;                 // the stop signal, on whichever rank it arrived
  int ranks = 1;
  int threads = 1;
  std::vector<ChunkRecord> chunks;  // rank 0: the chunks this run finished, sorted by id
};

SearchOutcome distributed_search(const InversionProblem& problem, const SearchOptions& options,
                                 Comm& comm);

}  // namespace sethlab
