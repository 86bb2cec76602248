#pragma once
// A feed-forward ReLU network with sparse integer layers: h_l = ReLU(W_l h_{l-1} + b_l), the last
// layer linear. It represents the generative model G(z) = N(z) / scale, where N is this integer
// network. Because ReLU is positively homogeneous, a network with rational weights is multiplied
// through by a common denominator without changing which z satisfy G(z) = x; the reductions
// choose `scale` and an integer target, so equality tests are exact integer comparisons on binary
// latents (no tolerance). Real latents (for approximate inversion later) use evaluate_real().
#include <cstdint>
#include <span>
#include <vector>

#include <boost/serialization/access.hpp>
#include <boost/serialization/vector.hpp>

namespace sethlab {

// Compressed sparse rows: row r uses entries row_start[r] .. row_start[r+1]-1.
struct SparseLayer {
  int inputs = 0;
  int outputs = 0;
  bool relu = true;
  std::vector<std::int64_t> row_start;  // outputs + 1 entries
  std::vector<std::int32_t> column;
  std::vector<std::int64_t> weight;
  std::vector<std::int64_t> bias;  // outputs entries

  std::size_t nnz() const { return weight.size(); }
  // Checks shapes and indices; throws std::invalid_argument naming the problem.
  void validate() const;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& inputs& outputs& relu& row_start& column& weight& bias;
  }
};

// Builds a layer row by row, so reductions read like the construction in theory.md.
class LayerBuilder {
 public:
  LayerBuilder(int inputs, bool relu);
  // Starts a new unit (row) with the given bias; add() attaches weights to it.
  int unit(std::int64_t bias);
  void add(int input, std::int64_t weight);
  SparseLayer finish();

 private:
  SparseLayer layer_;
};

class ReluNetwork {
 public:
  ReluNetwork() = default;
  ReluNetwork(int latent_dim, std::int64_t scale, std::vector<SparseLayer> layers);

  int latent_dim() const { return latent_dim_; }
  int output_dim() const { return layers_.empty() ? latent_dim_ : layers_.back().outputs; }
  std::int64_t scale() const { return scale_; }
  const std::vector<SparseLayer>& layers() const { return layers_; }
  std::size_t nnz() const;
  int hidden_width() const;  // units in all layers but the last
  std::size_t max_width() const;

  // Exact integer output N(z) for a binary latent z (bit i = z_{i+1}). `scratch` must hold
  // 2 * max_width() values; no allocation happens here (this is the brute-force inner loop).
  void evaluate_binary(std::uint64_t z, std::span<std::int64_t> scratch,
                       std::span<std::int64_t> out) const;
  // G(z) = N(z) / scale in double precision for any real latent.
  std::vector<double> evaluate_real(std::span<const double> z) const;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& latent_dim_& scale_& layers_;
  }

 private:
  int latent_dim_ = 0;
  std::int64_t scale_ = 1;
  std::vector<SparseLayer> layers_;
};

}  // namespace sethlab
