// Distributed attention with the serial communicator (no mpirun): the row blocks, SerialComm's
// sendrecv and allreduce, and attend_distributed on one rank against the single-node kernels.
// The ring across 2 and 3 ranks is tested under mpirun in mpi_attention_test.cpp.
#include <gtest/gtest.h>

#include <stdexcept>

#include "attention_distributed_util.hpp"

namespace sethlab::attention {
namespace {

TEST(DistributedAttention, RowBlocksAreContiguousAndBalanced) {
  for (int ranks = 1; ranks <= 9; ++ranks)
    for (std::size_t n = 0; n <= 40; ++n) {
      std::size_t next = 0, smallest = n, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const RowBlock b = row_block(n, ranks, r);
        EXPECT_EQ(b.begin, next) << n << " rows, rank " << r << " of " << ranks;
        EXPECT_LE(b.begin, b.end);
        next = b.end;
        smallest = std::min(smallest, b.size());
        largest = std::max(largest, b.size());
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - smallest, 1u);
      EXPECT_EQ(row_block(n, ranks, 0).size(), largest) << "the largest block comes first";
    }
  EXPECT_THROW(row_block(5, 0, 0), std::invalid_argument);
  EXPECT_THROW(row_block(5, 2, 2), std::invalid_argument);
}

TEST(DistributedAttention, SerialCommCollectives) {
  SerialComm comm;
  const double in[3] = {1.5, -2.0, 3.0};
  double out[3] = {};
  comm.sendrecv(in, sizeof in, 0, out, sizeof out, 0);
  EXPECT_EQ(out[1], -2.0);
  EXPECT_THROW(comm.sendrecv(in, sizeof in, 1, out, sizeof out, 0), std::invalid_argument);
  EXPECT_THROW(comm.sendrecv(in, sizeof in, 0, out, 8, 0), std::invalid_argument);
  comm.allreduce_sum(out, 3);
  EXPECT_EQ(out[2], 3.0);
  float f[2] = {1.0f, 2.0f};
  comm.allreduce_sum(f, 2);
  EXPECT_EQ(f[1], 2.0f);
}

TEST(DistributedAttention, OneRankMatchesSerialKernelsDouble) {
  SerialComm comm;
  testing::check_against_serial<double>(comm, 1e-10, 11);
  testing::check_large_scores<double>(comm, 30.0, 1e-10, 12);
}

TEST(DistributedAttention, OneRankMatchesSerialKernelsFloat) {
  SerialComm comm;
  testing::check_against_serial<float>(comm, 1e-4, 21);
  testing::check_large_scores<float>(comm, 5.0, 1e-4, 22);
}

TEST(DistributedAttention, RefusesWrongBlocks) {
  SerialComm comm;
  const Matrix<double> q = testing::random_matrix<double>(6, 3, 1.0, 1);
  AttentionSpec spec;
  spec.mechanism = Mechanism::kWindow;
  spec.window = -2;
  EXPECT_THROW(attend_distributed<double>(comm, spec, 6, q.view(), q.view(), q.view()),
               std::invalid_argument);
  spec.mechanism = Mechanism::kSoftmax;
  EXPECT_THROW(attend_distributed<double>(comm, spec, 7, q.view(), q.view(), q.view()),
               std::invalid_argument);  // 6 local rows, but one rank holds all 7
  EXPECT_THROW(attend_distributed<double>(comm, spec, 0, q.view(), q.view(), q.view()),
               std::invalid_argument);
  EXPECT_THROW(
      attend_distributed<double>(comm, spec, 6, q.view(), q.view(), q.view(), nullptr, "nope"),
      std::invalid_argument);
}

TEST(DistributedAttention, OverflowWithoutLogScaleIsReported) {
  SerialComm comm;
  const Matrix<double> q = testing::random_matrix<double>(5, 4, 3.0, 3);
  AttentionSpec spec;
  spec.mechanism = Mechanism::kExponential;
  spec.c = 100.0;
  EXPECT_THROW(attend_distributed<double>(comm, spec, 5, q.view(), q.view(), q.view()),
               std::overflow_error);
}

}  // namespace
}  // namespace sethlab::attention
