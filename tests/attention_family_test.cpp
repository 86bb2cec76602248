// The attention experiment family: job validation (every bad input names its key), the seeded
// workloads, the sampled float64 reference (against the library's reference kernel, an
// independent path, and merged over key blocks in any split), flop counts and sweep
// canonicalisation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "attention/kernel.hpp"
#include "attention/sampled_reference.hpp"
#include "attention/workload.hpp"
#include "attention_test_util.hpp"
#include "core/error.hpp"
#include "families/attention_point.hpp"
#include "io/matrix_file.hpp"
#include "runner/job_spec.hpp"
#include "runner/sweep.hpp"

namespace sethlab {
namespace {

using namespace attention;

std::string job(const std::string& body) {
  return "[job]\nfamily = \"attention\"\n" + body;
}

// The InputError message of parsing `text`, or "" when it parses.
std::string error_of(const std::string& text, const std::string& file = "job.toml") {
  try {
    parse_job(text, file);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string temp_dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/attention-family-" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

std::vector<double> filled(std::size_t count, double start) {
  std::vector<double> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = start + 0.01 * static_cast<double>(i % 37);
  return v;
}

TEST(AttentionJob, BadInputNamesTheKey) {
  struct Case {
    std::string body, expect;
  };
  const std::vector<Case> cases = {
      {"[source]\nn = 0\n", "job.toml:4: source.n"},
      {"[source]\nd = 16\n", "source.n: required"},
      {"[source]\nn = 64\n[attention]\np = -1\n", "attention.p"},
      {"[source]\nn = 64\n[attention]\nmechanism = \"window\"\n", "attention.w: required"},
      {"[source]\nn = 64\n[attention]\nmechanism = \"softmax\"\nkernel = \"taylor\"\n",
       "attention.kernel: kernel taylor cannot compute the blocks"},
      {"[source]\nn = 64\n[attention]\nmechanism = \"taylor\"\np = 2\ncoefficients = \"1, 1\"\n",
       "attention.coefficients: 2 coefficient(s)"},
      {"[source]\nn = 64\n[attention]\nmechanism = \"taylor\"\np = 1\ncoefficients = \"1, x\"\n",
       "not a finite number: \" x\""},
      {"[source]\nn = 64\nd = 4096\n[attention]\nmechanism = \"taylor\"\np = 12\n",
       "attention.p: p = 12 at d = 4096"},
      {"[source]\nn = 64\nfile = \"x.h5\"\n", "source.file: only used with"},
      {"[source]\ndistribution = \"hdf5\"\n", "source.file: required"},
      {"[source]\ndistribution = [\"hdf5\", \"uniform\"]\nfile = \"x.h5\"\n",
       "cannot be swept together"},
      {"[source]\nn = 64\nB = 0\n", "source.B"},
      {"[source]\nn = 64\n[attention]\nprecision = \"float16\"\n", "attention.precision"},
      {"[source]\nn = 64\n[attention]\ntemperature = 1e-300\n", "attention.temperature"},
      {"[source]\nn = 64\nd = 4096\n[check]\nerror_rows = 4096\n",
       "check.error_rows: 4096 rows of width d + 2 d_v = 12288 are more than 64 MiB"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(job(c.body));
    EXPECT_NE(e.find(c.expect), std::string::npos) << "job:\n" << c.body << "error: " << e;
  }
  EXPECT_EQ(error_of(job("[source]\nn = 64\n")), "");
}

TEST(AttentionJob, UserDataFilesAreCheckedAtValidation) {
  const std::string d = temp_dir("files");
  const auto data = filled(64 * 8, -0.3);
  write_matrix(d + "/good.h5", "Q", 64, 8, data.data());
  write_matrix(d + "/good.h5", "K", 64, 8, data.data());
  write_matrix(d + "/good.h5", "V", 64, 4, data.data());
  write_matrix(d + "/no-v.h5", "Q", 64, 8, data.data());
  write_matrix(d + "/no-v.h5", "K", 64, 8, data.data());
  write_matrix(d + "/short-k.h5", "Q", 64, 8, data.data());
  write_matrix(d + "/short-k.h5", "K", 63, 8, data.data());
  write_matrix(d + "/short-k.h5", "V", 63, 4, data.data());
  write_matrix(d + "/narrow-k.h5", "Q", 64, 8, data.data());
  write_matrix(d + "/narrow-k.h5", "K", 64, 7, data.data());
  write_matrix(d + "/narrow-k.h5", "V", 64, 4, data.data());
  std::ofstream(d + "/text.h5") << "not hdf5";
  const std::string file = d + "/job.toml";
  auto with = [&](const std::string& name) {
    return job("[source]\ndistribution = \"hdf5\"\nfile = \"" + name + "\"\n");
  };
  EXPECT_EQ(error_of(with("good.h5"), file), "");
  EXPECT_NE(error_of(with("no-v.h5"), file).find("dataset \"V\": missing"), std::string::npos)
      << error_of(with("no-v.h5"), file);
  EXPECT_NE(error_of(with("short-k.h5"), file).find("as many keys as queries"), std::string::npos);
  EXPECT_NE(error_of(with("narrow-k.h5"), file).find("the same width d"), std::string::npos);
  EXPECT_NE(error_of(with("text.h5"), file).find("not an HDF5 file"), std::string::npos);
  EXPECT_NE(error_of(with("absent.h5"), file).find("cannot read the file"), std::string::npos);
  const std::string given =
      error_of(job("[source]\ndistribution = \"hdf5\"\nfile = \"good.h5\"\nn = 64\n"), file);
  EXPECT_NE(given.find("source.n: comes from the HDF5 file"), std::string::npos) << given;

  // (1-D and string datasets: tests/attention_run_test.py writes them with h5py.)
  const WorkloadShape shape = workload_file_shape(d + "/good.h5");
  EXPECT_EQ(shape.n, 64U);
  EXPECT_EQ(shape.d, 8U);
  EXPECT_EQ(shape.d_v, 4U);
  Matrix<float> rows(3, 4);
  read_rows(d + "/good.h5", Operand::kV, 10, rows.view());
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      EXPECT_FLOAT_EQ(rows(i, j), static_cast<float>(data[(10 + i) * 4 + j]));
}

TEST(AttentionJob, ExactMechanismsAreNotRepeatedOverTaylorOrders) {
  const JobSpec spec = parse_job(
      job("[source]\nn = [64, 128]\n[attention]\nmechanism = [\"softmax\", \"taylor-softmax\", "
          "\"window\"]\np = [1, 2, 3]\nw = [8, 16]\n"),
      "job.toml");
  const auto points = expand_points(spec);
  // per n: softmax once, taylor-softmax x 3 orders, window x 2 widths
  EXPECT_EQ(points.size(), 2U * (1 + 3 + 2));
  // Taylor uses the tile sizes as its block sizes: a sweep over them is kept.
  EXPECT_EQ(expand_points(parse_job(job("[source]\nn = 64\n[attention]\nmechanism = "
                                        "\"taylor\"\ntile_queries = [8, 256]\n"),
                                    "job.toml"))
                .size(),
            2U);
  // Only points the family changed collapse: a value listed twice still gives two points (as
  // before canonicalisation existed, so the indices of existing results files stay valid).
  EXPECT_EQ(expand_points(parse_job("[job]\nfamily = \"inversion.exact\"\n[source]\nn = [10, "
                                    "10, 12]\n",
                                    "job.toml"))
                .size(),
            3U);
  EXPECT_EQ(expand_points(parse_job(job("[source]\nn = [64, 64]\n"), "job.toml")).size(), 2U);
  std::set<std::string> seen;
  for (const auto& p : points) {
    EXPECT_TRUE(
        seen.insert(p.describe({"source.n", "attention.mechanism", "attention.p", "attention.w"}))
            .second);
    EXPECT_EQ(p.index, &p - points.data());
  }
}

TEST(AttentionWorkload, RowsDoNotDependOnHowTheyAreSplit) {
  for (const Distribution dist : {Distribution::kUniform, Distribution::kGaussian}) {
    Matrix<double> whole(50, 7);
    random_rows(99, Operand::kK, dist, 2.5, 0, whole.view());
    Matrix<double> tail(20, 7);
    random_rows(99, Operand::kK, dist, 2.5, 30, tail.view());
    double lo = 0, hi = 0, sum2 = 0;
    for (std::size_t i = 0; i < 50; ++i)
      for (std::size_t j = 0; j < 7; ++j) {
        if (i >= 30) {
          EXPECT_EQ(whole(i, j), tail(i - 30, j));
        }
        lo = std::min(lo, whole(i, j));
        hi = std::max(hi, whole(i, j));
        sum2 += whole(i, j) * whole(i, j);
      }
    EXPECT_GE(lo, -2.5);
    EXPECT_LE(hi, 2.5);
    EXPECT_LT(lo, -1.0);  // spread out, not stuck at 0
    EXPECT_GT(hi, 1.0);
    // second moments: uniform B^2/3 = 2.08; truncated N(0, (B/2)^2) just under 1.56
    const double m2 = sum2 / 350;
    EXPECT_NEAR(m2, dist == Distribution::kUniform ? 2.08 : 1.45, 0.35);
  }
  // Q, K and V differ; another seed differs.
  Matrix<float> q(4, 4), k(4, 4), q2(4, 4);
  random_rows(1, Operand::kQ, Distribution::kUniform, 1, 0, q.view());
  random_rows(1, Operand::kK, Distribution::kUniform, 1, 0, k.view());
  random_rows(2, Operand::kQ, Distribution::kUniform, 1, 0, q2.view());
  EXPECT_NE(q(0, 0), k(0, 0));
  EXPECT_NE(q(0, 0), q2(0, 0));
}

// The sampled reference over all keys must equal the library's `reference` kernel (an
// independent implementation) on the sampled rows, for every mechanism, and split into key
// blocks and merged in any order it must give the same rows.
TEST(SampledReference, EqualsTheReferenceKernelAndMergesOverBlocks) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed)
    for (const char* name :
         {"softmax", "exponential", "window", "rbf", "taylor", "taylor-softmax"}) {
      AttentionSpec spec;
      spec.mechanism = parse_mechanism(name);
      spec.window = 9;
      spec.taylor_order = 2 + static_cast<long>(seed % 3);
      spec.c = 0.7;
      const std::size_t n = 40 + 7 * seed, d = 1 + seed % 5, dv = 3;
      const double magnitude = seed == 6 ? 30.0 : 1.0;  // seed 6: scores far beyond e^88
      const auto q = testing::random_matrix<double>(n, d, magnitude, seed);
      const auto k = testing::random_matrix<double>(n, d, magnitude, seed + 100);
      const auto v = testing::random_matrix<double>(n, dv, 1.0, seed + 200);
      std::vector<double> kernel_ls;
      const Matrix<double> want =
          attend<double>("reference", spec, q.view(), k.view(), v.view(), &kernel_ls);
      if (is_taylor(spec.mechanism) && magnitude > 1) continue;  // polynomials of huge scores

      const std::vector<std::size_t> rows = {0, 3, n / 2, n - 1};
      Matrix<double> qs(rows.size(), d);
      for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < d; ++j) qs(i, j) = q(rows[i], j);
      SampledState whole = reference_block<double>(spec, qs.view(), rows, k.view(), v.view(), 0);
      // three blocks, merged last-first
      const std::size_t cut1 = n / 3, cut2 = 2 * n / 3;
      SampledState merged =
          reference_block<double>(spec, qs.view(), rows, k.view().row_block(cut2, n - cut2),
                                  v.view().row_block(cut2, n - cut2), cut2);
      merge_states(merged,
                   reference_block<double>(spec, qs.view(), rows, k.view().row_block(0, cut1),
                                           v.view().row_block(0, cut1), 0));
      merge_states(merged, reference_block<double>(spec, qs.view(), rows,
                                                   k.view().row_block(cut1, cut2 - cut1),
                                                   v.view().row_block(cut1, cut2 - cut1), cut1));
      for (const SampledState* st : {&whole, &merged}) {
        std::vector<double> ls;
        const Matrix<double> got = reference_rows(spec, *st, ls);
        Matrix<double> expect(rows.size(), dv);
        std::vector<double> expect_ls(rows.size(), 0.0);
        for (std::size_t i = 0; i < rows.size(); ++i) {
          for (std::size_t j = 0; j < dv; ++j) expect(i, j) = want(rows[i], j);
          if (!kernel_ls.empty()) expect_ls[i] = kernel_ls[rows[i]];
        }
        const RowErrors e = compare_rows(expect.view(), expect_ls, got.view(), ls);
        EXPECT_LT(e.block_rel, 1e-11) << name << " seed " << seed;
      }
    }
}

TEST(SampledReference, CompareRowsGivesExactValues) {
  Matrix<double> y(2, 2), r(2, 2);
  y(0, 0) = 1.5;
  y(0, 1) = -2;  // row 0 errors 0.5, 0
  y(1, 0) = 0;
  y(1, 1) = 4;  // row 1 errors 0, 1 (true row e^1 (0, 4) vs e^1 (0, 3))
  r(0, 0) = 1;
  r(0, 1) = -2;
  r(1, 0) = 0;
  r(1, 1) = 3;
  const RowErrors e = compare_rows(y.view(), {0.0, 1.0}, r.view(), {0.0, 1.0});
  EXPECT_DOUBLE_EQ(e.max_abs, 1.0);
  EXPECT_DOUBLE_EQ(e.mean_abs, 1.5 / 4);
  EXPECT_DOUBLE_EQ(e.max_rel, 1.0 / 3);
  EXPECT_DOUBLE_EQ(e.block_rel, 1.0 / 3);
  // A scale difference counts: y's row 1 is e^0 (0, 4) against e^1 (0, 3).
  const RowErrors s = compare_rows(y.view(), {0.0, 0.0}, r.view(), {0.0, 1.0});
  EXPECT_NEAR(s.max_abs, std::abs(4 * std::exp(-1.0) - 3), 1e-12);
  // NaN is an infinite error, never a hidden one.
  y(0, 0) = NAN;
  EXPECT_TRUE(std::isinf(compare_rows(y.view(), {0.0, 1.0}, r.view(), {0.0, 1.0}).max_abs));
}

TEST(AttentionFlops, CountsStatedInTheResultsFormat) {
  EXPECT_DOUBLE_EQ(attention_flops("softmax", 1000, 64, 64, -1, -1), 4.0 * 1000 * 1000 * 64);
  EXPECT_DOUBLE_EQ(attention_flops("rbf", 10, 3, 5, -1, -1), 2.0 * 100 * 8);
  // window: count the pairs directly
  for (const std::size_t n : {1, 5, 17, 100})
    for (const long w : {0L, 1L, 2L, 7L, 40L, 1000L}) {
      double pairs = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          pairs += std::abs(static_cast<long>(i) - static_cast<long>(j)) <= w / 2;
      EXPECT_DOUBLE_EQ(attention_flops("window", n, 4, 2, w, -1), 2 * pairs * 6) << n << " " << w;
    }
  // taylor: F = C(d + p, p) = C(18, 2) = 153 at d = 16, p = 2
  EXPECT_DOUBLE_EQ(attention_flops("taylor-softmax", 1024, 16, 16, -1, 2), 4.0 * 1024 * 153 * 17);
}

TEST(AttentionJob, TaylorCoefficientsParse) {
  EXPECT_EQ(parse_taylor_coefficients("1, 1,0.5 "), (std::vector<double>{1, 1, 0.5}));
  EXPECT_THROW(parse_taylor_coefficients(""), std::invalid_argument);
  EXPECT_THROW(parse_taylor_coefficients("1,,2"), std::invalid_argument);
  EXPECT_THROW(parse_taylor_coefficients("inf"), std::invalid_argument);
}

}  // namespace
}  // namespace sethlab
