#include "runner/submit.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "runner/job_spec.hpp"
#include "runner/sweep.hpp"

extern char** environ;

namespace sethlab {
namespace fs = std::filesystem;

std::string render_template(const std::string& text,
                            const std::map<std::string, std::string>& values) {
  std::string out = text;
  for (const auto& [key, value] : values) {
    if (value.find('\'') != std::string::npos || value.find('\n') != std::string::npos)
      throw InputError("value for " + key + " must not contain a quote or a newline: " + value);
    const std::string tag = "@" + key + "@";
    for (auto pos = out.find(tag); pos != std::string::npos;
         pos = out.find(tag, pos + value.size()))
      out.replace(pos, tag.size(), value);
  }
  std::smatch left;
  if (std::regex_search(out, left, std::regex("@[A-Z_]+@")))
    throw std::runtime_error("template placeholder " + left.str() + " was not filled");
  return out;
}

namespace {

// Runs sbatch --parsable SCRIPT and returns its stdout (the job id).
std::string run_sbatch(const std::string& script) {
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipefd[0]);
  const char* argv[] = {"sbatch", "--parsable", script.c_str(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "sbatch", &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    throw std::runtime_error(
        "cannot run sbatch (is Slurm installed? slurm/local-cluster.sh start): " +
        std::string(std::strerror(rc)));
  }
  std::string out;
  char buf[256];
  ssize_t n = 0;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("sbatch failed (see its message above)");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.substr(0, out.find(';'));  // "id;cluster" on multi-cluster setups
}

// OUT.sbatch, or OUT.2.sbatch, ... : an earlier script is never overwritten.
std::string script_path(const fs::path& output) {
  fs::path base = output;
  base.replace_extension();
  for (int i = 1;; ++i) {
    fs::path p = base.string() + (i == 1 ? "" : "." + std::to_string(i)) + ".sbatch";
    if (!fs::exists(p)) return p.string();
  }
}

}  // namespace

int submit_job(const SubmitOptions& o) {
  // Everything is checked before anything is written or submitted.
  const JobSpec spec = load_job(o.job_path);
  const std::size_t points = expand_points(spec).size();
  if (o.array < 0 || (o.array > 0 && static_cast<std::size_t>(o.array) > points))
    throw InputError("--array " + std::to_string(o.array) + ": the job has " +
                     std::to_string(points) + " points");
  if (!std::regex_match(o.time, std::regex(R"(^(\d+-)?\d+(:\d{1,2}){0,2}$)")))
    throw InputError("--time '" + o.time +
                     "' is not a Slurm time (minutes, HH:MM:SS or D-HH:MM:SS)");
  const fs::path output = fs::absolute(o.output).lexically_normal();
  if (output.extension() != ".h5")
    throw InputError("-o " + o.output + ": the results file must end in .h5");
  if (!fs::is_directory(output.parent_path()))
    throw InputError("-o " + o.output + ": directory " + output.parent_path().string() +
                     " does not exist");
  auto exists = [&](const fs::path& p) { return fs::exists(p); };
  if (o.array == 0 && exists(output) && !o.resume)
    throw InputError(o.output + ": output file exists; pass --resume to continue it");
  if (o.array == 0 && !exists(output) && o.resume)
    throw InputError(o.output + ": nothing to resume");
  for (int t = 0; t < o.array; ++t) {
    fs::path part = output;
    part.replace_extension(".task" + std::to_string(t) + ".h5");
    if (exists(part) && !o.resume)
      throw InputError(part.string() + ": output file exists; pass --resume to continue it");
  }
  std::ifstream in(o.template_path);
  if (!in) throw InputError(o.template_path + ": cannot read the batch script template");
  std::stringstream text;
  text << in.rdbuf();

  fs::path stem = output;
  stem.replace_extension();
  const std::string name = o.name.empty() ? fs::path(o.job_path).stem().string() : o.name;
  const std::map<std::string, std::string> values = {
      {"NAME", name},
      {"LOG", stem.string() + (o.array > 0 ? "-%A_%a.log" : "-%j.log")},
      {"NODES", std::to_string(o.nodes)},
      {"NTASKS_PER_NODE", std::to_string(o.ntasks_per_node)},
      {"CPUS_PER_TASK", std::to_string(o.cpus_per_task)},
      {"TIME", o.time},
      {"PARTITION_LINE", o.partition.empty() ? "" : "#SBATCH --partition=" + o.partition},
      {"ACCOUNT_LINE", o.account.empty() ? "" : "#SBATCH --account=" + o.account},
      {"ARRAY_LINE", o.array > 0 ? "#SBATCH --array=0-" + std::to_string(o.array - 1) : ""},
      {"SETHLAB", fs::absolute(o.sethlab_path).lexically_normal().string()},
      {"JOB", fs::absolute(o.job_path).lexically_normal().string()},
      {"OUTPUT", output.string()},
      {"EXTRA_ARGS", o.extra_args},
  };
  const std::string script = render_template(text.str(), values);
  if (o.dry_run) {
    std::cout << script;
    return exit_status::kOk;
  }
  const std::string path = script_path(output);
  {
    std::ofstream out(path);
    out << script;
    if (!out) throw std::runtime_error(path + ": cannot write the batch script");
  }
  const std::string id = run_sbatch(path);
  std::cout << "submitted job " << id << " (" << points << " points";
  if (o.array > 0) std::cout << " in " << o.array << " array tasks";
  std::cout << ")\n  script:  " << path << "\n";
  if (o.array > 0) {
    std::cout << "  results: " << stem.string() << ".task<0.." << o.array - 1 << ">.h5\n"
              << "  logs:    " << stem.string() << "-" << id << "_<task>.log\n"
              << "  then:    sethlab merge -o " << output.string() << " " << stem.string()
              << ".task*.h5\n";
  } else {
    std::cout << "  results: " << output.string() << "\n  log:     " << stem.string() << "-" << id
              << ".log\n";
  }
  return exit_status::kOk;
}

}  // namespace sethlab
