#include "models/relu_network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sethlab {

void SparseLayer::validate() const {
  if (inputs < 0 || outputs < 0) throw std::invalid_argument("layer has a negative dimension");
  if (row_start.size() != static_cast<std::size_t>(outputs) + 1 ||
      bias.size() != static_cast<std::size_t>(outputs))
    throw std::invalid_argument("layer row or bias count does not match its outputs");
  if (row_start.front() != 0 || row_start.back() != static_cast<std::int64_t>(weight.size()) ||
      column.size() != weight.size())
    throw std::invalid_argument("layer sparse structure is inconsistent");
  for (std::size_t r = 0; r + 1 < row_start.size(); ++r)
    if (row_start[r] > row_start[r + 1]) throw std::invalid_argument("layer rows out of order");
  for (auto c : column)
    if (c < 0 || c >= inputs)
      throw std::invalid_argument("layer column " + std::to_string(c) + " outside 0.." +
                                  std::to_string(inputs - 1));
}

LayerBuilder::LayerBuilder(int inputs, bool relu) {
  layer_.inputs = inputs;
  layer_.relu = relu;
  layer_.row_start.push_back(0);
}

int LayerBuilder::unit(std::int64_t bias) {
  layer_.bias.push_back(bias);
  layer_.row_start.push_back(static_cast<std::int64_t>(layer_.weight.size()));
  return layer_.outputs++;
}

void LayerBuilder::add(int input, std::int64_t weight) {
  if (layer_.outputs == 0) throw std::logic_error("LayerBuilder::add before unit()");
  if (input < 0 || input >= layer_.inputs)
    throw std::out_of_range("LayerBuilder::add: input " + std::to_string(input) + " out of range");
  layer_.column.push_back(input);
  layer_.weight.push_back(weight);
  layer_.row_start.back() = static_cast<std::int64_t>(layer_.weight.size());
}

SparseLayer LayerBuilder::finish() {
  layer_.validate();
  return std::move(layer_);
}

ReluNetwork::ReluNetwork(int latent_dim, std::int64_t scale, std::vector<SparseLayer> layers)
    : latent_dim_(latent_dim), scale_(scale), layers_(std::move(layers)) {
  if (scale_ <= 0) throw std::invalid_argument("network scale must be positive");
  int width = latent_dim_;
  for (const auto& l : layers_) {
    l.validate();
    if (l.inputs != width) throw std::invalid_argument("consecutive layer shapes do not chain");
    width = l.outputs;
  }
}

std::size_t ReluNetwork::nnz() const {
  std::size_t s = 0;
  for (const auto& l : layers_) s += l.nnz();
  return s;
}

int ReluNetwork::hidden_width() const {
  int w = 0;
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) w += layers_[i].outputs;
  return w;
}

std::size_t ReluNetwork::max_width() const {
  std::size_t w = static_cast<std::size_t>(latent_dim_);
  for (const auto& l : layers_) w = std::max(w, static_cast<std::size_t>(l.outputs));
  return w;
}

void ReluNetwork::evaluate_binary(std::uint64_t z, std::span<std::int64_t> scratch,
                                  std::span<std::int64_t> out) const {
  const std::size_t w = max_width();
  std::int64_t* cur = scratch.data();
  std::int64_t* next = scratch.data() + w;
  for (int i = 0; i < latent_dim_; ++i) cur[i] = static_cast<std::int64_t>((z >> i) & 1U);
  for (std::size_t li = 0; li < layers_.size(); ++li) {
    const SparseLayer& l = layers_[li];
    std::int64_t* dst = (li + 1 == layers_.size()) ? out.data() : next;
    const std::int64_t* rs = l.row_start.data();
    const std::int32_t* col = l.column.data();
    const std::int64_t* wt = l.weight.data();
    for (int r = 0; r < l.outputs; ++r) {
      std::int64_t acc = l.bias[static_cast<std::size_t>(r)];
      for (std::int64_t e = rs[r]; e < rs[r + 1]; ++e) acc += wt[e] * cur[col[e]];
      dst[r] = (l.relu && acc < 0) ? 0 : acc;
    }
    std::swap(cur, next);
  }
  if (layers_.empty())
    for (int i = 0; i < latent_dim_; ++i) out[static_cast<std::size_t>(i)] = cur[i];
}

std::vector<double> ReluNetwork::evaluate_real(std::span<const double> z) const {
  if (z.size() != static_cast<std::size_t>(latent_dim_))
    throw std::invalid_argument("latent has " + std::to_string(z.size()) +
                                " entries, network takes " + std::to_string(latent_dim_));
  std::vector<double> cur(z.begin(), z.end());
  for (const auto& l : layers_) {
    std::vector<double> next(static_cast<std::size_t>(l.outputs));
    for (int r = 0; r < l.outputs; ++r) {
      double acc = static_cast<double>(l.bias[static_cast<std::size_t>(r)]);
      for (auto e = l.row_start[static_cast<std::size_t>(r)];
           e < l.row_start[static_cast<std::size_t>(r) + 1]; ++e)
        acc += static_cast<double>(l.weight[static_cast<std::size_t>(e)]) *
               cur[static_cast<std::size_t>(l.column[static_cast<std::size_t>(e)])];
      next[static_cast<std::size_t>(r)] = (l.relu && acc < 0) ? 0.0 : acc;
    }
    cur = std::move(next);
  }
  for (auto& v : cur) v /= static_cast<double>(scale_);
  return cur;
}

}  // namespace sethlab
