// Bad input to any attention kernel is std::invalid_argument with a message that says what.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "attention/kernel.hpp"

namespace sethlab::attention {
namespace {

// Runs attend and returns the invalid_argument message ("" when nothing was thrown).
std::string error_of(const std::string& kernel, const AttentionSpec& spec, const Matrix<double>& q,
                     const Matrix<double>& k, const Matrix<double>& v) {
  try {
    attend<double>(kernel, spec, q, k, v);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& kernel, const AttentionSpec& spec, const Matrix<double>& q,
                  const Matrix<double>& k, const Matrix<double>& v, const std::string& needle) {
  const std::string msg = error_of(kernel, spec, q, k, v);
  EXPECT_NE(msg.find(needle), std::string::npos)
      << kernel << ": expected a message containing '" << needle << "', got '" << msg << "'";
}

TEST(AttentionValidation, BadShapesAndParameters) {
  const Matrix<double> q(4, 3, 0.5), k(4, 3, 0.5), v(4, 2, 0.5);
  for (const char* kernel : {"reference", "tiled-blas", "tiled-loops", "tiled"}) {
    AttentionSpec spec;
    EXPECT_EQ(error_of(kernel, spec, q, k, v), "");
    expect_error(kernel, spec, Matrix<double>(0, 3), k, v, "empty input");
    expect_error(kernel, spec, q, Matrix<double>(0, 3), Matrix<double>(0, 2), "empty input");
    expect_error(kernel, spec, q, Matrix<double>(4, 2), v, "Q and K differ in head dimension");
    expect_error(kernel, spec, q, k, Matrix<double>(5, 2), "K and V differ in rows");
    expect_error(kernel, spec, Matrix<double>(4, 0), Matrix<double>(4, 0), v, "d = 0");
    spec.temperature = 0.0;
    expect_error(kernel, spec, q, k, v, "temperature");
    spec = AttentionSpec{};
    spec.tile_keys = 0;
    expect_error(kernel, spec, q, k, v, "tile sizes");
    spec = AttentionSpec{};
    spec.mechanism = Mechanism::kWindow;
    spec.window = -1;
    expect_error(kernel, spec, q, k, v, "window w = -1");
    spec.window = 2;
    expect_error(kernel, spec, Matrix<double>(3, 3), k, v, "as many queries as keys");
  }
  // the output matrix must be n_q x d_v
  Matrix<double> y(4, 3);
  EXPECT_THROW(attend<double>("tiled", AttentionSpec{}, q, k, v, y.view()), std::invalid_argument);
}

TEST(AttentionValidation, TaylorOrderAndCoefficients) {
  const Matrix<double> q(4, 3, 0.5), k(4, 3, 0.5), v(4, 2, 0.5);
  for (const char* kernel : {"reference", "taylor"}) {
    AttentionSpec spec;
    spec.mechanism = Mechanism::kTaylorSoftmax;
    spec.taylor_order = -1;
    expect_error(kernel, spec, q, k, v, "Taylor order p = -1");
    spec.taylor_order = 2;
    spec.taylor_coefficients = {1.0, 1.0};
    expect_error(kernel, spec, q, k, v, "need p + 1");
    spec.taylor_coefficients = {1.0, 1.0, 0.5};
    EXPECT_EQ(error_of(kernel, spec, q, k, v), "");
    expect_error(kernel, spec, Matrix<double>(0, 3), k, v, "empty input");
  }
}

TEST(AttentionValidation, UnknownKernelOrMechanism) {
  const Matrix<double> q(2, 2, 0.5);
  AttentionSpec spec;
  expect_error("flash", spec, q, q, q, "unknown attention kernel 'flash'");
  spec.mechanism = Mechanism::kTaylor;
  expect_error("tiled", spec, q, q, q, "does not compute");
  spec.mechanism = Mechanism::kRbf;
  expect_error("taylor", spec, q, q, q, "does not compute");
}

}  // namespace
}  // namespace sethlab::attention

namespace sethlab::attention {
namespace {

// Views with a stride: a block of rows of a wider matrix is a valid input; a stride below the
// column count is refused.
TEST(AttentionValidation, StridedViews) {
  Matrix<double> wide(6, 10, 0.25);
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t j = 0; j < 10; ++j) wide(i, j) = 0.1 * double(i) - 0.05 * double(j);
  const MatrixView<const double> q(wide.data(), 6, 4, 10), k(wide.data() + 4, 6, 4, 10);
  Matrix<double> qc(6, 4), kc(6, 4);
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      qc(i, j) = wide(i, j);
      kc(i, j) = wide(i, j + 4);
    }
  Matrix<double> v(6, 2);
  for (std::size_t i = 0; i < 6; ++i) v(i, 0) = double(i), v(i, 1) = 1.0 - double(i * i);
  const Matrix<double> want = attend<double>("reference", AttentionSpec{}, qc, kc, v);
  for (const char* kernel : {"reference", "tiled-blas", "tiled-loops"}) {
    const Matrix<double> got = attend<double>(kernel, AttentionSpec{}, q, k, v);
    for (std::size_t i = 0; i < 6; ++i)
      for (std::size_t c = 0; c < 2; ++c) EXPECT_NEAR(got(i, c), want(i, c), 1e-14) << kernel;
  }
  const MatrixView<const double> bad(wide.data(), 6, 4, 3);
  EXPECT_THROW(attend<double>("tiled", AttentionSpec{}, bad, k, v), std::invalid_argument);
}

}  // namespace
}  // namespace sethlab::attention
