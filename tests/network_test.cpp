#include <gtest/gtest.h>

#include "core/bytes.hpp"
#include "core/rng.hpp"
#include "models/relu_network.hpp"
#include "problems/ksat_generator.hpp"
#include "reductions/ksat_to_relu.hpp"

namespace sethlab {
namespace {

// A hand-built 2-layer network: h = ReLU([z1 + z2 - 1, -z1 + 2]), y = [h1 - h2 + 3].
ReluNetwork tiny() {
  LayerBuilder l1(2, true);
  l1.unit(-1);
  l1.add(0, 1);
  l1.add(1, 1);
  l1.unit(2);
  l1.add(0, -1);
  LayerBuilder l2(2, false);
  l2.unit(3);
  l2.add(0, 1);
  l2.add(1, -1);
  return ReluNetwork(2, 1, {l1.finish(), l2.finish()});
}

TEST(ReluNetwork, EvaluatesByHand) {
  const ReluNetwork net = tiny();
  std::vector<std::int64_t> scratch(2 * net.max_width()), out(1);
  // z=(0,0): h=(0,2) y=1; (1,0): h=(0,1) y=2; (0,1): h=(0,2) y=1; (1,1): h=(1,1) y=3
  const std::int64_t expected[4] = {1, 2, 1, 3};
  for (std::uint64_t z = 0; z < 4; ++z) {
    net.evaluate_binary(z, scratch, out);
    EXPECT_EQ(out[0], expected[z]) << z;
    const double zr[2] = {static_cast<double>(z & 1), static_cast<double>(z >> 1)};
    EXPECT_EQ(net.evaluate_real(zr)[0], static_cast<double>(expected[z]));
  }
  EXPECT_EQ(net.nnz(), 5u);
  EXPECT_EQ(net.hidden_width(), 2);
  EXPECT_EQ(net.output_dim(), 1);
}

TEST(ReluNetwork, RejectsInconsistentShapes) {
  LayerBuilder l1(3, true);
  l1.unit(0);
  l1.add(2, 1);
  LayerBuilder l2(2, false);  // expects 2 inputs, l1 has 1 output
  l2.unit(0);
  EXPECT_THROW(ReluNetwork(3, 1, {l1.finish(), l2.finish()}), std::invalid_argument);
  LayerBuilder l3(2, true);
  EXPECT_THROW(l3.add(0, 1), std::logic_error);
  l3.unit(0);
  EXPECT_THROW(l3.add(5, 1), std::out_of_range);
  EXPECT_THROW(ReluNetwork(2, 0, {}), std::invalid_argument);
}

TEST(ReluNetwork, SerialisationRoundTripEvaluatesIdentically) {
  Rng rng(4);
  const Cnf cnf = random_ksat(12, 3, 50, rng);
  const InversionProblem p = ksat_to_relu(cnf);
  const auto back = from_bytes<InversionProblem>(to_bytes(p));
  EXPECT_EQ(back.reduction, "r1");
  EXPECT_EQ(back.target, p.target);
  EXPECT_EQ(back.net.scale(), p.net.scale());
  EXPECT_EQ(back.net.nnz(), p.net.nnz());
  std::vector<std::int64_t> s1(2 * p.net.max_width()), s2(s1.size()), o1(p.target.size()),
      o2(o1.size());
  for (std::uint64_t z = 0; z < 4096; z += 7) {
    p.net.evaluate_binary(z, s1, o1);
    back.net.evaluate_binary(z, s2, o2);
    ASSERT_EQ(o1, o2);
  }
  const auto cnf_back = from_bytes<Cnf>(to_bytes(cnf));
  EXPECT_EQ(cnf_back, cnf);
}

}  // namespace
}  // namespace sethlab
