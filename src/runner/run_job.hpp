#pragma once
// `sethlab run`: validate the job on rank 0 before any MPI work, create the results file, run
// every point collectively, stream rows, and end with a status every rank agrees on.
#include <string>

#include "comm/comm.hpp"

namespace sethlab {

struct RunOptions {
  std::string job_path;
  std::string output;
  bool force = false;
  int threads = 0;        // 0: OMP_NUM_THREADS / omp_get_max_threads()
  bool progress = false;  // also shown when stderr is a terminal
  bool quiet = false;     // no summary at the end
};

// Returns the process exit status (core/error.hpp exit_status), identical on every rank.
int run_job(const RunOptions& options, Comm& comm);

}  // namespace sethlab
