#include "attention/blas.hpp"

#include <cblas.h>

namespace sethlab::attention {
namespace {
int i(std::size_t x) {
  return static_cast<int>(x);
}
}  // namespace

void gemm_nt(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, i(m), i(n), i(k), alpha, a, i(lda), b,
              i(ldb), beta, c, i(ldc));
}
void gemm_nt(std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
             std::size_t ldc) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, i(m), i(n), i(k), alpha, a, i(lda), b,
              i(ldb), beta, c, i(ldc));
}
void gemm_nn(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, i(m), i(n), i(k), alpha, a, i(lda), b,
              i(ldb), beta, c, i(ldc));
}
void gemm_nn(std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
             std::size_t ldc) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, i(m), i(n), i(k), alpha, a, i(lda), b,
              i(ldb), beta, c, i(ldc));
}

void gemm_tn(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, i(m), i(n), i(k), alpha, a, i(lda), b,
              i(ldb), beta, c, i(ldc));
}
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
             std::size_t ldc) {
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, i(m), i(n), i(k), alpha, a, i(lda), b,
              i(ldb), beta, c, i(ldc));
}

BlasSingleThreaded::BlasSingleThreaded() : saved_(openblas_get_num_threads()) {
  openblas_set_num_threads(1);
}
BlasSingleThreaded::~BlasSingleThreaded() {
  openblas_set_num_threads(saved_);
}

void set_blas_threads(int threads) {
  openblas_set_num_threads(threads);
}

}  // namespace sethlab::attention
