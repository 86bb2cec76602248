#pragma once
// What an attention call computes: the mechanism (score function f and output map h, theory.md
// section 2) and its parameters, and how a fast kernel tiles the work. One struct for every
// mechanism keeps the kernel signature uniform; fields a mechanism does not use are ignored.
//
//   softmax      Y_i = sum_j e^{s_ij} v_j / sum_j e^{s_ij},   s_ij = q_i.k_j * scale / temperature
//   exponential  Y_i = sum_j e^{s_ij} v_j  (no normalisation),  s_ij = c * q_i.k_j
//   window       softmax restricted to |i - j| <= window / 2 (integer division; normalised over
//                the keys inside the window; needs as many queries as keys, positions i, j)
//   rbf          Y_i = sum_j e^{s_ij} v_j  (no normalisation),  s_ij = -c * ||q_i - k_j||^2
//   taylor       Y_i = sum_j P(x_ij) v_j,  P(x) = sum_{z=0..p} c_z x^z,  x_ij = q_i.k_j * scale /
//                temperature (unnormalised polynomial attention)
//   taylor-softmax  the same divided by sum_j P(x_ij): with c_z = 1/z! it approximates softmax
#include <cstddef>
#include <string>
#include <vector>

namespace sethlab::attention {

enum class Mechanism { kSoftmax, kExponential, kWindow, kRbf, kTaylor, kTaylorSoftmax };

const char* mechanism_name(Mechanism m);
Mechanism parse_mechanism(const std::string& name);  // throws std::invalid_argument
bool is_normalised(Mechanism m);                     // softmax, window, taylor-softmax
bool is_taylor(Mechanism m);

struct AttentionSpec {
  Mechanism mechanism = Mechanism::kSoftmax;
  double scale = 0.0;        // softmax, window, taylor: 0 means 1 / sqrt(d)
  double temperature = 1.0;  // softmax, window, taylor: scores are divided by it (> 0)
  double c = 1.0;            // exponential, rbf: the constant C
  long window = 0;           // window: keys with |i - j| <= window / 2 (>= 0)
  long taylor_order = 2;     // taylor: p >= 0
  std::vector<double> taylor_coefficients;  // taylor: c_0..c_p; empty means c_z = 1 / z!
  std::size_t tile_queries = 64;            // fast kernels: query rows per tile (>= 1)
  std::size_t tile_keys = 128;              // fast kernels: key rows per tile (>= 1)
};

// The factor in front of q.k for softmax, window and taylor: scale (or 1/sqrt(d)) / temperature.
double dot_factor(const AttentionSpec& spec, std::size_t d);
// c_0..c_p: the spec's coefficients, or 1/z! when it gives none.
std::vector<double> taylor_coefficients(const AttentionSpec& spec);

}  // namespace sethlab::attention
