#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/rng.hpp"
#include "problems/ksat_generator.hpp"
#include "test_support.hpp"

namespace sethlab {
namespace {

TEST(Generators, RandomKsatShape) {
  Rng rng(1);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 3 + static_cast<int>(rng.below(20));
    const int k = 1 + static_cast<int>(rng.below(3));
    const int m = static_cast<int>(rng.below(60));
    const Cnf c = random_ksat(n, k, m, rng);
    ASSERT_EQ(c.num_vars, n);
    ASSERT_EQ(static_cast<int>(c.clauses.size()), m);
    for (const auto& cl : c.clauses) {
      ASSERT_EQ(static_cast<int>(cl.size()), k);
      std::set<int> vars;
      for (int lit : cl) {
        ASSERT_NE(lit, 0);
        ASSERT_LE(std::abs(lit), n);
        vars.insert(std::abs(lit));
      }
      ASSERT_EQ(static_cast<int>(vars.size()), k) << "variables in a clause must be distinct";
    }
  }
}

TEST(Generators, SameSeedSameInstanceAndFixedHash) {
  Rng a(42), b(42), c(43);
  const Cnf x = random_ksat(20, 3, 85, a);
  EXPECT_EQ(x, random_ksat(20, 3, 85, b));
  EXPECT_NE(x, random_ksat(20, 3, 85, c));
}

TEST(Generators, SignsAndVariablesAreRoughlyUniform) {
  Rng rng(5);
  const Cnf c = random_ksat(10, 3, 20000, rng);
  int positive = 0;
  std::vector<int> hits(11, 0);
  for (const auto& cl : c.clauses)
    for (int lit : cl) {
      positive += lit > 0;
      ++hits[static_cast<std::size_t>(std::abs(lit))];
    }
  const double total = 60000;
  EXPECT_NEAR(positive / total, 0.5, 0.01);
  for (int v = 1; v <= 10; ++v) EXPECT_NEAR(hits[static_cast<std::size_t>(v)] / total, 0.1, 0.006);
}

TEST(Generators, PlantedIsSatisfiedByItsHiddenAssignment) {
  Rng rng(9);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 3 + static_cast<int>(rng.below(12));
    const int k = 1 + static_cast<int>(rng.below(3));
    const PlantedCnf p = planted_ksat(n, k, 6 * n, rng);
    ASSERT_LT(p.hidden, std::uint64_t{1} << n);
    ASSERT_TRUE(testing::satisfying_set(p.cnf).count(p.hidden)) << "trial " << trial;
  }
}

TEST(Generators, PlantedClausesAreUniformAmongSatisfiedOnes) {
  // For k = 2, each clause over a fixed variable pair has 3 sign patterns that the hidden
  // assignment satisfies; each should appear about 1/3 of the time.
  Rng rng(11);
  const PlantedCnf p = planted_ksat(2, 2, 30000, rng);
  std::map<std::pair<bool, bool>, int> count;
  for (const auto& cl : p.cnf.clauses) {
    bool truth[3] = {false, false, false};  // truth of the literal on variable 1 and 2
    for (int lit : cl) {
      const int var = std::abs(lit);
      const bool value = (p.hidden >> (var - 1)) & 1U;
      truth[var] = (lit > 0) == value;
    }
    ++count[{truth[1], truth[2]}];
  }
  EXPECT_EQ(count.count({false, false}), 0u) << "a clause false under the hidden assignment";
  EXPECT_EQ(count.size(), 3u);
  for (const auto& [key, c] : count) EXPECT_NEAR(c / 30000.0, 1.0 / 3, 0.015);
}

TEST(Generators, RejectsImpossibleShapes) {
  Rng rng(1);
  EXPECT_THROW(random_ksat(2, 3, 5, rng), std::invalid_argument);
  EXPECT_THROW(planted_ksat(0, 1, 5, rng), std::invalid_argument);
  EXPECT_THROW(random_ksat(5, 3, -1, rng), std::invalid_argument);
}

TEST(Generators, ClauseRatioRounds) {
  EXPECT_EQ(clauses_for_ratio(20, 4.26), 85);
  EXPECT_EQ(clauses_for_ratio(12, 4.26), 51);
  EXPECT_EQ(clauses_for_ratio(10, 0.0), 0);
}

}  // namespace
}  // namespace sethlab
