// Taylor attention: the symmetric features (count, multinomial identity), the linear-time
// kernel against the direct O(n^2) evaluation of the same polynomial scores (to rounding), and
// against true softmax with an error that shrinks as the order p grows.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

#include "attention/kernel.hpp"
#include "attention/taylor_features.hpp"
#include "attention_test_util.hpp"

namespace sethlab::attention {
namespace {

using testing::random_matrix;
using testing::relative_error;

double binomial(unsigned n, unsigned r) {  // independent of the library: the product formula
  double b = 1.0;
  for (unsigned t = 1; t <= r; ++t) b = b * (n - r + t) / t;
  return std::round(b);
}

TEST(TaylorFeatures, CountIsSumOfMultisetCounts) {
  for (unsigned d = 1; d <= 9; ++d)
    for (unsigned p = 0; p <= 5; ++p) {
      double want = 0.0;
      for (unsigned z = 0; z <= p; ++z) want += binomial(d + z - 1, z);
      EXPECT_EQ(static_cast<double>(symmetric_feature_count(d, p)), want) << d << " " << p;
      EXPECT_EQ(want, binomial(d + p, p));
      const SymmetricFeatures f(d, p);
      ASSERT_EQ(f.size(), static_cast<std::size_t>(want));
      for (unsigned z = 0; z <= p; ++z)
        EXPECT_EQ(f.degree_begin(z + 1) - f.degree_begin(z), binomial(d + z - 1, z));
    }
  EXPECT_EQ(symmetric_feature_count(16, 2), 153u);  // 1 + 16 + 136
  EXPECT_THROW(symmetric_feature_count(1000, 6), std::invalid_argument);
}

TEST(TaylorFeatures, MultisetsAreDistinctSortedAndWeighted) {
  const SymmetricFeatures f(4, 4);
  std::set<std::vector<std::size_t>> seen;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const auto m = f.multiset(i);
    EXPECT_EQ(m.size(), f.degree(i));
    EXPECT_TRUE(std::is_sorted(m.begin(), m.end()));
    EXPECT_TRUE(seen.insert(m).second) << "feature " << i << " repeats a multiset";
    // weight = z! / prod m_c!
    double w = std::tgamma(static_cast<double>(m.size()) + 1);
    for (std::size_t c = 0; c < 4; ++c)
      w /= std::tgamma(static_cast<double>(std::count(m.begin(), m.end(), c)) + 1);
    EXPECT_DOUBLE_EQ(f.weight(i), w);
  }
}

// sum over degree-z features of w * prod q * prod k = (q . k)^z
TEST(TaylorFeatures, ReproducePowersOfTheDotProduct) {
  for (std::size_t d : {1u, 3u, 7u}) {
    const SymmetricFeatures f(d, 5);
    const auto x = random_matrix<double>(2, d, 1.0, 70 + d);
    std::vector<double> fq(f.size()), fk(f.size());
    f.evaluate(x.row(0), fq.data());
    f.evaluate(x.row(1), fk.data());
    double dot = 0.0, abs_dot = 0.0;  // abs_dot^z bounds every term: the rounding scale
    for (std::size_t c = 0; c < d; ++c) {
      dot += x(0, c) * x(1, c);
      abs_dot += std::fabs(x(0, c) * x(1, c));
    }
    for (std::size_t z = 0; z <= 5; ++z) {
      double sum = 0.0;
      for (std::size_t g = f.degree_begin(z); g < f.degree_begin(z + 1); ++g)
        sum += f.weight(g) * fq[g] * fk[g];
      EXPECT_NEAR(sum, std::pow(dot, static_cast<double>(z)),
                  1e-13 * std::max(1.0, std::pow(abs_dot, static_cast<double>(z))))
          << "d " << d << " z " << z;
    }
  }
}

template <class T>
void taylor_matches_direct(double tol) {
  struct Case {
    std::size_t nq, nk, d, dv, tile;
    long p;
  };
  const Case cases[] = {{100, 100, 4, 4, 32, 2}, {37, 53, 3, 7, 16, 3}, {20, 20, 1, 2, 64, 4},
                        {64, 64, 6, 6, 64, 0},   {9, 9, 5, 1, 2, 1},    {50, 50, 2, 3, 8, 6}};
  for (const Case& cs : cases)
    for (Mechanism mech : {Mechanism::kTaylor, Mechanism::kTaylorSoftmax})
      for (bool custom : {false, true}) {
        const std::uint64_t seed = 80 + cs.nq + static_cast<std::uint64_t>(cs.p);
        SCOPED_TRACE("seed " + std::to_string(seed) + " p " + std::to_string(cs.p) + " d " +
                     std::to_string(cs.d) + " " + mechanism_name(mech) +
                     (custom ? " custom coefficients" : " 1/z!"));
        const auto q = random_matrix<T>(cs.nq, cs.d, 1.0, seed);
        const auto k = random_matrix<T>(cs.nk, cs.d, 1.0, seed + 1);
        const auto v = random_matrix<T>(cs.nk, cs.dv, 1.0, seed + 2);
        AttentionSpec spec;
        spec.mechanism = mech;
        spec.taylor_order = cs.p;
        spec.temperature = 0.8;
        spec.tile_queries = cs.tile;
        spec.tile_keys = cs.tile + 3;
        // custom: positive and shifted so even odd orders keep the row sums positive
        if (custom)
          for (long z = 0; z <= cs.p; ++z)
            spec.taylor_coefficients.push_back(z == 0 ? 4.0 : 0.5 / (z + 1));
        const Matrix<T> direct = attend<T>("reference", spec, q, k, v);
        const Matrix<T> fast = attend<T>("taylor", spec, q, k, v);
        EXPECT_LE(relative_error(fast, direct), tol);
      }
}

TEST(TaylorAttention, MatchesDirectPolynomialDouble) {
  taylor_matches_direct<double>(1e-12);
}
TEST(TaylorAttention, MatchesDirectPolynomialFloat) {
  taylor_matches_direct<float>(2e-5);
}

// p = 0: every score is c_0, so taylor-softmax averages V (and taylor sums it).
TEST(TaylorAttention, OrderZeroAveragesValues) {
  const auto q = random_matrix<double>(5, 3, 1.0, 91), k = random_matrix<double>(8, 3, 1.0, 92);
  const auto v = random_matrix<double>(8, 2, 1.0, 93);
  AttentionSpec spec;
  spec.mechanism = Mechanism::kTaylorSoftmax;
  spec.taylor_order = 0;
  const Matrix<double> y = attend<double>("taylor", spec, q, k, v);
  for (std::size_t c = 0; c < 2; ++c) {
    double mean = 0.0;
    for (std::size_t j = 0; j < 8; ++j) mean += v(j, c) / 8;
    for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(y(i, c), mean, 1e-15);
  }
}

// Bounded entries: the Taylor-softmax error against true softmax falls with every order p and
// stays within theory.md's bound 2 eta / (1 - eta) max|V|, eta = e^R R^{p+1} / (p+1)!, where
// R = max |q_i . k_j| / sqrt(d) (about 1 here).
TEST(TaylorAttention, ApproachesSoftmaxAsOrderGrows) {
  const std::size_t n = 200, d = 4;
  const auto q = random_matrix<double>(n, d, 0.7, 101), k = random_matrix<double>(n, d, 0.7, 102);
  const auto v = random_matrix<double>(n, 3, 1.0, 103);
  double r_max = 0.0, v_max = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double dot = 0.0;
      for (std::size_t c = 0; c < d; ++c) dot += q(i, c) * k(j, c);
      r_max = std::max(r_max, std::fabs(dot) / std::sqrt(double(d)));
      if (j < 3) v_max = std::max(v_max, std::fabs(v(i, j)));
    }
  AttentionSpec spec;
  const Matrix<double> softmax = attend<double>("reference", spec, q, k, v);
  spec.mechanism = Mechanism::kTaylorSoftmax;
  double previous = INFINITY;
  for (long p = 0; p <= 8; ++p) {
    spec.taylor_order = p;
    const Matrix<double> y = attend<double>("taylor", spec, q, k, v);
    double err = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t c = 0; c < 3; ++c) err = std::max(err, std::fabs(y(i, c) - softmax(i, c)));
    EXPECT_LT(err, previous) << "p " << p;
    const double eta =
        std::exp(r_max) * std::pow(r_max, double(p + 1)) / std::tgamma(double(p + 2));
    if (eta < 1) {
      EXPECT_LE(err, 2 * eta / (1 - eta) * v_max) << "p " << p << " R " << r_max;
    }
    previous = err;
  }
  EXPECT_LT(previous, 1e-6);
}

TEST(TaylorAttention, NonPositiveRowSumIsAnError) {
  // d = 1, scale 1, p = 1 with 1/z!: P(x) = 1 + x, and x = -2 gives -1.
  Matrix<double> q(1, 1, -2.0), k(1, 1, 1.0), v(1, 1, 1.0);
  AttentionSpec spec;
  spec.mechanism = Mechanism::kTaylorSoftmax;
  spec.taylor_order = 1;
  EXPECT_THROW(attend<double>("taylor", spec, q, k, v), std::domain_error);
  EXPECT_THROW(attend<double>("reference", spec, q, k, v), std::domain_error);
  spec.mechanism = Mechanism::kTaylor;  // unnormalised: just -1 * v
  EXPECT_DOUBLE_EQ(attend<double>("taylor", spec, q, k, v)(0, 0), -1.0);
}

}  // namespace
}  // namespace sethlab::attention
