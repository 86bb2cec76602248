#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "problems/ksat_generator.hpp"
#include "reductions/ksat_to_relu.hpp"
#include "test_support.hpp"

namespace sethlab {
namespace {

std::set<std::uint64_t> preimages(const InversionProblem& p) {
  std::set<std::uint64_t> out;
  std::vector<std::int64_t> scratch(2 * p.net.max_width()), y(p.target.size());
  for (std::uint64_t z = 0; z < (std::uint64_t{1} << p.net.latent_dim()); ++z) {
    p.net.evaluate_binary(z, scratch, y);
    if (y == p.target) out.insert(z);
  }
  return out;
}

// The property the whole inversion experiment rests on, over 600 seeded random CNFs (k-SAT of
// several widths and ratios, planted ones, and messy mixed-width formulas): the preimages of the
// R1 network over {0,1}^n are exactly the satisfying assignments, in both forms.
TEST(R1Reduction, PreimagesEqualSatisfyingAssignments) {
  const std::uint64_t seed = 20261204;
  Rng rng(seed);
  int satisfiable = 0, unsatisfiable = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const int n = 1 + static_cast<int>(rng.below(10));
    Cnf cnf;
    switch (trial % 3) {
      case 0: {
        const int k = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(std::min(n, 4))));
        cnf = random_ksat(n, k, static_cast<int>(rng.below(6 * static_cast<std::uint64_t>(n) + 1)),
                          rng);
        break;
      }
      case 1:
        cnf = planted_ksat(n, std::min(n, 3), 5 * n, rng).cnf;
        break;
      default:
        cnf = testing::messy_cnf(n, static_cast<int>(rng.below(20)), rng);
    }
    const auto expected = testing::satisfying_set(cnf);
    (expected.empty() ? unsatisfiable : satisfiable)++;
    ASSERT_EQ(preimages(ksat_to_relu(cnf)), expected) << "seed " << seed << " trial " << trial;
    ASSERT_EQ(preimages(ksat_to_relu_binary(cnf)), expected)
        << "seed " << seed << " trial " << trial;
  }
  // The sample must exercise both answers, or the property says little.
  EXPECT_GT(satisfiable, 100);
  EXPECT_GT(unsatisfiable, 50);
}

TEST(R1Reduction, ShapeMatchesTheory) {
  Rng rng(2);
  const Cnf cnf = random_ksat(9, 3, 30, rng);
  const InversionProblem p = ksat_to_relu(cnf);
  EXPECT_EQ(p.net.latent_dim(), 9);
  ASSERT_EQ(p.net.layers().size(), 2u);
  EXPECT_EQ(p.net.layers()[0].outputs, 2 * 9 + 30);  // width 2n + m
  EXPECT_EQ(p.net.output_dim(), 9 + 30);             // n + m outputs
  EXPECT_EQ(p.net.layers()[0].nnz(), 2u * 9 + 90);   // 2n + sum |C_j|
  EXPECT_EQ(p.net.scale(), 2);
  for (std::size_t i = 0; i < p.target.size(); ++i) EXPECT_EQ(p.target[i], i < 9 ? 1 : 0);
  // Real weights are {-1, 0, 1}: stored weights divided by the scale, first layer.
  for (auto w : p.net.layers()[0].weight) EXPECT_TRUE(std::abs(w) == 2) << w;
  const InversionProblem b = ksat_to_relu_binary(cnf);
  EXPECT_EQ(b.net.output_dim(), 30);
  EXPECT_EQ(b.net.nnz(), 90u);
}

// The real-valued view agrees with the integer one on binary latents, and the real-latent gadget
// behaves as theory.md says off the cube: y_i = |z_i - 1/2| and the clause units are ReLU(1 - s_j).
TEST(R1Reduction, RealEvaluationMatchesConstruction) {
  Rng rng(3);
  for (int trial = 0; trial < 100; ++trial) {
    const int n = 2 + static_cast<int>(rng.below(8));
    const Cnf cnf = random_ksat(n, std::min(n, 3), 3 * n, rng);
    const InversionProblem p = ksat_to_relu(cnf);
    std::vector<double> z(static_cast<std::size_t>(n));
    for (auto& v : z) v = rng.unit() * 1.5 - 0.25;
    const auto y = p.net.evaluate_real(z);
    for (int i = 0; i < n; ++i)
      EXPECT_NEAR(y[static_cast<std::size_t>(i)], std::abs(z[static_cast<std::size_t>(i)] - 0.5),
                  1e-12);
    for (std::size_t j = 0; j < cnf.clauses.size(); ++j) {
      double s = 0;
      for (int lit : cnf.clauses[j]) {
        const double v = z[static_cast<std::size_t>(std::abs(lit) - 1)];
        s += lit > 0 ? v : 1 - v;
      }
      EXPECT_NEAR(y[static_cast<std::size_t>(n) + j], std::max(0.0, 1 - s), 1e-12);
    }
  }
}

}  // namespace
}  // namespace sethlab
