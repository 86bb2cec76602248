#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.hpp"
#include "runner/job_spec.hpp"
#include "runner/sweep.hpp"

namespace sethlab {
namespace {

const char* kBase = R"([job]
family = "inversion.exact"
seed = 5
repeats = 2

[source]
generator = ["planted", "random"]
n = { from = 10, to = 14, step = 2 }
k = 3
clause_ratio = [4.0, 4.26]

[search]
mode = "count"
)";

// Expects an InputError `job.toml:<line>: <key>: ...<fragment>...`.
void expect_error(const std::string& text, long line, const std::string& key,
                  const std::string& fragment) {
  try {
    parse_job(text, "job.toml");
    FAIL() << "accepted:\n" << text;
  } catch (const InputError& e) {
    const std::string msg = e.what();
    std::string prefix = "job.toml:";
    if (line > 0) prefix += std::to_string(line) + ":";
    EXPECT_EQ(msg.rfind(prefix, 0), 0u) << msg;
    EXPECT_NE(msg.find(key), std::string::npos) << msg;
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
  }
}

TEST(JobSpec, ExpandsTheCartesianProductWithRepeats) {
  const JobSpec spec = parse_job(kBase, "job.toml");
  const auto points = expand_points(spec);
  ASSERT_EQ(points.size(), 2u * 3 * 2 * 2);  // generators x n x ratios x repeats
  EXPECT_EQ(points[0].get_string("source.generator"), "planted");
  EXPECT_EQ(points[0].get_int("source.n"), 10);
  EXPECT_EQ(points[0].get_double("source.clause_ratio"), 4.0);
  EXPECT_EQ(points[1].repeat, 1u);
  EXPECT_EQ(points[2].get_double("source.clause_ratio"), 4.26);  // last knob varies fastest
  EXPECT_EQ(points.back().get_string("source.generator"), "random");
  EXPECT_EQ(points.back().get_int("source.n"), 14);
  EXPECT_EQ(points.back().get_string("search.mode"), "count");
  EXPECT_EQ(points.back().get_bool("check.verify"), true);  // default
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
  EXPECT_EQ(swept_keys(spec),
            (std::vector<std::string>{"source.generator", "source.n", "source.clause_ratio"}));
}

TEST(JobSpec, SeedsDependOnParametersNotOnPosition) {
  const auto a = expand_points(parse_job(kBase, "job.toml"));
  std::string more = kBase;
  more.replace(more.find("to = 14"), 7, "to = 16");
  const auto b = expand_points(parse_job(more, "job.toml"));
  // The point (planted, n=10, ratio 4.0, repeat 1) keeps its seed when the sweep grows.
  EXPECT_EQ(a[1].seed, b[1].seed);
  std::set<std::uint64_t> seeds;
  for (const auto& p : a) seeds.insert(p.seed);
  EXPECT_EQ(seeds.size(), a.size()) << "every point gets its own seed";
  std::string other_seed = kBase;
  other_seed.replace(other_seed.find("seed = 5"), 8, "seed = 6");
  EXPECT_NE(expand_points(parse_job(other_seed, "job.toml"))[0].seed, a[0].seed);
}

TEST(JobSpec, SearchAndCheckKnobsDoNotChangeInstances) {
  const auto points =
      expand_points(parse_job("[job]\nfamily = \"inversion.exact\"\n[source]\nn = "
                              "10\n[search]\nmode = [\"count\", \"decide\"]\n",
                              "job.toml"));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].seed, points[1].seed) << "count and decide search the same instance";
}

TEST(JobSpec, BadInputNamesFileLineKeyAndProblem) {
  expect_error("[job]\nfamily = \"inversion.exact\"\nsed = 1\n[source]\nn = 10\n", 3, "job.sed",
               "unknown key");
  expect_error("[job]\nfamily = \"nope\"\n", 2, "job.family", "unknown family");
  expect_error("[source]\nn = 3\n", 0, "job", "missing [job] table");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = \"ten\"\n", 4, "source.n",
               "expected an integer");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = 70\n", 4, "source.n",
               "outside the range 1 .. 62");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = 10\nclause_ratio = -1\n", 5,
               "source.clause_ratio", "outside the range");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = 10\n[search]\nmode = \"fast\"\n",
               6, "search.mode", "not one of: decide, count");
  expect_error("[job]\nfamily = \"inversion.exact\"\nrepeats = [1, 2]\n[source]\nn = 10\n", 3,
               "job.repeats", "not a list");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = { from = 10, to = 8 }\n", 4,
               "source.n", "below 'from'");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = { from = 10, upto = 8 }\n", 4,
               "source.n", "unknown range key");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = []\n", 4, "source.n",
               "empty list");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nk = 3\n", 0, "source.n", "required");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = [2, 8]\nk = 3\n", 5, "source.k",
               "exceeds the smallest n");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = 8\nm = 20\nclause_ratio = 3.0\n",
               5, "source.m", "not both");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\ngenerator = \"dimacs\"\n", 0,
               "source.files", "required");
  expect_error(
      "[job]\nfamily = \"inversion.exact\"\n[source]\ngenerator = \"dimacs\"\nfiles = "
      "[\"missing.cnf\"]\n",
      5, "source.files", "missing.cnf: cannot open");
  expect_error(
      "[job]\nfamily = \"inversion.exact\"\n[source]\ngenerator = [\"dimacs\", \"random\"]\n", 4,
      "source.generator", "cannot be swept together");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = 10\n[extra]\nx = 1\n", 5,
               "extra", "unknown section");
  expect_error(
      "[job]\nfamily = \"inversion.exact\"\n[source]\nn = 10\n[search]\nchunk_bits = [1, 2]\n", 6,
      "search.chunk_bits", "not a list");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source\nn = 10\n", 3, "",
               "TOML syntax error");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = 12\n[search]\nchunk_bits = 14\n",
               6, "search.chunk_bits", "14 exceeds n = 12");
  expect_error("[job]\nfamily = \"inversion.exact\"\n[source]\nn = [20, 60]\n", 4, "source.n",
               "makes 2^36 chunks, at most 2^24");
}

TEST(JobSpec, DimacsFilesResolveRelativeToTheJob) {
  const std::string dir =
      (std::filesystem::path(::testing::TempDir()) / "jobdir").lexically_normal().string();
  std::filesystem::create_directories(dir + "/cnf");
  std::ofstream(dir + "/cnf/a.cnf") << "p cnf 3 1\n1 -2 3 0\n";
  std::ofstream(dir + "/cnf/bad.cnf") << "p cnf 3 2\n1 -2 3 0\n";
  const JobSpec ok = parse_job(
      "[job]\nfamily = \"inversion.exact\"\n[source]\ngenerator = \"dimacs\"\nfiles = "
      "[\"cnf/a.cnf\"]\n",
      dir + "/job.toml");
  EXPECT_EQ(ok.resolve("cnf/a.cnf"), dir + "/cnf/a.cnf");
  try {
    parse_job(
        "[job]\nfamily = \"inversion.exact\"\n[source]\ngenerator = \"dimacs\"\nfiles = "
        "[\"cnf/bad.cnf\"]\n",
        dir + "/job.toml");
    FAIL();
  } catch (const InputError& e) {
    // The job's location, then the DIMACS file's own location and problem.
    EXPECT_NE(std::string(e.what()).find("job.toml:5: source.files: " + dir +
                                         "/cnf/bad.cnf:2: header declares 2 clauses"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace sethlab
