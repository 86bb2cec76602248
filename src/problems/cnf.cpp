#include "problems/cnf.hpp"

#include <algorithm>
#include <cstdlib>

#include "core/hash.hpp"

namespace sethlab {

int Cnf::max_width() const {
  std::size_t w = 0;
  for (const auto& c : clauses) w = std::max(w, c.size());
  return static_cast<int>(w);
}

std::size_t Cnf::num_literals() const {
  std::size_t s = 0;
  for (const auto& c : clauses) s += c.size();
  return s;
}

bool Cnf::satisfied_by(std::uint64_t assignment) const {
  for (const auto& c : clauses) {
    bool sat = false;
    for (int lit : c) {
      const bool value = ((assignment >> (std::abs(lit) - 1)) & 1U) != 0;
      if ((lit > 0) == value) {
        sat = true;
        break;
      }
    }
    if (!sat) return false;
  }
  return true;
}

bool Cnf::satisfied_by(const std::vector<bool>& assignment) const {
  for (const auto& c : clauses) {
    bool sat = false;
    for (int lit : c) {
      if ((lit > 0) == assignment.at(static_cast<std::size_t>(std::abs(lit) - 1))) {
        sat = true;
        break;
      }
    }
    if (!sat) return false;
  }
  return true;
}

std::string Cnf::content_hash() const {
  Fnv1a64 h;
  h.add_bytes("cnf");
  h.add_i64(num_vars);
  h.add_u64(clauses.size());
  for (const auto& c : clauses) {
    h.add_u64(c.size());
    for (int lit : c) h.add_i64(lit);
  }
  return h.hex();
}

bool operator==(const Cnf& a, const Cnf& b) {
  return a.num_vars == b.num_vars && a.clauses == b.clauses;
}

}  // namespace sethlab
