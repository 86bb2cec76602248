#pragma once
// Writing one output row of an unnormalised mechanism from its log-domain accumulator:
// acc = sum_j e^{s_j - m} v_j with m = max_j s_j, so Y = e^m * acc. Shared by every kernel so
// they agree on overflow handling (see kernel.hpp).
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace sethlab::attention {

template <class T, class A>
void write_unnormalised_row(T* y, const A* acc, std::size_t dv, double m, double* log_scale,
                            std::size_t row) {
  if (!std::isfinite(m)) m = 0.0;  // every weight underflowed or was masked: acc is 0
  if (log_scale != nullptr) {
    log_scale[row] = m;
    for (std::size_t c = 0; c < dv; ++c) y[c] = static_cast<T>(acc[c]);
    return;
  }
  for (std::size_t c = 0; c < dv; ++c) {
    const double a = static_cast<double>(acc[c]);
    // e^{m + log|a|} rather than e^m * a: e^m alone may overflow while the product does not.
    const T out =
        a == 0.0 ? T(0) : static_cast<T>(std::copysign(std::exp(m + std::log(std::fabs(a))), a));
    if (!std::isfinite(out))
      throw std::overflow_error("attention: output row " + std::to_string(row) + " overflows " +
                                (sizeof(T) == 4 ? "float" : "double") + " (entries about e^" +
                                std::to_string(m) +
                                "); pass a log_scale output to get Y = e^log_scale * Yhat");
    y[c] = out;
  }
}

}  // namespace sethlab::attention
