#pragma once
// Oracles built inside the tests, sharing no code with the library paths they check.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

#include "problems/cnf.hpp"

namespace sethlab::testing {

// Satisfying assignments by the textbook definition, written independently of Cnf::satisfied_by.
inline std::set<std::uint64_t> satisfying_set(const Cnf& cnf) {
  std::set<std::uint64_t> out;
  for (std::uint64_t z = 0; z < (std::uint64_t{1} << cnf.num_vars); ++z) {
    bool all = true;
    for (const auto& clause : cnf.clauses) {
      bool any = false;
      for (int lit : clause) {
        const int var = lit > 0 ? lit : -lit;
        const bool value = (z >> (var - 1)) & 1U;
        any = any || (lit > 0 ? value : !value);
      }
      all = all && any;
    }
    if (all) out.insert(z);
  }
  return out;
}

// A CNF with mixed clause widths (1..4), repeated variables and occasional empty clauses: wider
// than what the k-SAT generators produce, to stress the reduction.
template <class Rng>
Cnf messy_cnf(int n, int m, Rng& rng) {
  Cnf cnf;
  cnf.num_vars = n;
  for (int j = 0; j < m; ++j) {
    Clause c;
    const int width = static_cast<int>(rng.below(5));  // 0..4, 0 is rare-ish but legal
    for (int i = 0; i < width; ++i) {
      const int v = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
      c.push_back(rng.coin() ? v : -v);
    }
    if (c.empty() && rng.below(4) != 0) c.push_back(1);  // keep most formulas non-trivial
    cnf.clauses.push_back(c);
  }
  return cnf;
}

}  // namespace sethlab::testing
