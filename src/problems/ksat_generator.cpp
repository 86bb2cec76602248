#include "problems/ksat_generator.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace sethlab {
namespace {

void check_shape(int n, int k, int m) {
  if (n < 1 || k < 1 || k > n || m < 0)
    throw std::invalid_argument(
        "k-SAT generator needs 1 <= k <= n and m >= 0 (n=" + std::to_string(n) +
        ", k=" + std::to_string(k) + ", m=" + std::to_string(m) + ")");
}

// k distinct variables in 1..n, by partial Fisher-Yates over a small pool; order is kept as drawn.
Clause draw_variables(int n, int k, Rng& rng, std::vector<int>& pool) {
  pool.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pool[static_cast<std::size_t>(i)] = i + 1;
  Clause c(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) {
    const auto j = static_cast<std::size_t>(i) + rng.below(static_cast<std::uint64_t>(n - i));
    std::swap(pool[static_cast<std::size_t>(i)], pool[j]);
    c[static_cast<std::size_t>(i)] = pool[static_cast<std::size_t>(i)];
  }
  return c;
}

}  // namespace

int clauses_for_ratio(int n, double ratio) {
  return static_cast<int>(std::llround(ratio * static_cast<double>(n)));
}

Cnf random_ksat(int n, int k, int m, Rng& rng) {
  check_shape(n, k, m);
  Cnf cnf;
  cnf.num_vars = n;
  std::vector<int> pool;
  for (int j = 0; j < m; ++j) {
    Clause c = draw_variables(n, k, rng, pool);
    for (int& lit : c)
      if (rng.coin()) lit = -lit;
    cnf.clauses.push_back(std::move(c));
  }
  return cnf;
}

PlantedCnf planted_ksat(int n, int k, int m, Rng& rng) {
  check_shape(n, k, m);
  PlantedCnf out;
  for (int i = 0; i < n; ++i)
    if (rng.coin()) out.hidden |= std::uint64_t{1} << i;
  out.cnf.num_vars = n;
  std::vector<int> pool;
  for (int j = 0; j < m; ++j) {
    const Clause vars = draw_variables(n, k, rng, pool);
    Clause c;
    bool satisfied = false;
    while (!satisfied) {
      c = vars;
      for (int& lit : c) {
        if (rng.coin()) lit = -lit;
        const bool value = ((out.hidden >> (std::abs(lit) - 1)) & 1U) != 0;
        satisfied = satisfied || ((lit > 0) == value);
      }
    }
    out.cnf.clauses.push_back(std::move(c));
  }
  return out;
}

}  // namespace sethlab
