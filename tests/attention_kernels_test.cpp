// The tiled kernels (tiled-blas, tiled-loops, tiled) against the reference kernel, for every
// exact mechanism, in float and double, on seeded random inputs of awkward shapes; the reference
// itself against hand-computed values; window edges; large entries; overflow reporting.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "attention/kernel.hpp"
#include "attention/vector_loops.hpp"
#include "attention_test_util.hpp"

namespace sethlab::attention {
namespace {

using testing::random_matrix;
using testing::relative_error;

const char* const kFastKernels[] = {"tiled-blas", "tiled-loops", "tiled"};
const Mechanism kExact[] = {Mechanism::kSoftmax, Mechanism::kExponential, Mechanism::kWindow,
                            Mechanism::kRbf};

struct Shape {
  std::size_t nq, nk, d, dv, tile_q, tile_k;
};
// n not a multiple of the tiles, n below the tiles, d = 1, d_v != d, n = 1, tiles of 1.
const Shape kShapes[] = {{100, 100, 16, 16, 32, 48}, {7, 7, 8, 8, 64, 128}, {45, 45, 1, 5, 8, 16},
                         {37, 37, 12, 3, 16, 5},     {1, 1, 4, 4, 64, 64},  {23, 61, 6, 9, 4, 7},
                         {9, 9, 5, 2, 1, 1}};

template <class T>
double tolerance() {
  return std::is_same_v<T, double> ? 1e-11 : 2e-5;
}

template <class T>
void compare_with_reference(Mechanism mech, double magnitude, double tol, std::uint64_t seed) {
  for (const Shape& s : kShapes) {
    if (mech == Mechanism::kWindow && s.nq != s.nk) continue;
    for (long w : {0L, 1L, 4L, 9L, 1000L}) {
      if (mech != Mechanism::kWindow && w != 0) continue;
      const std::uint64_t sd = seed + s.nq * 131 + s.d * 7 + static_cast<std::uint64_t>(w);
      SCOPED_TRACE("seed " + std::to_string(sd) + " nq " + std::to_string(s.nq) + " nk " +
                   std::to_string(s.nk) + " d " + std::to_string(s.d) + " dv " +
                   std::to_string(s.dv) + " w " + std::to_string(w));
      const auto q = random_matrix<T>(s.nq, s.d, magnitude, sd);
      const auto k = random_matrix<T>(s.nk, s.d, magnitude, sd + 1);
      const auto v = random_matrix<T>(s.nk, s.dv, 1.0, sd + 2);
      AttentionSpec spec;
      spec.mechanism = mech;
      spec.c = 0.3;
      spec.temperature = 0.7;
      spec.window = w;
      spec.tile_queries = s.tile_q;
      spec.tile_keys = s.tile_k;
      const Matrix<T> want = attend<T>("reference", spec, q, k, v);
      for (const char* kernel : kFastKernels) {
        const Matrix<T> got = attend<T>(kernel, spec, q, k, v);
        EXPECT_LE(relative_error(got, want), tol) << kernel << " " << mechanism_name(mech);
      }
    }
  }
}

TEST(AttentionKernels, FastMatchReferenceDouble) {
  for (Mechanism m : kExact) compare_with_reference<double>(m, 1.0, tolerance<double>(), 11);
}

TEST(AttentionKernels, FastMatchReferenceFloat) {
  for (Mechanism m : kExact) compare_with_reference<float>(m, 1.0, tolerance<float>(), 12);
}

// Entries of magnitude 30: softmax scores reach 30 * 30 * d / sqrt(d) ~ 3600, far beyond e^88
// (float) and e^709 (double); the running maximum keeps every exponent <= 0.
TEST(AttentionKernels, LargeEntriesSoftmaxNoOverflow) {
  compare_with_reference<double>(Mechanism::kSoftmax, 30.0, 1e-9, 21);
  compare_with_reference<double>(Mechanism::kWindow, 30.0, 1e-9, 22);
  // float: a score of 3600 carries an absolute rounding error of ~4e-4 in the exponent
  compare_with_reference<float>(Mechanism::kSoftmax, 30.0, 3e-3, 23);
  compare_with_reference<float>(Mechanism::kWindow, 30.0, 3e-3, 24);
}

// Values worked out by hand. softmax, d = 1, scale 1: q = 1, keys 0 and ln 2 give weights 1 : 2.
template <class T>
void hand_computed() {
  Matrix<T> q(1, 1, T(1)), k(2, 1), v(2, 2);
  k(0, 0) = T(0);
  k(1, 0) = static_cast<T>(std::log(2.0));
  v(0, 0) = T(3);
  v(0, 1) = T(-6);
  v(1, 0) = T(6);
  v(1, 1) = T(3);
  AttentionSpec spec;
  spec.tile_keys = 1;
  const double tol = std::is_same_v<T, double> ? 1e-14 : 1e-6;
  for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
    SCOPED_TRACE(kernel);
    spec.mechanism = Mechanism::kSoftmax;  // (3 + 2 * 6) / 3 = 5, (-6 + 2 * 3) / 3 = 0
    Matrix<T> y = attend<T>(kernel, spec, q, k, v);
    EXPECT_NEAR(y(0, 0), 5.0, tol * 5);
    EXPECT_NEAR(y(0, 1), 0.0, tol * 5);
    spec.mechanism = Mechanism::kExponential;  // c = 2: weights 1 and 4
    spec.c = 2.0;
    y = attend<T>(kernel, spec, q, k, v);
    EXPECT_NEAR(y(0, 0), 3 + 24, tol * 27);
    EXPECT_NEAR(y(0, 1), -6 + 12, tol * 27);
    spec.mechanism = Mechanism::kRbf;  // c = 2: weights e^{-2} and e^{-2 (1 - ln 2)^2}
    const double w0 = std::exp(-2.0), w1 = std::exp(-2.0 * std::pow(1 - std::log(2.0), 2));
    y = attend<T>(kernel, spec, q, k, v);
    EXPECT_NEAR(y(0, 0), 3 * w0 + 6 * w1, tol * 10);
    EXPECT_NEAR(y(0, 1), -6 * w0 + 3 * w1, tol * 10);
  }
}

TEST(AttentionKernels, HandComputedValues) {
  hand_computed<double>();
  hand_computed<float>();
}

// w = 0 and w = 1 (w / 2 = 0): each query sees only its own key, so Y = V exactly.
template <class T>
void window_zero_is_identity() {
  const auto q = random_matrix<T>(50, 8, 5.0, 31), k = random_matrix<T>(50, 8, 5.0, 32);
  const auto v = random_matrix<T>(50, 3, 1.0, 33);
  AttentionSpec spec;
  spec.mechanism = Mechanism::kWindow;
  spec.tile_queries = 16;
  spec.tile_keys = 7;
  for (long w : {0L, 1L})
    for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
      spec.window = w;
      const Matrix<T> y = attend<T>(kernel, spec, q, k, v);
      for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t c = 0; c < 3; ++c) ASSERT_EQ(y(i, c), v(i, c)) << kernel << " w " << w;
    }
}

TEST(AttentionKernels, WindowZeroIsIdentity) {
  window_zero_is_identity<double>();
  window_zero_is_identity<float>();
}

// w >= 2n (and w = 2n - 2, where w / 2 = n - 1 still reaches every key): plain softmax.
TEST(AttentionKernels, WideWindowIsSoftmax) {
  const std::size_t n = 40;
  const auto q = random_matrix<double>(n, 6, 1.0, 41), k = random_matrix<double>(n, 6, 1.0, 42);
  const auto v = random_matrix<double>(n, 4, 1.0, 43);
  AttentionSpec spec;
  spec.tile_queries = 16;
  spec.tile_keys = 16;
  const Matrix<double> softmax = attend<double>("reference", spec, q, k, v);
  spec.mechanism = Mechanism::kWindow;
  for (long w : {long(2 * n - 2), long(2 * n), long(1) << 40})
    for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
      spec.window = w;
      EXPECT_LE(relative_error(attend<double>(kernel, spec, q, k, v), softmax), 1e-13)
          << kernel << " w " << w;
    }
  // w = 2n - 4 (w / 2 = n - 2): rows 0 and n - 1 no longer see each other, so it differs.
  spec.window = 2 * n - 4;
  EXPECT_GT(relative_error(attend<double>("reference", spec, q, k, v), softmax), 1e-6);
}

// Unnormalised mechanisms: scores near 1000 overflow float and double. Without log_scale that is
// an error naming the row; with it, e^{log_scale} * Yhat matches the reference's.
TEST(AttentionKernels, UnnormalisedOverflowIsReported) {
  auto q = random_matrix<double>(20, 4, 1.0, 51), k = random_matrix<double>(20, 4, 1.0, 52);
  const auto v = random_matrix<double>(20, 3, 1.0, 53);
  for (std::size_t c = 0; c < 4; ++c) q(0, c) = k(0, c) = 1.0;  // row 0 reaches e^8000
  AttentionSpec spec;
  spec.mechanism = Mechanism::kExponential;
  spec.c = 2000.0;
  spec.tile_queries = 8;
  spec.tile_keys = 8;
  std::vector<double> ref_scale, scale;
  const Matrix<double> ref = attend<double>("reference", spec, q, k, v, &ref_scale);
  for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
    EXPECT_THROW(attend<double>(kernel, spec, q, k, v), std::overflow_error) << kernel;
    const Matrix<double> got = attend<double>(kernel, spec, q, k, v, &scale);
    double worst = 0.0;
    EXPECT_NEAR(scale[0], 8000.0, 1e-9);  // really beyond double's range
    for (std::size_t i = 0; i < 20; ++i) {
      EXPECT_NEAR(scale[i], ref_scale[i], 1e-12 * std::fabs(ref_scale[i])) << kernel << " " << i;
      for (std::size_t c = 0; c < 3; ++c)
        worst =
            std::max(worst, std::fabs(got(i, c) * std::exp(scale[i] - ref_scale[i]) - ref(i, c)));
    }
    EXPECT_LE(worst, 1e-9) << kernel;
  }
  try {
    attend<double>("tiled", spec, q, k, v);
    ADD_FAILURE() << "no overflow_error";
  } catch (const std::overflow_error& e) {
    EXPECT_NE(std::string(e.what()).find("overflows double"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("log_scale"), std::string::npos) << e.what();
  }
}

// Rows are computed by one thread each in a fixed order: the thread count changes nothing.
TEST(AttentionKernels, ThreadCountDoesNotChangeResults) {
  const auto q = random_matrix<float>(130, 16, 1.0, 61), k = random_matrix<float>(130, 16, 1.0, 62);
  const auto v = random_matrix<float>(130, 16, 1.0, 63);
  AttentionSpec spec;
  spec.tile_queries = 16;
  spec.tile_keys = 32;
  const int saved = omp_get_max_threads();
  for (const char* kernel : {"tiled-blas", "tiled-loops"}) {
    omp_set_num_threads(1);
    const Matrix<float> one = attend<float>(kernel, spec, q, k, v);
    omp_set_num_threads(2);
    const Matrix<float> two = attend<float>(kernel, spec, q, k, v);
    EXPECT_EQ(relative_error(one, two), 0.0) << kernel;
  }
  omp_set_num_threads(saved);
}

TEST(AttentionKernels, RegistryListsKernels) {
  const auto names = KernelRegistry::instance().names();
  for (const char* want : {"reference", "tiled", "tiled-blas", "tiled-loops", "taylor"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  EXPECT_EQ(default_kernel(Mechanism::kSoftmax), "tiled");
  EXPECT_EQ(default_kernel(Mechanism::kTaylorSoftmax), "taylor");
  EXPECT_EQ(parse_mechanism("rbf"), Mechanism::kRbf);
  EXPECT_THROW(parse_mechanism("linear"), std::invalid_argument);
}

}  // namespace
}  // namespace sethlab::attention

namespace sethlab::attention {
namespace {

// The vectorised exponential of the online softmax against std::exp: within 2 ulp on its range,
// exactly 1 at 0, and 0 for -inf and below the range.
template <class T>
void vector_exp_is_accurate(T low) {
  const std::size_t n = 200001;
  std::vector<T> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = low * static_cast<T>(i) / static_cast<T>(n - 1);
  vector_exp(x.data(), n, y.data());
  double worst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double want = std::exp(static_cast<double>(x[i]));
    worst = std::max(worst, std::fabs(y[i] - want) / want);
  }
  EXPECT_LE(worst, 2 * std::numeric_limits<T>::epsilon()) << "worst relative error " << worst;
  const T special[] = {T(0), -std::numeric_limits<T>::infinity(), low * T(1.5), T(-1e30)};
  T out[4];
  vector_exp(special, 4, out);
  EXPECT_EQ(out[0], T(1));
  EXPECT_EQ(out[1], T(0));
  EXPECT_EQ(out[2], T(0));
  EXPECT_EQ(out[3], T(0));
}

TEST(AttentionKernels, VectorExpIsAccurate) {
  vector_exp_is_accurate<float>(-86.9f);
  vector_exp_is_accurate<double>(-707.9);
}

}  // namespace
}  // namespace sethlab::attention

namespace sethlab::attention {
namespace {

// float overflows long before double: scores near 200 are fine in double, an error in float
// unless log_scale is asked for. RBF weights far below e^-708 underflow to 0 without log_scale
// (not an error) and are recovered with it.
TEST(AttentionKernels, FloatOverflowAndRbfUnderflow) {
  auto qd = random_matrix<double>(16, 4, 1.0, 71), kd = random_matrix<double>(16, 4, 1.0, 72);
  const auto vd = random_matrix<double>(16, 2, 1.0, 73);
  for (std::size_t c = 0; c < 4; ++c) qd(0, c) = kd(0, c) = 1.0;  // row 0 reaches e^400
  Matrix<float> qf(16, 4), kf(16, 4), vf(16, 2);
  for (std::size_t i = 0; i < 16; ++i) {
    for (std::size_t c = 0; c < 4; ++c) qf(i, c) = float(qd(i, c)), kf(i, c) = float(kd(i, c));
    for (std::size_t c = 0; c < 2; ++c) vf(i, c) = float(vd(i, c));
  }
  AttentionSpec spec;
  spec.mechanism = Mechanism::kExponential;
  spec.c = 100.0;  // scores up to 400: beyond float's e^88, within double's e^709
  spec.tile_queries = 4;
  spec.tile_keys = 4;
  std::vector<double> ref_scale;
  const Matrix<double> ref = attend<double>("reference", spec, qd, kd, vd, &ref_scale);
  for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
    EXPECT_THROW(attend<float>(kernel, spec, qf, kf, vf), std::overflow_error) << kernel;
    EXPECT_NO_THROW(attend<double>(kernel, spec, qd, kd, vd)) << kernel;
    std::vector<double> scale;
    const Matrix<float> got = attend<float>(kernel, spec, qf, kf, vf, &scale);
    for (std::size_t i = 0; i < 16; ++i) {
      const double row_max = std::max(std::fabs(ref(i, 0)), std::fabs(ref(i, 1)));
      for (std::size_t c = 0; c < 2; ++c)
        // float scores of up to 400 carry ~3e-5 absolute error in the exponent
        EXPECT_NEAR(double(got(i, c)) * std::exp(scale[i] - ref_scale[i]), ref(i, c),
                    1e-3 * row_max)
            << kernel << " row " << i;
    }
  }
  spec.mechanism = Mechanism::kRbf;
  spec.c = 4000.0;  // q_i = 10 i, k_j = 10 j + 0.5: the nearest key weighs e^{-4000 / 4} = e^-1000
  Matrix<double> far_q(3, 1), far_k(3, 1), v(3, 1, 1.0);
  for (std::size_t i = 0; i < 3; ++i) far_q(i, 0) = 10.0 * i, far_k(i, 0) = 10.0 * i + 0.5;
  for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
    const Matrix<double> zero = attend<double>(kernel, spec, far_q, far_k, v);
    std::vector<double> scale;
    const Matrix<double> hat = attend<double>(kernel, spec, far_q, far_k, v, &scale);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(zero(i, 0), 0.0) << kernel;
      // the other keys are >= 9.5 away (e^-361000 relative): log Y_i = -1000
      EXPECT_NEAR(scale[i] + std::log(hat(i, 0)), -1000.0, 1e-9) << kernel << " row " << i;
    }
  }
}

}  // namespace
}  // namespace sethlab::attention
