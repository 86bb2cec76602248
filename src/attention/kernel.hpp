#pragma once
// Attention kernels by name. Each implementation registers itself in its own .cpp file
// (`Registrar<KernelInfo>`, as solvers do in src/search/), so a new kernel is one new file:
//   reference    every mechanism; scores materialised one query row at a time, in double
//   tiled-blas   softmax, exponential, window, rbf; query x key tiles, online softmax, BLAS gemm
//   tiled-loops  the same tiling with hand-written vectorisable inner loops
//   tiled        the faster of the two (see bench/attention_bench.cpp for the measurement)
//   taylor       taylor, taylor-softmax in O(n F d_v) time with the symmetric tensor features
//
// Output scaling. Softmax-like mechanisms are normalised and never overflow (running max). The
// unnormalised ones (exponential, rbf) have entries up to e^{max score}, which overflow float
// beyond about e^88 and double beyond e^709. With `log_scale` (one double per query row) a kernel
// returns Y_i = e^{log_scale[i]} * Yhat_i with Yhat in the output matrix, which never overflows
// (this is the log domain theory.md asks for in the OV gadgets); without it a row that would
// overflow throws std::overflow_error naming the row. Underflow to 0 is not an error.
#include <string>
#include <vector>

#include "attention/matrix.hpp"
#include "attention/spec.hpp"
#include "core/registry.hpp"

namespace sethlab::attention {

template <class T>
using KernelFn = void (*)(const AttentionSpec& spec, MatrixView<const T> q, MatrixView<const T> k,
                          MatrixView<const T> v, MatrixView<T> y, double* log_scale);

struct KernelInfo {
  std::string help;
  std::vector<Mechanism> mechanisms;  // what it computes
  KernelFn<float> run_f32 = nullptr;
  KernelFn<double> run_f64 = nullptr;
  bool supports(Mechanism m) const;
};
using KernelRegistry = Registry<KernelInfo>;

// The kernel a caller gets by default: `tiled` for the exact mechanisms, `taylor` for Taylor.
std::string default_kernel(Mechanism m);

// Validates shapes and parameters (std::invalid_argument), then runs `kernel` into y.
// log_scale, when given, has y.rows entries (see above).
template <class T>
void attend(const std::string& kernel, const AttentionSpec& spec, MatrixView<const T> q,
            MatrixView<const T> k, MatrixView<const T> v, MatrixView<T> y,
            double* log_scale = nullptr);

// Convenience: allocates and returns Y.
template <class T>
Matrix<T> attend(const std::string& kernel, const AttentionSpec& spec, MatrixView<const T> q,
                 MatrixView<const T> k, MatrixView<const T> v,
                 std::vector<double>* log_scale = nullptr);

}  // namespace sethlab::attention
