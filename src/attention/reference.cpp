// The reference kernel: the definition of each mechanism, written as plainly as possible. For
// every query row it materialises the n_k scores in double, then forms the output from them.
// It is what the fast kernels are tested against; rows are independent, so they are shared
// among OpenMP threads, and nothing else is clever. O(n_q n_k d) time, O(n_k) memory per thread.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "attention/kernel.hpp"
#include "attention/parallel_errors.hpp"
#include "attention/row_output.hpp"

namespace sethlab::attention {
namespace {

double polynomial(const std::vector<double>& c, double x) {  // Horner
  double s = 0.0;
  for (std::size_t z = c.size(); z-- > 0;) s = s * x + c[z];
  return s;
}

template <class T>
void reference(const AttentionSpec& spec, MatrixView<const T> q, MatrixView<const T> k,
               MatrixView<const T> v, MatrixView<T> y, double* log_scale) {
  const std::size_t nq = q.rows, nk = k.rows, d = q.cols, dv = v.cols;
  const Mechanism mech = spec.mechanism;
  const double factor = dot_factor(spec, d);
  const std::vector<double> coef =
      is_taylor(mech) ? taylor_coefficients(spec) : std::vector<double>{};
  const long half = spec.window / 2;
  constexpr double kMasked = -std::numeric_limits<double>::infinity();
  ParallelErrors errors;

#pragma omp parallel
  {
    std::vector<double> s(nk), acc(dv);
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < nq; ++i)
      errors.capture([&] {
        for (std::size_t j = 0; j < nk; ++j) {
          double dot = 0.0, dist2 = 0.0;
          for (std::size_t c = 0; c < d; ++c) {
            const double a = q(i, c), b = k(j, c);
            dot += a * b;
            dist2 += (a - b) * (a - b);
          }
          const long gap = static_cast<long>(i) - static_cast<long>(j);
          switch (mech) {
            case Mechanism::kSoftmax:
              s[j] = factor * dot;
              break;
            case Mechanism::kWindow:
              s[j] = std::labs(gap) <= half ? factor * dot : kMasked;
              break;
            case Mechanism::kExponential:
              s[j] = spec.c * dot;
              break;
            case Mechanism::kRbf:
              s[j] = -spec.c * dist2;
              break;
            case Mechanism::kTaylor:
            case Mechanism::kTaylorSoftmax:
              s[j] = polynomial(coef, factor * dot);
              break;
          }
        }
        std::fill(acc.begin(), acc.end(), 0.0);
        if (is_taylor(mech)) {  // the polynomial scores are the weights themselves
          double sum = 0.0;
          for (std::size_t j = 0; j < nk; ++j) {
            sum += s[j];
            for (std::size_t c = 0; c < dv; ++c) acc[c] += s[j] * v(j, c);
          }
          if (mech == Mechanism::kTaylorSoftmax && !(sum > 0.0))
            throw std::domain_error("attention reference (taylor-softmax): row " +
                                    std::to_string(i) + " has polynomial score sum " +
                                    std::to_string(sum) +
                                    " <= 0 (odd order p with negative scores?)");
          const double div = mech == Mechanism::kTaylorSoftmax ? sum : 1.0;
          for (std::size_t c = 0; c < dv; ++c) y(i, c) = static_cast<T>(acc[c] / div);
          if (log_scale != nullptr) log_scale[i] = 0.0;
          return;
        }
        const double m = *std::max_element(s.begin(), s.end());
        double sum = 0.0;
        for (std::size_t j = 0; j < nk; ++j) {
          if (s[j] == kMasked) continue;
          const double w = std::exp(s[j] - m);
          sum += w;
          for (std::size_t c = 0; c < dv; ++c) acc[c] += w * v(j, c);
        }
        if (is_normalised(mech)) {
          for (std::size_t c = 0; c < dv; ++c) y(i, c) = static_cast<T>(acc[c] / sum);
          if (log_scale != nullptr) log_scale[i] = 0.0;
        } else {
          write_unnormalised_row(y.row(i), acc.data(), dv, m, log_scale, i);
        }
      });
  }
  errors.rethrow();
}

const Registrar<KernelInfo> kRegister(
    "reference", KernelInfo{"scores materialised row by row in double; the definition",
                            {Mechanism::kSoftmax, Mechanism::kExponential, Mechanism::kWindow,
                             Mechanism::kRbf, Mechanism::kTaylor, Mechanism::kTaylorSoftmax},
                            &reference<float>,
                            &reference<double>});

}  // namespace
}  // namespace sethlab::attention
