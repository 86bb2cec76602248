#include <gtest/gtest.h>

#include "comm/comm.hpp"
#include "core/rng.hpp"
#include "core/stop_signal.hpp"
#include "problems/ksat_generator.hpp"
#include "reductions/ksat_to_relu.hpp"
#include "search/distributed_search.hpp"
#include "test_support.hpp"

namespace sethlab {
namespace {

// Count and decide mode against the clause-evaluation oracle, over many seeded instances, with
// 1 and 2 threads and several chunk sizes (including chunks of one latent and a single chunk).
TEST(Search, BothModesAgreeWithOracle) {
  SerialComm comm;
  Rng rng(99);
  for (int trial = 0; trial < 150; ++trial) {
    const int n = 1 + static_cast<int>(rng.below(13));
    const int k = std::min(n, 3);
    const double ratio = 2.0 + 4.0 * rng.unit();
    const Cnf cnf = trial % 4 == 0 ? planted_ksat(n, k, static_cast<int>(ratio * n), rng).cnf
                                   : random_ksat(n, k, static_cast<int>(ratio * n), rng);
    const auto sat = testing::satisfying_set(cnf);
    const InversionProblem p = trial % 2 ? ksat_to_relu(cnf) : ksat_to_relu_binary(cnf);
    SearchOptions opt;
    opt.threads = 1 + trial % 2;
    opt.chunk_bits = static_cast<int>(rng.below(static_cast<std::uint64_t>(n) + 2));

    opt.mode = SearchMode::kCount;
    const SearchOutcome c = distributed_search(p, opt, comm);
    ASSERT_EQ(c.preimages, sat.size()) << "trial " << trial;
    ASSERT_EQ(c.found, !sat.empty());
    ASSERT_EQ(c.candidates, std::uint64_t{1} << n);
    if (!sat.empty()) {
      ASSERT_EQ(c.witness, *sat.begin()) << "count mode reports the smallest";
    }
    std::uint64_t covered = 0, counted = 0;
    for (const auto& rec : c.chunks) {
      covered += rec.end - rec.begin;
      counted += rec.preimages;
      ASSERT_EQ(rec.candidates, rec.end - rec.begin);
    }
    ASSERT_EQ(covered, std::uint64_t{1} << n);
    ASSERT_EQ(counted, sat.size());
    ASSERT_EQ(c.chunks.size(), c.num_chunks);

    opt.mode = SearchMode::kDecide;
    const SearchOutcome d = distributed_search(p, opt, comm);
    ASSERT_EQ(d.found, !sat.empty()) << "trial " << trial;
    if (d.found) {
      ASSERT_TRUE(sat.count(d.witness)) << "decide witness must satisfy the formula";
      ASSERT_GE(d.first_seconds, 0.0);
    } else {
      ASSERT_EQ(d.candidates, std::uint64_t{1} << n);
    }
  }
}

TEST(Search, DecideStopsEarlyOnAnEasyInstance) {
  // Empty formula: every latent is a preimage; decide mode must stop long before 2^20.
  Cnf cnf;
  cnf.num_vars = 20;
  SerialComm comm;
  SearchOptions opt;
  opt.mode = SearchMode::kDecide;
  opt.threads = 2;
  const SearchOutcome d = distributed_search(ksat_to_relu(cnf), opt, comm);
  EXPECT_TRUE(d.found);
  EXPECT_LT(d.candidates, std::uint64_t{1} << 16);
}

// A search stopped by a signal records exactly the chunks it finished; a second search given
// those chunks does only the rest, and the two together equal one uninterrupted search.
TEST(Search, InterruptedSearchResumesToTheSameAnswer) {
  SerialComm comm;
  Rng rng(12);
  for (int trial = 0; trial < 20; ++trial) {
    const Cnf cnf = random_ksat(14, 3, 50 + trial, rng);
    const InversionProblem p = ksat_to_relu(cnf);
    SearchOptions opt;
    opt.mode = trial % 2 ? SearchMode::kDecide : SearchMode::kCount;
    opt.threads = 2;
    opt.chunk_bits = 6;  // 256 chunks
    const SearchOutcome full = distributed_search(p, opt, comm);

    std::vector<ChunkRecord> streamed;
    SearchOptions first = opt;
    const std::size_t stop_after = 10 + static_cast<std::size_t>(rng.below(100));
    first.on_chunk = [&](const ChunkRecord& r) {
      streamed.push_back(r);
      if (streamed.size() == stop_after) request_stop_for_testing(15);
    };
    const SearchOutcome part = distributed_search(p, first, comm);
    clear_stop_request();
    ASSERT_EQ(streamed.size(), part.chunks.size()) << "every finished chunk reaches the sink once";
    if (!part.interrupted) {  // decide mode may find a preimage before the stop
      ASSERT_EQ(opt.mode, SearchMode::kDecide);
      ASSERT_TRUE(part.found);
      continue;
    }
    ASSERT_LT(part.chunks_done, 256u);
    ASSERT_GE(part.chunks_done, stop_after) << "chunks in flight finish, none are abandoned";

    SearchOptions second = opt;
    second.prior = streamed;
    second.prior_seconds = part.seconds;
    std::vector<ChunkRecord> rest;
    second.on_chunk = [&](const ChunkRecord& r) { rest.push_back(r); };
    const SearchOutcome resumed = distributed_search(p, second, comm);
    ASSERT_FALSE(resumed.interrupted);
    ASSERT_EQ(resumed.found, full.found);
    if (opt.mode == SearchMode::kCount) {
      ASSERT_EQ(resumed.preimages, full.preimages);
      ASSERT_EQ(resumed.witness, full.witness);
      ASSERT_EQ(resumed.candidates, full.candidates);
      ASSERT_EQ(streamed.size() + rest.size(), 256u) << "no chunk done twice";
    }
    std::set<std::uint64_t> ids;
    for (const auto& r : streamed) ids.insert(r.chunk);
    for (const auto& r : rest)
      ASSERT_TRUE(ids.insert(r.chunk).second) << "chunk " << r.chunk << " redone";
    ASSERT_GE(resumed.seconds, part.seconds);
  }
}

// A chunk recorded as cut short (a worker failed mid-chunk) is searched again on resume; a chunk
// that does not match the plan is refused.
TEST(Search, PartialOrForeignCheckpointChunks) {
  SerialComm comm;
  Rng rng(21);
  const InversionProblem p = ksat_to_relu(random_ksat(12, 3, 30, rng));
  SearchOptions opt;
  opt.mode = SearchMode::kCount;
  opt.chunk_bits = 4;  // 256 chunks of 16
  const SearchOutcome full = distributed_search(p, opt, comm);
  ASSERT_GT(full.preimages, 0u);
  SearchOptions resumed = opt;
  resumed.prior = full.chunks;
  for (auto& r : resumed.prior)
    if (r.preimages > 0) {  // pretend these were cut short before their preimages
      r.candidates = 3;
      r.preimages = 0;
      r.first = kNoLatent;
    }
  const SearchOutcome again = distributed_search(p, resumed, comm);
  EXPECT_EQ(again.preimages, full.preimages);
  EXPECT_EQ(again.witness, full.witness);
  EXPECT_EQ(again.candidates, full.candidates);
  SearchOptions foreign = opt;
  foreign.prior = {full.chunks[5]};
  foreign.prior[0].begin += 1;
  EXPECT_THROW(distributed_search(p, foreign, comm), std::runtime_error);
  SearchOptions twice = opt;
  twice.prior = {full.chunks[5], full.chunks[5]};
  EXPECT_THROW(distributed_search(p, twice, comm), std::runtime_error);
}

TEST(Search, UnknownSolverIsRejected) {
  Cnf cnf;
  cnf.num_vars = 3;
  SerialComm comm;
  SearchOptions opt;
  opt.solver = "quantum";
  EXPECT_THROW(distributed_search(ksat_to_relu(cnf), opt, comm), std::invalid_argument);
}

}  // namespace
}  // namespace sethlab
