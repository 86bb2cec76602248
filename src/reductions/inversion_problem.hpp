#pragma once
// What a reduction produces for exact inversion: a network and an integer target in the
// network's integer output space (the real target is target / net.scale()).
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "core/registry.hpp"
#include "models/relu_network.hpp"
#include "problems/cnf.hpp"

namespace sethlab {

struct InversionProblem {
  std::string reduction;
  ReluNetwork net;
  std::vector<std::int64_t> target;

  // True when N(z) equals the target exactly; scratch as for evaluate_binary plus output_dim.
  bool is_preimage(std::uint64_t z) const;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& reduction& net& target;
  }
};

// Reductions from CNF to exact inversion, registered by name (see reductions/ksat_to_relu.cpp).
using CnfReduction = std::function<InversionProblem(const Cnf&)>;
using CnfReductionRegistry = Registry<CnfReduction>;

InversionProblem reduce_cnf(const std::string& name, const Cnf& cnf);

}  // namespace sethlab
