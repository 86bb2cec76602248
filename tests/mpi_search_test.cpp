// Runs under mpirun with 1, 2 and 3 ranks (see CMakeLists.txt). Every rank builds the same seeded
// instances; the root checks the distributed answers against the clause-evaluation oracle, so
// every rank count must give the same counts and valid witnesses. EXPECT, never ASSERT: an
// early return on the root alone would leave the other ranks waiting in the next collective.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "comm/comm.hpp"
#include "core/rng.hpp"
#include "core/stop_signal.hpp"
#include "mpi_world.hpp"
#include "problems/ksat_generator.hpp"
#include "reductions/ksat_to_relu.hpp"
#include "search/distributed_search.hpp"
#include "test_support.hpp"

namespace sethlab {
namespace {

Comm*& world = mpi_world;

TEST(MpiSearch, CountsAndWitnessesMatchOracle) {
  Rng rng(777);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 4 + static_cast<int>(rng.below(11));
    const Cnf cnf = trial % 3 == 0
                        ? planted_ksat(n, 3, static_cast<int>(4.26 * n), rng).cnf
                        : random_ksat(n, 3, static_cast<int>((3.0 + rng.unit() * 2.5) * n), rng);
    const InversionProblem p = ksat_to_relu(cnf);
    SearchOptions opt;
    opt.chunk_bits = static_cast<int>(rng.below(6));
    opt.mode = SearchMode::kCount;
    const SearchOutcome c = distributed_search(p, opt, *world);
    opt.mode = SearchMode::kDecide;
    const SearchOutcome d = distributed_search(p, opt, *world);
    if (!world->is_root()) continue;
    const auto sat = testing::satisfying_set(cnf);
    EXPECT_EQ(c.preimages, sat.size()) << "trial " << trial;
    EXPECT_EQ(c.candidates, std::uint64_t{1} << n);
    EXPECT_EQ(c.ranks, world->size());
    if (!sat.empty()) {
      EXPECT_EQ(c.witness, *sat.begin());
    }
    std::uint64_t covered = 0;
    for (std::size_t i = 0; i < c.chunks.size(); ++i) {
      EXPECT_EQ(c.chunks[i].chunk, i) << "every chunk exactly once";
      covered += c.chunks[i].candidates;
    }
    EXPECT_EQ(covered, std::uint64_t{1} << n);
    EXPECT_EQ(d.found, !sat.empty()) << "trial " << trial;
    if (d.found) {
      EXPECT_TRUE(sat.count(d.witness));
    }
  }
}

TEST(MpiSearch, WorkIsSharedAcrossRanks) {
  Rng rng(5);
  const Cnf cnf = random_ksat(18, 3, 77, rng);
  SearchOptions opt;
  opt.mode = SearchMode::kCount;
  opt.chunk_bits = 8;  // 1024 chunks
  const SearchOutcome c = distributed_search(ksat_to_relu(cnf), opt, *world);
  if (!world->is_root()) return;
  std::vector<std::uint64_t> per_rank(static_cast<std::size_t>(world->size()), 0);
  for (const auto& rec : c.chunks) per_rank[rec.rank] += rec.candidates;
  for (int r = 0; r < world->size(); ++r)
    EXPECT_GT(per_rank[static_cast<std::size_t>(r)], 0u) << "rank " << r << " did no work";
}

// Interrupted on rank 0 (a stop signal) and resumed from the streamed chunks, across ranks: the
// union equals the uninterrupted search, nothing is searched twice, and a point whose chunks are
// all recorded is not searched again at all.
TEST(MpiSearch, InterruptAndResumeAcrossRanks) {
  Rng rng(31);
  const Cnf cnf = random_ksat(15, 3, 60, rng);
  const InversionProblem p = ksat_to_relu(cnf);
  SearchOptions opt;
  opt.mode = SearchMode::kCount;
  opt.chunk_bits = 6;  // 512 chunks
  const SearchOutcome full = distributed_search(p, opt, *world);

  std::vector<ChunkRecord> streamed;
  SearchOptions first = opt;
  first.on_chunk = [&](const ChunkRecord& r) {
    streamed.push_back(r);
    if (streamed.size() == 100) request_stop_for_testing(15);
  };
  const SearchOutcome part = distributed_search(p, first, *world);
  clear_stop_request();

  SearchOptions second = opt;
  if (world->is_root()) second.prior = streamed;
  std::vector<ChunkRecord> rest;
  second.on_chunk = [&](const ChunkRecord& r) { rest.push_back(r); };
  const SearchOutcome resumed = distributed_search(p, second, *world);

  SearchOptions third = opt;
  if (world->is_root()) {
    third.prior = streamed;
    third.prior.insert(third.prior.end(), rest.begin(), rest.end());
  }
  const SearchOutcome again = distributed_search(p, third, *world);
  if (!world->is_root()) return;
  EXPECT_TRUE(part.interrupted);
  EXPECT_GE(streamed.size(), 100u);
  EXPECT_LT(streamed.size(), 512u);
  EXPECT_FALSE(resumed.interrupted);
  EXPECT_EQ(resumed.preimages, full.preimages);
  EXPECT_EQ(resumed.witness, full.witness);
  EXPECT_EQ(resumed.candidates, full.candidates);
  EXPECT_EQ(streamed.size() + rest.size(), 512u) << "no chunk done twice";
  EXPECT_TRUE(again.chunks.empty()) << "a fully recorded point is not searched again";
  EXPECT_EQ(again.preimages, full.preimages);
  EXPECT_EQ(again.witness, full.witness);
}

// A solver that fails on rank 1 only: every rank must get an error, none may hang.
class FailsOnRankOne final : public ChunkScanner {
 public:
  ScanResult scan(ChunkRange range, SearchMode, const std::atomic<bool>&) override {
    if (world->rank() == 1) throw std::runtime_error("scanner failure on rank 1");
    // Slow enough that rank 1 gets chunks before rank 0 has taken them all.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {range.end - range.begin, 0, kNoLatent};
  }
};
const Registrar<SolverInfo> kFailing("test-fails-on-rank-1",
                                     {"test only", [](const InversionProblem&) {
                                        return std::make_unique<FailsOnRankOne>();
                                      }});

TEST(MpiSearch, AFailureOnOneRankFailsEveryRank) {
  Rng rng(8);
  const InversionProblem p = ksat_to_relu(random_ksat(14, 3, 50, rng));
  SearchOptions opt;
  opt.mode = SearchMode::kCount;
  opt.solver = "test-fails-on-rank-1";
  if (world->size() == 1) {
    EXPECT_NO_THROW(distributed_search(p, opt, *world));
    return;
  }
  EXPECT_THROW(distributed_search(p, opt, *world), std::runtime_error);
  // The ranks are still in step: a normal search afterwards works.
  opt.solver = "brute-force";
  const SearchOutcome ok = distributed_search(p, opt, *world);
  if (world->is_root()) {
    EXPECT_EQ(ok.candidates, std::uint64_t{1} << 14);
  }
}

}  // namespace
}  // namespace sethlab
