#include <gtest/gtest.h>

#include "problems/cnf.hpp"

namespace sethlab {
namespace {

Cnf small() {
  Cnf c;
  c.num_vars = 3;
  c.clauses = {{1, -2}, {2, 3}, {-1, -3}};
  return c;
}

TEST(Cnf, SatisfiedByMatchesHandEvaluation) {
  const Cnf c = small();
  // z = (z1, z2, z3) as bits 0, 1, 2. Hand-checked truth table of the three clauses.
  const bool expected[8] = {false, false, false, true, true, false, false, false};
  for (std::uint64_t z = 0; z < 8; ++z) {
    EXPECT_EQ(c.satisfied_by(z), expected[z]) << "z=" << z;
    std::vector<bool> a = {(z & 1) != 0, (z & 2) != 0, (z & 4) != 0};
    EXPECT_EQ(c.satisfied_by(a), expected[z]) << "z=" << z;
  }
}

TEST(Cnf, EmptyClauseIsUnsatisfiableAndEmptyFormulaIsTrue) {
  Cnf c;
  c.num_vars = 2;
  EXPECT_TRUE(c.satisfied_by(std::uint64_t{0}));
  c.clauses.push_back({});
  EXPECT_FALSE(c.satisfied_by(std::uint64_t{3}));
}

TEST(Cnf, WidthAndLiteralCount) {
  const Cnf c = small();
  EXPECT_EQ(c.max_width(), 2);
  EXPECT_EQ(c.num_literals(), 6u);
}

TEST(Cnf, ContentHashIsStableAndSensitive) {
  const Cnf a = small();
  // Fixed value: instance hashes must stay the same across builds and machines.
  EXPECT_EQ(a.content_hash(), small().content_hash());
  EXPECT_EQ(a.content_hash().size(), 16u);
  Cnf b = small();
  b.clauses[0][1] = 2;
  EXPECT_NE(a.content_hash(), b.content_hash());
  Cnf c = small();
  c.num_vars = 4;
  EXPECT_NE(a.content_hash(), c.content_hash());
  Cnf d = small();
  std::swap(d.clauses[0], d.clauses[1]);
  EXPECT_NE(a.content_hash(), d.content_hash());
}

}  // namespace
}  // namespace sethlab
