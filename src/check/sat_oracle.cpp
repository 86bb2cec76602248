#include "check/sat_oracle.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "problems/dimacs.hpp"

extern char** environ;

namespace sethlab {
namespace {

// A scratch directory removed on scope exit.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/sethlab-check-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a temporary directory: " +
                               std::string(std::strerror(errno)));
    path_ = pattern;
  }
  ~TempDir() {
    for (const char* f : {"/formula.cnf", "/stdout.txt", "/result.txt"})
      unlink((path_ + f).c_str());
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs argv with stdout redirected to a file; returns the exit status. posix_spawn rather than
// fork: forking an MPI process is discouraged by Open MPI.
int run_process(const std::vector<std::string>& args, const std::string& stdout_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Its own process group: a Ctrl-C meant for sethlab's checkpoint must not kill the checker.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid failed for " + args[0]);
  if (WIFSIGNALED(status))
    throw std::runtime_error(args[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads DIMACS-style model literals (cadical's `v` lines, minisat's result line).
std::vector<bool> parse_model(std::istringstream& literals, int n) {
  std::vector<bool> model(static_cast<std::size_t>(n), false);
  long lit = 0;
  while (literals >> lit) {
    if (lit == 0) break;
    const long v = std::labs(lit);
    if (v <= n) model[static_cast<std::size_t>(v - 1)] = lit > 0;
  }
  return model;
}

}  // namespace

std::string find_sat_solver(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"}) {
    const std::string p = std::string(dir) + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

SatAnswer solve_with_external(const Cnf& cnf, const std::string& preference) {
  std::string name = preference;
  if (preference == "auto") name = find_sat_solver("cadical").empty() ? "minisat" : "cadical";
  if (name != "cadical" && name != "minisat")
    throw std::invalid_argument("unknown SAT checker '" + preference +
                                "' (cadical, minisat, auto)");
  const std::string exe = find_sat_solver(name);
  if (exe.empty())
    throw std::runtime_error(name + " is not installed (scripts/install-deps.sh installs it)");

  TempDir dir;
  const std::string formula = dir.path() + "/formula.cnf";
  const std::string out = dir.path() + "/stdout.txt";
  const std::string result = dir.path() + "/result.txt";
  write_dimacs_file(formula, cnf);

  SatAnswer answer;
  answer.solver = name;
  const auto t0 = std::chrono::steady_clock::now();
  int status = 0;
  if (name == "cadical")
    status = run_process({exe, "-q", formula}, out);
  else
    status = run_process({exe, "-verb=0", formula, result}, out);
  answer.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (status != 10 && status != 20)
    throw std::runtime_error(name + " exited with status " + std::to_string(status) +
                             " (expected 10 or 20)");
  answer.satisfiable = status == 10;

  if (answer.satisfiable) {
    std::istringstream text(read_file(name == "cadical" ? out : result));
    std::string line, literals;
    while (std::getline(text, line)) {
      if (name == "cadical" && line.rfind("v ", 0) == 0) literals += line.substr(2) + " ";
      if (name == "minisat" && line != "SAT") literals += line + " ";
    }
    std::istringstream lits(literals);
    answer.model = parse_model(lits, cnf.num_vars);
    if (!cnf.satisfied_by(answer.model))
      throw std::runtime_error(name + " reported a model that does not satisfy the formula");
  }
  return answer;
}

}  // namespace sethlab
