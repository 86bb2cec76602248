// main() of the MPI test executables: MPI up, gtest output from rank 0 only, and a failure on
// any rank fails the whole mpirun.
#include <gtest/gtest.h>

#include "mpi_world.hpp"

namespace sethlab {
Comm* mpi_world = nullptr;
}  // namespace sethlab

int main(int argc, char** argv) {
  sethlab::MpiSession mpi(argc, argv);
  sethlab::mpi_world = &mpi.world();
  ::testing::InitGoogleTest(&argc, argv);
  if (!mpi.world().is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  return mpi.world().allreduce_max(failed) != 0 ? 1 : 0;
}
