#include "attention/taylor_features.hpp"

#include <stdexcept>
#include <string>

namespace sethlab::attention {

std::size_t symmetric_feature_count(std::size_t d, std::size_t p) {
  // C(d + z - 1, z) from C(d + z - 2, z - 1) * (d + z - 1) / z, exact in integers at each step.
  std::size_t total = 1, term = 1;
  for (std::size_t z = 1; z <= p; ++z) {
    const double next =
        static_cast<double>(term) * static_cast<double>(d + z - 1) / static_cast<double>(z);
    if (next + static_cast<double>(total) > static_cast<double>(kMaxFeatures))
      throw std::invalid_argument("Taylor attention: d = " + std::to_string(d) +
                                  ", p = " + std::to_string(p) + " need more than " +
                                  std::to_string(kMaxFeatures) + " features");
    term = term * (d + z - 1) / z;
    total += term;
  }
  return total;
}

SymmetricFeatures::SymmetricFeatures(std::size_t d, std::size_t p) : d_(d), p_(p) {
  const std::size_t count = symmetric_feature_count(d, p);
  parent_.reserve(count);
  last_.reserve(count);
  run_.reserve(count);
  degree_.reserve(count);
  weight_.reserve(count);
  // degree 0: the empty multiset, value 1, weight 1
  parent_.push_back(0);
  last_.push_back(0);
  run_.push_back(0);
  degree_.push_back(0);
  weight_.push_back(1.0);
  begin_ = {0, 1};
  for (std::size_t z = 1; z <= p; ++z) {
    for (std::size_t f = begin_[z - 1]; f < begin_[z]; ++f) {
      const std::size_t first = z == 1 ? 0 : last_[f];  // keep the multiset non-decreasing
      for (std::size_t c = first; c < d; ++c) {
        const std::uint32_t run = (z > 1 && last_[f] == c) ? run_[f] + 1 : 1;
        parent_.push_back(static_cast<std::uint32_t>(f));
        last_.push_back(static_cast<std::uint32_t>(c));
        run_.push_back(run);
        degree_.push_back(static_cast<std::uint32_t>(z));
        // z! / prod m! grows from degree z - 1 by z / (new multiplicity of c)
        weight_.push_back(weight_[f] * static_cast<double>(z) / static_cast<double>(run));
      }
    }
    begin_.push_back(weight_.size());
  }
}

std::vector<std::size_t> SymmetricFeatures::multiset(std::size_t f) const {
  std::vector<std::size_t> out(degree_[f]);
  for (std::size_t t = out.size(); t-- > 0; f = parent_[f]) out[t] = last_[f];
  return out;
}

}  // namespace sethlab::attention
