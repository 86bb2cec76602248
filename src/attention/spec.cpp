#include "attention/spec.hpp"

#include <cmath>
#include <stdexcept>

namespace sethlab::attention {
namespace {

struct NamedMechanism {
  Mechanism mechanism;
  const char* name;
};
constexpr NamedMechanism kMechanisms[] = {
    {Mechanism::kSoftmax, "softmax"}, {Mechanism::kExponential, "exponential"},
    {Mechanism::kWindow, "window"},   {Mechanism::kRbf, "rbf"},
    {Mechanism::kTaylor, "taylor"},   {Mechanism::kTaylorSoftmax, "taylor-softmax"},
};

}  // namespace

const char* mechanism_name(Mechanism m) {
  for (const auto& e : kMechanisms)
    if (e.mechanism == m) return e.name;
  return "?";
}

Mechanism parse_mechanism(const std::string& name) {
  std::string known;
  for (const auto& e : kMechanisms) {
    if (name == e.name) return e.mechanism;
    known += (known.empty() ? "" : ", ") + std::string(e.name);
  }
  throw std::invalid_argument("unknown attention mechanism '" + name + "' (known: " + known + ")");
}

bool is_normalised(Mechanism m) {
  return m == Mechanism::kSoftmax || m == Mechanism::kWindow || m == Mechanism::kTaylorSoftmax;
}

bool is_taylor(Mechanism m) {
  return m == Mechanism::kTaylor || m == Mechanism::kTaylorSoftmax;
}

double dot_factor(const AttentionSpec& spec, std::size_t d) {
  const double scale = spec.scale != 0.0 ? spec.scale : 1.0 / std::sqrt(static_cast<double>(d));
  return scale / spec.temperature;
}

std::vector<double> taylor_coefficients(const AttentionSpec& spec) {
  if (!spec.taylor_coefficients.empty()) return spec.taylor_coefficients;
  std::vector<double> c(static_cast<std::size_t>(spec.taylor_order) + 1);
  double factorial = 1.0;
  for (std::size_t z = 0; z < c.size(); ++z) {
    if (z > 0) factorial *= static_cast<double>(z);
    c[z] = 1.0 / factorial;
  }
  return c;
}

}  // namespace sethlab::attention
