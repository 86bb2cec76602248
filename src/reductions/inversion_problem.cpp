#include "reductions/inversion_problem.hpp"

#include <stdexcept>

namespace sethlab {

bool InversionProblem::is_preimage(std::uint64_t z) const {
  std::vector<std::int64_t> scratch(2 * net.max_width());
  std::vector<std::int64_t> out(static_cast<std::size_t>(net.output_dim()));
  net.evaluate_binary(z, scratch, out);
  return out == target;
}

InversionProblem reduce_cnf(const std::string& name, const Cnf& cnf) {
  const CnfReduction* r = CnfReductionRegistry::instance().find(name);
  if (r == nullptr)
    throw std::invalid_argument("unknown reduction '" + name + "' (known: " +
                                join_names(CnfReductionRegistry::instance().names()) + ")");
  return (*r)(cnf);
}

}  // namespace sethlab
