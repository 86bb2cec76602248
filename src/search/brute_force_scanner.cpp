// Brute force: every candidate gets a full forward pass of the network, then an exact integer
// comparison with the target. This is the definition of the 2^n * cost(G) baseline that faster
// solvers are measured against, so it deliberately does no early rejection.
#include <vector>

#include "search/chunk_scanner.hpp"

namespace sethlab {
namespace {

class BruteForceScanner final : public ChunkScanner {
 public:
  explicit BruteForceScanner(const InversionProblem& p)
      : p_(p), scratch_(2 * p.net.max_width()), out_(p.target.size()) {}

  ScanResult scan(ChunkRange range, SearchMode mode, const std::atomic<bool>& stop) override {
    ScanResult r;
    constexpr std::uint64_t kPoll = 4096;
    for (std::uint64_t z = range.begin; z < range.end;) {
      if (stop.load(std::memory_order_relaxed)) break;
      const std::uint64_t block_end = std::min(range.end, z + kPoll);
      for (; z < block_end; ++z) {
        p_.net.evaluate_binary(z, scratch_, out_);
        ++r.candidates;
        if (out_ == p_.target) {
          if (r.preimages++ == 0) r.first = z;
          if (mode == SearchMode::kDecide) return r;
        }
      }
    }
    return r;
  }

 private:
  const InversionProblem& p_;
  std::vector<std::int64_t> scratch_;
  std::vector<std::int64_t> out_;
};

const Registrar<SolverInfo> kRegister(
    "brute-force",
    {"full forward pass per candidate latent, exact integer comparison",
     [](const InversionProblem& p) { return std::make_unique<BruteForceScanner>(p); }});

}  // namespace
}  // namespace sethlab
