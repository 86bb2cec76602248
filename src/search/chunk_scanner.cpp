#include "search/chunk_scanner.hpp"

#include <stdexcept>

namespace sethlab {

std::unique_ptr<ChunkScanner> make_scanner(const std::string& solver, const InversionProblem& p) {
  const SolverInfo* info = SolverRegistry::instance().find(solver);
  if (info == nullptr)
    throw std::invalid_argument("unknown solver '" + solver + "' (known: " +
                                join_names(SolverRegistry::instance().names()) + ")");
  return info->make(p);
}

}  // namespace sethlab
