#pragma once
// The two BLAS calls the tiled kernels make, overloaded on float/double (cblas_sgemm/dgemm from
// OpenBLAS), and a guard that keeps OpenBLAS single-threaded while our OpenMP threads call it.
//
// Why the guard: Debian's OpenBLAS (libopenblas0-pthread) has its own pthread pool, sized to
// every core by default. Our parallelism is over query tiles: each OpenMP thread multiplies its
// own small tiles. If every such call fanned out to all cores again we would run threads^2 workers
// on `threads` cores and OpenBLAS would serialise concurrent callers on its internal lock. So the
// tiled kernel sets OpenBLAS to one thread before its parallel region (the setting is process-wide
// and must not be changed from inside the region by several threads at once) and restores the
// previous value afterwards. Two kernels running concurrently from different caller threads
// would race on that setting; sethlab runs one kernel at a time per process.
#include <cstddef>

namespace sethlab::attention {

// C = alpha * A * B^T + beta * C; A is m x k, B is n x k, C is m x n (row-major, leading dims).
void gemm_nt(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc);
void gemm_nt(std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
             std::size_t ldc);
// C = alpha * A * B + beta * C; A is m x k, B is k x n, C is m x n.
void gemm_nn(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc);
void gemm_nn(std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
             std::size_t ldc);

class BlasSingleThreaded {
 public:
  BlasSingleThreaded();
  ~BlasSingleThreaded();
  BlasSingleThreaded(const BlasSingleThreaded&) = delete;
  BlasSingleThreaded& operator=(const BlasSingleThreaded&) = delete;

 private:
  int saved_;
};

// OpenBLAS's own thread count (for the benchmark's plain-gemm baseline).
void set_blas_threads(int threads);

}  // namespace sethlab::attention

namespace sethlab::attention {
// C = alpha * A^T * B + beta * C; A is k x m, B is k x n, C is m x n.
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc);
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
             std::size_t ldc);
}  // namespace sethlab::attention
