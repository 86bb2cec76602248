#pragma once
// The communicator of the MPI test executables (set by mpi_test_main.cpp). Every rank runs the
// same tests so collectives match; tests use EXPECT, never ASSERT, around collectives, because
// an early return on one rank would leave the others waiting.
#include "comm/comm.hpp"

namespace sethlab {
extern Comm* mpi_world;
}  // namespace sethlab
