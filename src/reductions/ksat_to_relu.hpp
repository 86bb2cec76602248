#pragma once
// Reduction R1 of theory.md: k-SAT -> exact inversion of a depth-2 ReLU network.
//   hidden units 2i, 2i+1: ReLU(z_i - 1/2), ReLU(1/2 - z_i)
//   hidden unit 2n+j:      ReLU(1 - s_j(z)), s_j = number of true literals of clause j
//   outputs y_i = h_2i + h_2i+1 (target 1/2), y_n+j = h_2n+j (target 0)
// All weights are in {-1, 0, 1} and biases in {.., -1/2, 1/2, 1, ..}, so the first layer is
// multiplied by 2 (scale = 2): integer weights, integer target (1 .. 1, 0 .. 0).
// Binary-latent form (`r1-binary`): only the clause units, ReLU(1 - s_j(z)), target 0, scale 1.
// On binary latents every clause unit is 0 exactly when the clause has a true literal, so the
// preimages are exactly the satisfying assignments in both forms.
#include "reductions/inversion_problem.hpp"

namespace sethlab {

InversionProblem ksat_to_relu(const Cnf& cnf);
InversionProblem ksat_to_relu_binary(const Cnf& cnf);

}  // namespace sethlab
