#pragma once
// Independent answers for CNF satisfiability from external SAT solvers (Debian's cadical, with
// minisat as fallback). They share no code with the network or the search, which is the point:
// a bug in the reduction or the enumerator shows up as a disagreement.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "problems/cnf.hpp"

namespace sethlab {

struct SatAnswer {
  std::string solver;  // "cadical" or "minisat"
  bool satisfiable = false;
  std::vector<bool> model;  // when satisfiable: variable v at index v-1 (checked against the CNF)
  double seconds = 0;       // wall time of the solver process
};

// `preference` is "cadical", "minisat" or "auto" (cadical, else minisat). Throws
// std::runtime_error if no solver is installed, one crashes, or its model does not satisfy the
// formula.
SatAnswer solve_with_external(const Cnf& cnf, const std::string& preference);

// Path of an installed solver, or empty.
std::string find_sat_solver(const std::string& name);

}  // namespace sethlab
