#pragma once
// Attention over MPI ranks (design.md, "Attention"): Q, K and V (n rows each, self-attention) are
// split by rows into contiguous blocks, one per rank (`row_block`); every rank passes only its
// own blocks and gets the output rows of its own queries.
//
//   softmax, exponential, rbf, window  ring: the K/V blocks travel around the ranks (P - 1
//       shifts to the next rank, each a sendrecv with both neighbours); every rank merges each
//       visiting block into a per-row log-domain state (running max M_i and accumulator
//       A_i = sum e^{s_ij - M_i} [v_j ; 1]), from the tiled kernel's result on that block. A rank
//       holds its own blocks, the visiting K/V block and the incoming one: about 3 n/P key rows,
//       never all n.
//   taylor, taylor-softmax     each rank forms the key-side sums of its K/V block, one
//       allreduce-sum adds them up, then each rank evaluates its queries (taylor.hpp).
//   window                     the same ring and state; each visiting block is merged directly
//       (query tiles x the keys in the band, by gemm, masked by global position |i - j| <= w/2),
//       not through the tiled kernel, whose mask knows only positions inside its arguments.
//
// Every rank must call together with the same spec and n. Inputs are validated on every rank
// and the verdicts combined before any other communication: if one rank's inputs are refused,
// every rank throws std::invalid_argument (the refusing rank with the reason). Errors after that
// point (overflow without log_scale, a taylor-softmax denominator <= 0) are local to a rank.
// Output scaling and log_scale are as in kernel.hpp; log_scale has one entry per local row.
#include <cstddef>
#include <string>
#include <vector>

#include "attention/matrix.hpp"
#include "attention/spec.hpp"
#include "comm/comm.hpp"

namespace sethlab::attention {

// Rows [begin, end) of rank `rank` out of `ranks` for n rows: contiguous, in rank order, sizes
// n / ranks or n / ranks + 1 (the larger ones first). Empty when n < ranks for the last ranks.
struct RowBlock {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};
RowBlock row_block(std::size_t n, int ranks, int rank);

// q, k, v: this rank's blocks (row_block(n, comm.size(), comm.rank()).size() rows each; d and d_v
// the same on every rank); y: that many rows x d_v. `kernel` computes the blocks of the exact
// mechanisms (a name in KernelRegistry; "" = default_kernel).
template <class T>
void attend_distributed(Comm& comm, const AttentionSpec& spec, std::size_t n, MatrixView<const T> q,
                        MatrixView<const T> k, MatrixView<const T> v, MatrixView<T> y,
                        double* log_scale = nullptr, const std::string& kernel = "");

// Convenience: allocates and returns this rank's output rows.
template <class T>
Matrix<T> attend_distributed(Comm& comm, const AttentionSpec& spec, std::size_t n,
                             MatrixView<const T> q, MatrixView<const T> k, MatrixView<const T> v,
                             std::vector<double>* log_scale = nullptr,
                             const std::string& kernel = "");

// The ring keeps its buffers (about 2 n/P (d + d_v + 1) elements) between calls on a thread, so
// that repeated calls do not pay page faults; this frees them (an experiment calls it between
// points, so that each point's memory is its own).
void release_ring_buffers();

}  // namespace sethlab::attention
