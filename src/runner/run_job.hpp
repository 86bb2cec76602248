#pragma once
// `sethlab run`: validate the job on rank 0 before any MPI work, create (or reopen, to resume)
// the results file, run every point of this run's slice collectively, stream rows, and end with a
// status every rank agrees on. SIGTERM/SIGINT stop it at the next chunk boundary with a clean
// checkpoint (exit status 4); `--resume` continues from it.
#include <string>

#include "comm/comm.hpp"

namespace sethlab {

enum class OutputMode {
  kCreate,         // the output must not exist (or --force)
  kResume,         // the output must exist and come from the same job
  kResumeOrStart,  // resume if it exists, else create (what requeued batch jobs use)
};

struct RunOptions {
  std::string job_path;
  std::string output;
  bool force = false;
  OutputMode mode = OutputMode::kCreate;
  int threads = 0;        // 0: OMP_NUM_THREADS / omp_get_max_threads()
  bool progress = false;  // also shown when stderr is a terminal
  bool quiet = false;     // no summary at the end
  int array_task = -1;    // run only points with index % array_count == array_task
  int array_count = 0;
};

// Returns the process exit status (core/error.hpp exit_status), identical on every rank.
int run_job(const RunOptions& options, Comm& comm);

}  // namespace sethlab
