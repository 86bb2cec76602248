// The sethlab executable: a thin driver over the library (runner/, io/, problems/).
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "core/build_info.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/results_file.hpp"
#include "problems/dimacs.hpp"
#include "problems/ksat_generator.hpp"
#include "runner/family.hpp"
#include "runner/inspect.hpp"
#include "runner/job_spec.hpp"
#include "runner/merge.hpp"
#include "runner/run_job.hpp"
#include "runner/submit.hpp"
#include "runner/sweep.hpp"

using namespace sethlab;

namespace {

int run_command(const RunOptions& opts, int& argc, char**& argv) {
  MpiSession mpi(argc, argv);
  try {
    return run_job(opts, mpi.world());
  } catch (const std::exception& e) {
    // A failure inside a collective phase leaves the other ranks waiting: take them down too.
    std::cerr << "sethlab: rank " << mpi.world().rank() << ": fatal: " << e.what() << "\n";
    if (mpi.world().size() > 1) MpiSession::abort(exit_status::kFailure);
    return exit_status::kFailure;
  }
}

void print_knobs() {
  for (const auto& name : FamilyRegistry::instance().names()) {
    std::vector<Knob> knobs = common_knobs();
    for (auto& k : make_family(name)->knobs()) knobs.push_back(std::move(k));
    std::cout << "## family " << name << ": " << FamilyRegistry::instance().find(name)->help
              << "\n\n"
              << knob_reference(knobs) << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sethlab: measure fine-grained lower bounds (SETH) at scale"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sethlab ") + build_info_version() + " (" +
                                        build_info_commit() + ", " + build_info_compiler() + ")");

  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "run a job file (under mpirun for several ranks)");
  run_cmd->add_option("job", run.job_path, "job file (TOML)")->required();
  run_cmd->add_option("-o,--output", run.output, "results file (HDF5) to create")->required();
  run_cmd->add_flag("--force", run.force, "replace an existing results file");
  bool resume = false, resume_or_start = false;
  auto* resume_flag = run_cmd->add_flag("--resume", resume,
                                        "continue an interrupted run in OUTPUT (same job file)");
  run_cmd
      ->add_flag("--resume-or-start", resume_or_start,
                 "resume OUTPUT if it exists, else start it (for requeued batch jobs)")
      ->excludes(resume_flag);
  run_cmd
      ->add_option("--array-task", run.array_task, "run only the points with index % COUNT == TASK")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--array-count", run.array_count, "number of array slices (see --array-task)")
      ->check(CLI::PositiveNumber);
  run_cmd
      ->add_option("--threads", run.threads, "OpenMP threads per rank (default: OMP_NUM_THREADS)")
      ->check(CLI::Range(1, 4096));
  run_cmd->add_flag("--progress", run.progress,
                    "show progress on stderr even when it is not a terminal");
  run_cmd->add_flag("-q,--quiet", run.quiet, "do not print the summary at the end");

  SubmitOptions sub;
  sub.template_path = std::string(SETHLAB_SOURCE_DIR) + "/slurm/sethlab-job.sbatch.in";
  CLI::App* submit_cmd =
      app.add_subcommand("submit", "submit a job to Slurm (sbatch), with checkpoint and requeue");
  submit_cmd->add_option("job", sub.job_path, "job file (TOML)")->required();
  submit_cmd
      ->add_option("-o,--output", sub.output,
                   "results file (HDF5); array tasks write OUT.task<i>.h5")
      ->required();
  submit_cmd->add_option("--nodes", sub.nodes, "nodes")->check(CLI::PositiveNumber);
  submit_cmd->add_option("--ntasks-per-node", sub.ntasks_per_node, "MPI ranks per node")
      ->check(CLI::PositiveNumber);
  submit_cmd
      ->add_option("--cpus-per-task", sub.cpus_per_task, "cores per rank (becomes OMP_NUM_THREADS)")
      ->check(CLI::PositiveNumber);
  submit_cmd->add_option("--time", sub.time, "time limit (Slurm format, e.g. 04:00:00)");
  submit_cmd->add_option("--partition", sub.partition, "partition");
  submit_cmd->add_option("--account", sub.account, "account");
  submit_cmd
      ->add_option("--array", sub.array,
                   "split the points into K array tasks, each into its own file")
      ->check(CLI::PositiveNumber);
  submit_cmd->add_option("--name", sub.name, "job name (default: the job file's name)");
  submit_cmd->add_flag("--resume", sub.resume, "continue existing results files");
  submit_cmd->add_flag("--dry-run", sub.dry_run,
                       "print the batch script; write and submit nothing");
  submit_cmd->add_option("--template", sub.template_path, "batch script template")
      ->capture_default_str();

  std::vector<std::string> merge_parts;
  std::string merge_out;
  bool merge_force = false;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "merge results files of one job (array tasks) into one");
  merge_cmd->add_option("parts", merge_parts, "results files to merge")->required();
  merge_cmd->add_option("-o,--output", merge_out, "merged results file to create")->required();
  merge_cmd->add_flag("--force", merge_force, "replace an existing output file");

  std::string inspect_path;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "summarise a results file");
  inspect_cmd->add_option("results", inspect_path, "results file (HDF5)")->required();

  CLI::App* knobs_cmd =
      app.add_subcommand("knobs", "print the job-file reference (every key, type, range)");

  std::string check_job;
  CLI::App* check_cmd =
      app.add_subcommand("check", "validate a job file and print its point count");
  check_cmd->add_option("job", check_job, "job file (TOML)")->required();

  int gen_n = 20, gen_k = 3;
  double gen_ratio = 4.26;
  std::uint64_t gen_seed = 1;
  bool gen_planted = false;
  std::string gen_out;
  CLI::App* gen_cmd =
      app.add_subcommand("generate", "write a random or planted k-SAT instance as DIMACS");
  gen_cmd->add_option("-n", gen_n, "variables")->check(CLI::Range(1, 1000000));
  gen_cmd->add_option("-k", gen_k, "literals per clause")->check(CLI::Range(1, 1000));
  gen_cmd->add_option("--ratio", gen_ratio, "clauses per variable")->check(CLI::Range(0.0, 1000.0));
  gen_cmd->add_option("--seed", gen_seed, "seed");
  gen_cmd->add_flag("--planted", gen_planted, "plant a hidden satisfying assignment");
  gen_cmd->add_option("-o,--output", gen_out, "DIMACS file to write")->required();
  bool gen_force = false;
  gen_cmd->add_flag("--force", gen_force, "replace an existing file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : exit_status::kBadInput;
  }

  try {
    if (*run_cmd) {
      if (resume) run.mode = OutputMode::kResume;
      if (resume_or_start) run.mode = OutputMode::kResumeOrStart;
      if ((run.array_task >= 0) != (run.array_count > 0))
        throw InputError("--array-task and --array-count go together");
      if (run.force && run.mode != OutputMode::kCreate)
        throw InputError("--force cannot be combined with --resume");
      return run_command(run, argc, argv);
    }
    if (*submit_cmd) {
      sub.sethlab_path = argv[0];
      if (sub.sethlab_path.find('/') == std::string::npos) sub.sethlab_path = "/proc/self/exe";
      sub.sethlab_path = std::filesystem::canonical(sub.sethlab_path).string();
      return submit_job(sub);
    }
    if (*merge_cmd) {
      const MergeReport r = merge_results(merge_parts, merge_out, merge_force);
      print_merge_report(r, std::cout);
      std::cout << "results: " << merge_out << "\n";
      return r.complete() ? exit_status::kOk : exit_status::kFailure;
    }
    if (*inspect_cmd) {
      print_summary(read_results(inspect_path), std::cout);
      return exit_status::kOk;
    }
    if (*knobs_cmd) {
      print_knobs();
      return exit_status::kOk;
    }
    if (*check_cmd) {
      const JobSpec spec = load_job(check_job);
      std::cout << check_job << ": ok, family " << spec.family << ", " << expand_points(spec).size()
                << " points\n";
      return exit_status::kOk;
    }
    if (*gen_cmd) {
      if (gen_k > gen_n) throw InputError("-k must not exceed -n");
      if (!gen_force && std::filesystem::exists(gen_out))
        throw InputError(gen_out + ": file exists; pass --force to replace it");
      Rng rng(gen_seed);
      const int m = clauses_for_ratio(gen_n, gen_ratio);
      if (gen_planted) {
        const PlantedCnf p = planted_ksat(gen_n, gen_k, m, rng);
        write_dimacs_file(gen_out, p.cnf, "planted k-SAT, seed " + std::to_string(gen_seed));
      } else {
        write_dimacs_file(gen_out, random_ksat(gen_n, gen_k, m, rng),
                          "random k-SAT, seed " + std::to_string(gen_seed));
      }
      return exit_status::kOk;
    }
  } catch (const InputError& e) {
    std::cerr << "sethlab: " << e.what() << "\n";
    return exit_status::kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "sethlab: " << e.what() << "\n";
    return exit_status::kFailure;
  }
  return exit_status::kFailure;
}
