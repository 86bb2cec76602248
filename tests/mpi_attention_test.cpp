// Distributed attention under mpirun with 1, 2 and 3 ranks (see CMakeLists.txt): every rank builds
// the same seeded Q, K, V, keeps its row block, and the root compares the gathered output with
// the single-node kernel (attention_distributed_util.hpp). n runs below, at and above the rank
// count, so some ranks hold no rows. EXPECT, never ASSERT: an early return on one rank would
// leave the others waiting in the next collective.
#include <gtest/gtest.h>

#include <stdexcept>

#include "attention_distributed_util.hpp"
#include "mpi_world.hpp"

namespace sethlab {
namespace {

Comm*& world = mpi_world;

using attention::AttentionSpec;
using attention::Matrix;
using attention::Mechanism;

TEST(MpiAttention, MatchesSerialKernelsDouble) {
  attention::testing::check_against_serial<double>(*world, 1e-10, 101);
}

TEST(MpiAttention, MatchesSerialKernelsFloat) {
  attention::testing::check_against_serial<float>(*world, 1e-4, 201);
}

TEST(MpiAttention, LargeScoresInLogDomain) {
  attention::testing::check_large_scores<double>(*world, 30.0, 1e-10, 301);
  attention::testing::check_large_scores<float>(*world, 5.0, 1e-4, 302);
}

// Refusals reach every rank, also when only one rank's inputs are wrong.
TEST(MpiAttention, RefusalsAreCollective) {
  const std::size_t n = 7;
  const attention::RowBlock b = attention::row_block(n, world->size(), world->rank());
  const Matrix<double> mine = attention::testing::random_matrix<double>(b.size(), 3, 1.0, 5);
  AttentionSpec spec;
  spec.mechanism = Mechanism::kWindow;
  spec.window = -1;
  EXPECT_THROW(
      attention::attend_distributed<double>(*world, spec, n, mine.view(), mine.view(), mine.view()),
      std::invalid_argument);
  spec.mechanism = Mechanism::kSoftmax;
  const bool last = world->rank() == world->size() - 1;
  const Matrix<double> wrong = attention::testing::random_matrix<double>(b.size() + 1, 3, 1.0, 6);
  const Matrix<double>& q = last ? wrong : mine;
  EXPECT_THROW(
      attention::attend_distributed<double>(*world, spec, n, q.view(), mine.view(), mine.view()),
      std::invalid_argument)
      << "rank " << world->rank();
  // A spec that differs on one rank (here the Taylor order: the allreduce sizes would differ).
  AttentionSpec taylor;
  taylor.mechanism = Mechanism::kTaylor;
  taylor.taylor_order = last ? 3 : 2;
  if (world->size() > 1) {
    EXPECT_THROW(attention::attend_distributed<double>(*world, taylor, n, mine.view(), mine.view(),
                                                       mine.view()),
                 std::invalid_argument)
        << "rank " << world->rank();
  }
  // And the same call with correct blocks still works afterwards (nothing left in flight).
  const Matrix<double> y =
      attention::attend_distributed<double>(*world, spec, n, mine.view(), mine.view(), mine.view());
  EXPECT_EQ(y.rows(), b.size());
}

}  // namespace
}  // namespace sethlab
