#include "reductions/ksat_to_relu.hpp"

#include <cstdlib>

namespace sethlab {
namespace {

// Adds unit ReLU(c * (1 - s_j(z))) for clause j: weight -c on positive literals, +c on negated
// ones, bias c * (1 - |N_j|).
void add_clause_unit(LayerBuilder& layer, const Clause& clause, std::int64_t c) {
  std::int64_t negated = 0;
  for (int lit : clause) negated += lit < 0 ? 1 : 0;
  layer.unit(c * (1 - negated));
  for (int lit : clause) layer.add(std::abs(lit) - 1, lit > 0 ? -c : c);
}

}  // namespace

InversionProblem ksat_to_relu(const Cnf& cnf) {
  const int n = cnf.num_vars;
  const auto m = static_cast<int>(cnf.clauses.size());
  constexpr std::int64_t kScale = 2;  // clears the 1/2 biases
  LayerBuilder hidden(n, /*relu=*/true);
  for (int i = 0; i < n; ++i) {
    hidden.unit(-1);  // 2 * (z_i - 1/2)
    hidden.add(i, 2);
    hidden.unit(1);  // 2 * (1/2 - z_i)
    hidden.add(i, -2);
  }
  for (const Clause& c : cnf.clauses) add_clause_unit(hidden, c, kScale);
  LayerBuilder output(2 * n + m, /*relu=*/false);
  for (int i = 0; i < n; ++i) {
    output.unit(0);
    output.add(2 * i, 1);
    output.add(2 * i + 1, 1);
  }
  for (int j = 0; j < m; ++j) {
    output.unit(0);
    output.add(2 * n + j, 1);
  }
  InversionProblem p;
  p.reduction = "r1";
  p.net = ReluNetwork(n, kScale, {hidden.finish(), output.finish()});
  p.target.assign(static_cast<std::size_t>(n), 1);  // 1/2 * scale
  p.target.resize(static_cast<std::size_t>(n + m), 0);
  return p;
}

InversionProblem ksat_to_relu_binary(const Cnf& cnf) {
  LayerBuilder clauses(cnf.num_vars, /*relu=*/true);
  for (const Clause& c : cnf.clauses) add_clause_unit(clauses, c, 1);
  InversionProblem p;
  p.reduction = "r1-binary";
  p.net = ReluNetwork(cnf.num_vars, 1, {clauses.finish()});
  p.target.assign(cnf.clauses.size(), 0);
  return p;
}

namespace {
const Registrar<CnfReduction> kR1("r1", ksat_to_relu);
const Registrar<CnfReduction> kR1Binary("r1-binary", ksat_to_relu_binary);
}  // namespace

}  // namespace sethlab
