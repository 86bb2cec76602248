#pragma once
// A ChunkScanner decides, for every latent in a range, whether it is a preimage. Each OpenMP
// thread owns one (scratch buffers live inside). Solvers are registered by name in the files that
// implement them: `brute-force` (plain forward pass per candidate) now; a Gray-code scanner with
// delta propagation, or branch and bound over a chunk's prefix, are added as new files.
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "core/registry.hpp"
#include "reductions/inversion_problem.hpp"
#include "search/chunk_plan.hpp"
#include "search/chunk_record.hpp"

namespace sethlab {

enum class SearchMode { kDecide, kCount };

struct ScanResult {
  std::uint64_t candidates = 0;     // latents evaluated
  std::uint64_t preimages = 0;      // preimages found in the range
  std::uint64_t first = kNoLatent;  // smallest preimage found (the first, in scan order)
};

class ChunkScanner {
 public:
  virtual ~ChunkScanner() = default;
  // Scans [range.begin, range.end). In decide mode it returns at the first preimage. It polls
  // `stop` at least every 4096 candidates and returns early when it is set.
  virtual ScanResult scan(ChunkRange range, SearchMode mode, const std::atomic<bool>& stop) = 0;
};

struct SolverInfo {
  std::string help;
  std::function<std::unique_ptr<ChunkScanner>(const InversionProblem&)> make;
};
using SolverRegistry = Registry<SolverInfo>;

std::unique_ptr<ChunkScanner> make_scanner(const std::string& solver, const InversionProblem& p);

}  // namespace sethlab
