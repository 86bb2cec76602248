#include "attention/validate.hpp"

#include <cmath>
#include <stdexcept>

namespace sethlab::attention {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument(where + ": " + what);
}

std::string dims(std::size_t r, std::size_t c) {
  return std::to_string(r) + " x " + std::to_string(c);
}

}  // namespace

void validate(const std::string& where, const AttentionSpec& spec, const Shapes& s) {
  if (s.q_rows == 0 || s.k_rows == 0)
    fail(where, "empty input: Q has " + std::to_string(s.q_rows) + " rows and K has " +
                    std::to_string(s.k_rows) + " (n must be >= 1)");
  if (s.q_cols == 0) fail(where, "head dimension d = 0 (Q is " + dims(s.q_rows, s.q_cols) + ")");
  if (s.v_cols == 0) fail(where, "value dimension d_v = 0 (V is " + dims(s.v_rows, s.v_cols) + ")");
  if (s.q_cols != s.k_cols)
    fail(where, "Q and K differ in head dimension: Q is " + dims(s.q_rows, s.q_cols) + ", K is " +
                    dims(s.k_rows, s.k_cols));
  if (s.k_rows != s.v_rows)
    fail(where, "K and V differ in rows: K is " + dims(s.k_rows, s.k_cols) + ", V is " +
                    dims(s.v_rows, s.v_cols));
  if (s.y_rows != s.q_rows || s.y_cols != s.v_cols)
    fail(where,
         "output Y is " + dims(s.y_rows, s.y_cols) + ", expected " + dims(s.q_rows, s.v_cols));
  if (!std::isfinite(spec.scale) || spec.scale < 0.0)
    fail(where,
         "scale = " + std::to_string(spec.scale) + " (must be finite and >= 0, 0 = 1/sqrt(d))");
  if (!std::isfinite(spec.temperature) || spec.temperature <= 0.0)
    fail(where, "temperature = " + std::to_string(spec.temperature) + " (must be finite and > 0)");
  if (!std::isfinite(spec.c)) fail(where, "c is not finite");
  if (spec.tile_queries == 0 || spec.tile_keys == 0)
    fail(where, "tile sizes must be >= 1 (tile_queries = " + std::to_string(spec.tile_queries) +
                    ", tile_keys = " + std::to_string(spec.tile_keys) + ")");
  if (spec.mechanism == Mechanism::kWindow) {
    if (spec.window < 0)
      fail(where, "window w = " + std::to_string(spec.window) + " (must be >= 0)");
    if (s.q_rows != s.k_rows)
      fail(where, "sliding window needs as many queries as keys (positions i, j); got n_q = " +
                      std::to_string(s.q_rows) + ", n_k = " + std::to_string(s.k_rows));
  }
  if (is_taylor(spec.mechanism)) {
    if (spec.taylor_order < 0)
      fail(where, "Taylor order p = " + std::to_string(spec.taylor_order) + " (must be >= 0)");
    if (!spec.taylor_coefficients.empty() &&
        spec.taylor_coefficients.size() != static_cast<std::size_t>(spec.taylor_order) + 1)
      fail(where, "Taylor coefficients: " + std::to_string(spec.taylor_coefficients.size()) +
                      " given for order p = " + std::to_string(spec.taylor_order) +
                      " (need p + 1, or none for 1/z!)");
    for (double c : spec.taylor_coefficients)
      if (!std::isfinite(c)) fail(where, "a Taylor coefficient is not finite");
  }
}

}  // namespace sethlab::attention
