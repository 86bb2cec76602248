#include <gtest/gtest.h>

// Tests that run the sethlab binary need no MPI here: the library is tested through SerialComm.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
