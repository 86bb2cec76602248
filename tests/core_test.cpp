#include <gtest/gtest.h>

#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/latent.hpp"
#include "core/rng.hpp"
#include "search/chunk_plan.hpp"

namespace sethlab {
namespace {

TEST(Hash, Fnv1aKnownValues) {
  // Published FNV-1a 64 test vectors.
  EXPECT_EQ(hash_hex(""), "cbf29ce484222325");
  EXPECT_EQ(hash_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(hash_hex("foobar"), "85944171f73967e8");
}

TEST(Rng, SplitMix64KnownSequence) {
  // Reference values of SplitMix64 from seed 0.
  std::uint64_t s = 0;
  EXPECT_EQ(splitmix64(s), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(splitmix64(s), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(splitmix64(s), 0x06c45d188009454fULL);
}

TEST(Rng, BelowIsInRangeAndUnbiased) {
  Rng rng(3);
  std::vector<int> hist(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto x = rng.below(7);
    ASSERT_LT(x, 7u);
    ++hist[x];
  }
  for (int h : hist) EXPECT_NEAR(h / 70000.0, 1.0 / 7, 0.01);
  EXPECT_EQ(rng.below(1), 0u);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, DeriveSeedSeparatesInputs) {
  EXPECT_NE(derive_seed(1, 2, 3), derive_seed(1, 3, 2));
  EXPECT_NE(derive_seed(1, 2, 3), derive_seed(2, 2, 3));
  EXPECT_EQ(derive_seed(1, 2, 3), derive_seed(1, 2, 3));
}

TEST(Latent, StringRoundTrip) {
  EXPECT_EQ(latent_to_string(0b1101, 5), "10110");
  EXPECT_EQ(latent_from_string("10110"), 0b1101u);
  EXPECT_THROW(latent_from_string("10x"), std::invalid_argument);
}

TEST(ChunkPlan, CoversTheSpaceExactlyOnce) {
  for (int n : {0, 1, 5, 10, 11, 20, 34}) {
    const ChunkPlan plan(n, 0);
    std::uint64_t next = 0;
    for (std::uint64_t c = 0; c < plan.num_chunks() && c < 5000; ++c) {
      const auto r = plan.range(c);
      ASSERT_EQ(r.begin, next);
      ASSERT_GT(r.end, r.begin);
      next = r.end;
    }
    if (plan.num_chunks() <= 5000) {
      EXPECT_EQ(next, plan.space()) << n;
    }
  }
  EXPECT_EQ(ChunkPlan(26, 0).chunk_bits(), 16);
  EXPECT_EQ(ChunkPlan(26, 0).num_chunks(), 1024u);
  EXPECT_EQ(ChunkPlan(8, 0).num_chunks(), 1u);  // small n: chunks of at least 2^8
  EXPECT_EQ(ChunkPlan(12, 0).num_chunks(), 16u);
  EXPECT_EQ(ChunkPlan(3, 0).num_chunks(), 1u);
  EXPECT_EQ(ChunkPlan(40, 0).chunk_bits(), 24);
  EXPECT_EQ(ChunkPlan(12, 20).chunk_bits(), 12);  // clamped to n: one chunk
  EXPECT_THROW(ChunkPlan(63, 0), std::invalid_argument);
  EXPECT_THROW(ChunkPlan(10, 0).range(1024), std::out_of_range);
}

}  // namespace
}  // namespace sethlab
