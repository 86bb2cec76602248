#pragma once
// A CNF formula in DIMACS conventions: variables 1..n, a literal is +v or -v.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/serialization/access.hpp>
#include <boost/serialization/vector.hpp>

namespace sethlab {

using Clause = std::vector<int>;

struct Cnf {
  int num_vars = 0;
  std::vector<Clause> clauses;

  int max_width() const;
  std::size_t num_literals() const;
  // Assignment as latent bits: variable v is true when bit v-1 is set.
  bool satisfied_by(std::uint64_t assignment) const;
  bool satisfied_by(const std::vector<bool>& assignment) const;  // index v-1
  // Hash of the normalised content (n, then clauses in order): equal formulas hash equal
  // whatever file or generator they came from; comments and whitespace do not count.
  std::string content_hash() const;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& num_vars& clauses;
  }
};

bool operator==(const Cnf& a, const Cnf& b);

}  // namespace sethlab
