#pragma once
// Family `inversion.exact`: build a CNF (random or planted k-SAT, or a DIMACS file), reduce it to
// a ReLU network and target (R1), search {0,1}^n for preimages over all ranks, check the answer
// with an independent SAT solver (and, in count mode on small n, a direct clause-evaluation
// count), and record one row per point plus one per chunk.
#include <cstdint>

#include "problems/cnf.hpp"

namespace sethlab {

// Satisfying assignments of a CNF by direct clause evaluation over all 2^n assignments (OpenMP):
// an oracle for preimage counts that shares no code with the network or the chunked search.
std::uint64_t count_models_directly(const Cnf& cnf);

}  // namespace sethlab
