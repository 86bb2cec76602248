#pragma once
// Random k-SAT instances. Uniform: each clause draws k distinct variables and independent signs.
// Planted: a hidden assignment is drawn first and each clause is drawn uniformly among the
// clauses it satisfies (rejection of the one all-false sign pattern), so the formula is
// satisfiable by construction and the hidden assignment is a witness.
#include <cstdint>

#include "core/rng.hpp"
#include "problems/cnf.hpp"

namespace sethlab {

struct PlantedCnf {
  Cnf cnf;
  std::uint64_t hidden = 0;  // latent bits, variable v is bit v-1
};

Cnf random_ksat(int n, int k, int m, Rng& rng);
PlantedCnf planted_ksat(int n, int k, int m, Rng& rng);

// Clause count for a ratio: m = round(ratio * n).
int clauses_for_ratio(int n, double ratio);

}  // namespace sethlab
