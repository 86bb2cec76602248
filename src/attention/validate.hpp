#pragma once
// Contract checks shared by every attention kernel, run before any work: shapes (Q is n_q x d,
// K is n_k x d, V is n_k x d_v, Y is n_q x d_v, none empty) and parameters. A violation throws
// std::invalid_argument whose message names the function, the field and the offending values.
#include <cstddef>
#include <string>

#include "attention/spec.hpp"

namespace sethlab::attention {

struct Shapes {
  std::size_t q_rows, q_cols, k_rows, k_cols, v_rows, v_cols, y_rows, y_cols;
};

void validate(const std::string& where, const AttentionSpec& spec, const Shapes& s);

}  // namespace sethlab::attention
