#pragma once
// The symmetric tensor-power feature map of Taylor attention (theory.md, "Taylor attention in
// linear time"). For each degree z = 0..p there is one feature per multiset {c_1 <= ... <= c_z}
// of coordinates, C(d + z - 1, z) of them, with value prod_t x_{c_t} and weight the multinomial
// coefficient z! / prod_c m_c! (m_c = how often c occurs), so that for every q, k
//     sum over degree-z features f of weight_f * phi_f(q) * phi_f(k) = (q . k)^z.
// Features are listed degree by degree, each multiset in lexicographic order; every feature of
// degree z >= 1 is its parent (the multiset without its last coordinate, listed earlier) times
// one coordinate, so evaluating all of them costs one multiplication each.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sethlab::attention {

// sum_{z=0..p} C(d + z - 1, z) = C(d + p, p); throws std::invalid_argument beyond kMaxFeatures.
std::size_t symmetric_feature_count(std::size_t d, std::size_t p);
inline constexpr std::size_t kMaxFeatures = std::size_t{1} << 26;

class SymmetricFeatures {
 public:
  SymmetricFeatures(std::size_t d, std::size_t p);

  std::size_t dim() const { return d_; }
  std::size_t order() const { return p_; }
  std::size_t size() const { return weight_.size(); }
  // Features of degree z are [degree_begin(z), degree_begin(z + 1)).
  std::size_t degree_begin(std::size_t z) const { return begin_[z]; }
  std::size_t degree(std::size_t f) const { return degree_[f]; }
  double weight(std::size_t f) const { return weight_[f]; }
  // The coordinates of feature f, in non-decreasing order.
  std::vector<std::size_t> multiset(std::size_t f) const;

  // out[f] = prod of x over the multiset of f (out[0] = 1), for all f; x has dim() entries.
  template <class T>
  void evaluate(const T* x, T* out) const {
    out[0] = T(1);
    for (std::size_t f = 1; f < weight_.size(); ++f) out[f] = out[parent_[f]] * x[last_[f]];
  }

 private:
  std::size_t d_, p_;
  std::vector<std::uint32_t> parent_, last_, run_, degree_;
  std::vector<double> weight_;
  std::vector<std::size_t> begin_;
};

}  // namespace sethlab::attention
