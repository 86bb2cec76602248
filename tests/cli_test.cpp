// End-to-end tests through the sethlab executable: tiny jobs, exit statuses, files left behind.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/hash.hpp"
#include "core/latent.hpp"
#include "io/results_file.hpp"
#include "problems/dimacs.hpp"

namespace sethlab {
namespace {

struct Result {
  int status;
  std::string output;
};

Result run(const std::string& args) {
  const std::string cmd = "OMP_NUM_THREADS=2 " + std::string(SETHLAB_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}

std::string temp_dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/cli-" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Starts `sethlab run JOB -o OUT` (one thread, output discarded) and returns its pid.
pid_t start_run(const std::string& job, const std::string& out) {
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("OMP_NUM_THREADS", "1", 1);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execl(SETHLAB_BIN, SETHLAB_BIN, "run", job.c_str(), "-o", out.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

// Polls a results file being written until it shows `rows` points (60 s at most).
std::size_t wait_for_points(const std::string& out, std::size_t rows) {
  std::size_t seen = 0;
  for (int i = 0; i < 600 && seen < rows; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      seen = read_results(out).points.size();
    } catch (const std::exception&) {
      // not created yet
    }
  }
  return seen;
}

const char* kTinyJob = R"([job]
family = "inversion.exact"
seed = 3
repeats = 2
[source]
generator = ["planted", "random"]
n = [8, 10]
clause_ratio = 4.26
[search]
mode = ["count", "decide"]
)";

TEST(Cli, TinyJobEndToEnd) {
  const std::string d = temp_dir("tiny");
  write(d + "/job.toml", kTinyJob);
  const Result r = run("run " + d + "/job.toml -o " + d + "/out.h5");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("status complete"), std::string::npos) << r.output;
  const ResultsContents res = read_results(d + "/out.h5");
  ASSERT_EQ(res.points.size(), 16u);
  EXPECT_EQ(res.attrs.at("status"), "complete");
  EXPECT_EQ(res.attrs.at("mpi_size"), "1");
  EXPECT_EQ(res.attrs.at("threads_per_rank"), "2");
  for (const auto& p : res.points) {
    EXPECT_EQ(p.agree, 1) << "point " << p.point;
    EXPECT_EQ(p.found, p.check_sat);
    if (get_field(p.mode) == "count") {
      EXPECT_EQ(p.candidates, std::uint64_t{1} << p.n);
      EXPECT_GE(p.preimages, p.found);
    } else {
      EXPECT_EQ(p.preimages, -1);
    }
    if (p.found) {
      EXPECT_EQ(get_field(p.witness).size(), p.n);
    }
    if (p.planted) {
      EXPECT_EQ(p.found, 1);
    }
    std::uint64_t covered = 0;
    for (const auto& c : res.chunks)
      if (c.point == p.point) covered += c.candidates;
    EXPECT_EQ(covered, p.candidates);
  }
  // Same job again: identical instances (hashes) and answers, whatever the timing.
  const Result again = run("run " + d + "/job.toml -o " + d + "/again.h5 -q");
  ASSERT_EQ(again.status, 0) << again.output;
  const ResultsContents res2 = read_results(d + "/again.h5");
  for (std::size_t i = 0; i < res.points.size(); ++i) {
    EXPECT_EQ(get_field(res.points[i].instance_hash), get_field(res2.points[i].instance_hash));
    EXPECT_EQ(res.points[i].found, res2.points[i].found);
    EXPECT_EQ(res.points[i].preimages, res2.points[i].preimages);
  }
  const Result inspect = run("inspect " + d + "/out.h5");
  EXPECT_EQ(inspect.status, 0);
  EXPECT_NE(inspect.output.find("planted  count"), std::string::npos) << inspect.output;
}

TEST(Cli, BadJobExitsTwoAndWritesNothing) {
  const std::string d = temp_dir("bad");
  write(d + "/job.toml", "[job]\nfamily = \"inversion.exact\"\n[source]\nn = 12\nk = \"three\"\n");
  const Result r = run("run " + d + "/job.toml -o " + d + "/out.h5");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(d + "/job.toml:5: source.k: expected an integer"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(d + "/out.h5"));
  EXPECT_EQ(run("run " + d + "/missing.toml -o " + d + "/out.h5").status, 2);
  EXPECT_FALSE(std::filesystem::exists(d + "/out.h5"));
  EXPECT_EQ(run("run").status, 2);
  EXPECT_EQ(run("frobnicate").status, 2);
}

TEST(Cli, ExistingOutputIsNeverOverwrittenWithoutForce) {
  const std::string d = temp_dir("exists");
  write(d + "/job.toml", "[job]\nfamily = \"inversion.exact\"\n[source]\nn = 6\n");
  write(d + "/out.h5", "keep me");
  const Result r = run("run " + d + "/job.toml -o " + d + "/out.h5");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("output file exists"), std::string::npos) << r.output;
  std::ifstream in(d + "/out.h5");
  std::string s;
  std::getline(in, s);
  EXPECT_EQ(s, "keep me");
  EXPECT_EQ(run("run " + d + "/job.toml -o " + d + "/out.h5 --force -q").status, 0);
  EXPECT_EQ(read_results(d + "/out.h5").points.size(), 1u);
}

TEST(Cli, DimacsJobAgreesWithCadical) {
  const std::string d = temp_dir("dimacs");
  write(d + "/unsat.cnf", "c x1 and not x1\np cnf 2 2\n1 0\n-1 0\n");
  std::filesystem::copy_file(std::string(SETHLAB_SOURCE_DIR) + "/tests/data/satlib-style-20.cnf",
                             d + "/sat20.cnf");
  write(d + "/job.toml",
        "[job]\nfamily = \"inversion.exact\"\n[source]\ngenerator = \"dimacs\"\n"
        "files = [\"unsat.cnf\", \"sat20.cnf\"]\n[search]\nmode = \"count\"\n");
  const Result r = run("run " + d + "/job.toml -o " + d + "/out.h5 -q");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto res = read_results(d + "/out.h5");
  ASSERT_EQ(res.points.size(), 2u);
  EXPECT_EQ(get_field(res.points[0].instance), "unsat.cnf");
  EXPECT_EQ(res.points[0].found, 0);
  EXPECT_EQ(res.points[0].check_sat, 0);
  EXPECT_EQ(res.points[0].preimages, 0);
  EXPECT_EQ(res.points[1].n, 20u);
  EXPECT_EQ(res.points[1].found, 1);
  EXPECT_EQ(res.points[1].agree, 1);
  const Cnf cnf = read_dimacs_file(d + "/sat20.cnf");
  EXPECT_TRUE(cnf.satisfied_by(latent_from_string(get_field(res.points[1].witness))));
  EXPECT_EQ(get_field(res.points[1].instance_hash), cnf.content_hash());
}

// A run killed with SIGKILL leaves a file that opens and holds every row flushed before the kill.
TEST(Cli, SigkillLeavesAReadableFile) {
  const std::string d = temp_dir("kill");
  write(d + "/job.toml",
        "[job]\nfamily = \"inversion.exact\"\nrepeats = 200\n[source]\nn = 19\n"
        "[search]\nmode = \"count\"\n[check]\nverify = false\n");
  const std::string out = d + "/out.h5";
  const pid_t pid = start_run(d + "/job.toml", out);
  ASSERT_GT(pid, 0);
  // Wait until some rows are visible, then kill without warning.
  const std::size_t seen = wait_for_points(out, 3);
  ASSERT_GE(seen, 3u) << "the run never showed rows";
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const ResultsContents res = read_results(out);
  EXPECT_GE(res.points.size(), seen);
  EXPECT_LT(res.points.size(), 200u);
  EXPECT_EQ(res.attrs.at("status"), "running") << "a killed run never closed its file";
  for (std::size_t i = 0; i < res.points.size(); ++i) {
    EXPECT_EQ(res.points[i].point, i);
    EXPECT_EQ(res.points[i].candidates, std::uint64_t{1} << 19);
  }
}

// While one process writes a results file, a second one can neither resume it nor replace it.
TEST(Cli, ASecondWriterIsRefused) {
  const std::string d = temp_dir("second");
  write(d + "/job.toml",
        "[job]\nfamily = \"inversion.exact\"\nrepeats = 100\n[source]\nn = 19\n"
        "[search]\nmode = \"count\"\n[check]\nverify = false\n");
  const std::string out = d + "/out.h5";
  const pid_t pid = start_run(d + "/job.toml", out);
  ASSERT_GT(pid, 0);
  ASSERT_GE(wait_for_points(out, 1), 1u);
  const Result resume = run("run " + d + "/job.toml -o " + out + " --resume");
  const Result force = run("run " + d + "/job.toml -o " + out + " --force");
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(resume.status, 2) << resume.output;
  EXPECT_NE(resume.output.find("another sethlab process (pid " + std::to_string(pid) + ")"),
            std::string::npos)
      << resume.output;
  EXPECT_EQ(force.status, 2) << force.output;
  EXPECT_NE(force.output.find("is not replaced"), std::string::npos) << force.output;
  // With the writer gone the lock is free again, so the job checks run: another slice is refused.
  EXPECT_EQ(run("run " + d + "/job.toml -o " + out + " --resume -q --array-task 0 --array-count 1")
                .status,
            2)
      << "another array slice than the file's is refused";
}

TEST(Cli, AFailedCrossCheckIsNotResumed) {
  const std::string d = temp_dir("failed");
  const std::string job = "[job]\nfamily = \"inversion.exact\"\n[source]\nn = 6\n";
  write(d + "/job.toml", job);
  Provenance p;
  p.family = "inversion.exact";
  p.job_text = job;
  p.job_hash = hash_hex(job);
  p.points_total = 1;
  p.tables = {"points", "chunks"};
  {
    ResultsWriter w(d + "/out.h5", p, false);
    PointRow row;
    row.agree = 0;
    w.add_point(row, 0.0);
    w.close("failed");
  }
  const Result r = run("run " + d + "/job.toml -o " + d + "/out.h5 --resume");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("failed its cross-check"), std::string::npos) << r.output;
}

TEST(Cli, GenerateNeverOverwrites) {
  const std::string d = temp_dir("generate");
  write(d + "/f.cnf", "keep");
  EXPECT_EQ(run("generate -n 10 -o " + d + "/f.cnf").status, 2);
  std::ifstream in(d + "/f.cnf");
  std::string s;
  in >> s;
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(run("generate -n 10 -o " + d + "/f.cnf --force").status, 0);
  EXPECT_EQ(read_dimacs_file(d + "/f.cnf").num_vars, 10);
}

TEST(Cli, VersionHelpAndKnobs) {
  const Result v = run("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.output.rfind("sethlab 0.1.0", 0), 0u) << v.output;
  const Result h = run("run --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.output.find("--force"), std::string::npos);
  const Result k = run("knobs");
  EXPECT_EQ(k.status, 0);
  EXPECT_NE(k.output.find("`source.clause_ratio`"), std::string::npos);
}

}  // namespace
}  // namespace sethlab
