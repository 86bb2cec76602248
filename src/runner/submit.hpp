#pragma once
// `sethlab submit`: renders slurm/sethlab-job.sbatch.in for a job and submits it with sbatch.
// The scheduler side (allocation, signals, requeue) lives in the template; sethlab itself is
// the MPI program the template launches with srun.
#include <map>
#include <string>

namespace sethlab {

struct SubmitOptions {
  std::string job_path;
  std::string output;
  std::string name;  // default: the job file's stem
  int nodes = 1;
  int ntasks_per_node = 1;
  int cpus_per_task = 1;
  std::string time = "01:00:00";
  std::string partition;
  std::string account;
  int array = 0;         // K > 0: an array of K tasks, each a slice of the points into its own file
  bool resume = false;   // the output exists and is continued
  bool dry_run = false;  // print the script, write and submit nothing
  std::string template_path;
  std::string sethlab_path;  // the binary the batch script runs
  std::string extra_args;    // more `sethlab run` arguments, shell-quoted
};

// Returns the exit status. Prints the script (dry run) or the job id and where output goes.
int submit_job(const SubmitOptions& options);

// Fills `@NAME@` placeholders; throws InputError for a value with a quote or newline and
// std::runtime_error if a placeholder is left.
std::string render_template(const std::string& text,
                            const std::map<std::string, std::string>& values);

}  // namespace sethlab
