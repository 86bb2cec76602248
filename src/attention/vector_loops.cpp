#include "attention/vector_loops.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>

// Several clones of each entry point, picked by the dynamic loader for the running CPU.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define SETHLAB_VECTOR_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SETHLAB_VECTOR_CLONES
#endif
#define SETHLAB_INLINE inline __attribute__((always_inline))

namespace sethlab::attention {
namespace {

// 4 query rows x 16 keys of accumulators stay in registers while c runs over the head dimension:
// each loaded key coordinate serves 4 rows, each broadcast query coordinate 16 keys.
constexpr std::size_t kRows = 4, kKeys = 16;

template <class T, bool kDistance>
SETHLAB_INLINE T term(T q, T k) {
  if constexpr (kDistance) {
    const T diff = q - k;
    return diff * diff;
  } else {
    return q * k;
  }
}

template <class T, bool kDistance>
SETHLAB_INLINE void scores(const T* q, std::size_t ldq, std::size_t rows, const T* kt,
                           std::size_t ldk, std::size_t cols, std::size_t d, T alpha, T* s,
                           std::size_t lds) {
  std::size_t r = 0;
  for (; r + kRows <= rows; r += kRows) {
    const T *q0 = q + r * ldq, *q1 = q0 + ldq, *q2 = q1 + ldq, *q3 = q2 + ldq;
    std::size_t j = 0;
    for (; j + kKeys <= cols; j += kKeys) {
      T a0[kKeys] = {}, a1[kKeys] = {}, a2[kKeys] = {}, a3[kKeys] = {};
      for (std::size_t c = 0; c < d; ++c) {
        const T* kp = kt + c * ldk + j;
        const T x0 = q0[c], x1 = q1[c], x2 = q2[c], x3 = q3[c];
#pragma omp simd
        for (std::size_t jj = 0; jj < kKeys; ++jj) {
          a0[jj] += term<T, kDistance>(x0, kp[jj]);
          a1[jj] += term<T, kDistance>(x1, kp[jj]);
          a2[jj] += term<T, kDistance>(x2, kp[jj]);
          a3[jj] += term<T, kDistance>(x3, kp[jj]);
        }
      }
      for (std::size_t jj = 0; jj < kKeys; ++jj) {
        s[r * lds + j + jj] = alpha * a0[jj];
        s[(r + 1) * lds + j + jj] = alpha * a1[jj];
        s[(r + 2) * lds + j + jj] = alpha * a2[jj];
        s[(r + 3) * lds + j + jj] = alpha * a3[jj];
      }
    }
    for (; j < cols; ++j)  // the last keys of the tile, one at a time
      for (std::size_t rr = r; rr < r + kRows; ++rr) {
        T a = 0;
        for (std::size_t c = 0; c < d; ++c)
          a += term<T, kDistance>(q[rr * ldq + c], kt[c * ldk + j]);
        s[rr * lds + j] = alpha * a;
      }
  }
  for (; r < rows; ++r) {  // the last rows of the tile, one at a time
    T* sr = s + r * lds;
    std::fill(sr, sr + cols, T(0));
    for (std::size_t c = 0; c < d; ++c) {
      const T x = q[r * ldq + c];
      const T* kp = kt + c * ldk;
#pragma omp simd
      for (std::size_t j = 0; j < cols; ++j) sr[j] += term<T, kDistance>(x, kp[j]);
    }
    for (std::size_t j = 0; j < cols; ++j) sr[j] *= alpha;
  }
}

// A 64-wide slice of an accumulator row stays in registers while j runs over the key tile.
constexpr std::size_t kSlice = 64;

template <class T>
SETHLAB_INLINE void accumulate(const T* p, std::size_t ldp, std::size_t rows, std::size_t cols,
                               const T* v, std::size_t ldv, std::size_t dv, T* acc,
                               std::size_t ldacc) {
  for (std::size_t r = 0; r < rows; ++r) {
    const T* pr = p + r * ldp;
    T* ar = acc + r * ldacc;
    std::size_t c0 = 0;
    for (; c0 + kSlice <= dv; c0 += kSlice) {
      T a[kSlice];
      std::copy(ar + c0, ar + c0 + kSlice, a);
      for (std::size_t j = 0; j < cols; ++j) {
        const T w = pr[j];
        const T* vj = v + j * ldv + c0;
#pragma omp simd
        for (std::size_t cc = 0; cc < kSlice; ++cc) a[cc] += w * vj[cc];
      }
      std::copy(a, a + kSlice, ar + c0);
    }
    if (c0 < dv)
      for (std::size_t j = 0; j < cols; ++j) {
        const T w = pr[j];
        const T* vj = v + j * ldv;
#pragma omp simd
        for (std::size_t c = c0; c < dv; ++c) ar[c] += w * vj[c];
      }
  }
}

template <class T>
SETHLAB_INLINE void scores_any(const T* q, std::size_t ldq, std::size_t rows, const T* kt,
                               std::size_t ldk, std::size_t cols, std::size_t d, T alpha,
                               bool squared_distance, T* s, std::size_t lds) {
  if (squared_distance)
    scores<T, true>(q, ldq, rows, kt, ldk, cols, d, alpha, s, lds);
  else
    scores<T, false>(q, ldq, rows, kt, ldk, cols, d, alpha, s, lds);
}

// e^x for x <= 0, written for vectorisation: x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in a
// high and a low part, Cody-Waite), e^r by its Taylor polynomial (degree 7 for float: error
// r^8/8! < 6e-9; degree 13 for double: r^14/14! < 5e-18), 2^n put into the exponent bits.
// n is read from the low mantissa bits of x log2(e) + 1.5 2^k (the round-to-nearest trick), so
// no float-to-integer conversion is needed. Below the lower limit (where e^x is subnormal or 0)
// and for -inf or NaN the result is 0.
template <class T>
struct ExpConstants;
template <>
struct ExpConstants<float> {
  using Bits = std::uint32_t;
  static constexpr float kLow = -87.0f, kMagic = 12582912.0f;  // 1.5 * 2^23
  static constexpr float kLn2Hi = 0.693145751953125f, kLn2Lo = 1.428606765330187e-06f;
  static constexpr Bits kBias = 127;
  static constexpr int kMantissa = 23;
  static constexpr int kDegree = 7;
};
template <>
struct ExpConstants<double> {
  using Bits = std::uint64_t;
  static constexpr double kLow = -708.0, kMagic = 6755399441055744.0;  // 1.5 * 2^52
  static constexpr double kLn2Hi = 0.6931471803691238, kLn2Lo = 1.9082149292705877e-10;
  static constexpr Bits kBias = 1023;
  static constexpr int kMantissa = 52;
  static constexpr int kDegree = 13;
};

template <class T, int kDegree>
constexpr std::array<T, kDegree + 1> inverse_factorials() {
  std::array<T, kDegree + 1> c{};
  c[0] = T(1);
  for (int z = 1; z <= kDegree; ++z) c[z] = c[z - 1] / T(z);
  return c;
}

template <class T>
SETHLAB_INLINE T exp_nonpositive(T x) {
  using C = ExpConstants<T>;
  using Bits = typename C::Bits;
  constexpr T kLog2e = T(1.4426950408889634);
  const T xc = x > C::kLow ? x : C::kLow;  // also maps -inf and NaN into range
  const T t = xc * kLog2e + C::kMagic;
  const T n = t - C::kMagic;
  const T r = (xc - n * C::kLn2Hi) - n * C::kLn2Lo;
  constexpr auto kCoef = inverse_factorials<T, C::kDegree>();
  T p = kCoef[C::kDegree];
  for (int z = C::kDegree - 1; z >= 0; --z) p = p * r + kCoef[z];
  const Bits scale = (std::bit_cast<Bits>(t) + C::kBias) << C::kMantissa;
  const T y = p * std::bit_cast<T>(scale);
  return x > C::kLow ? y : T(0);
}

template <class T>
SETHLAB_INLINE T max_of(const T* x, std::size_t n) {
  T m = -std::numeric_limits<T>::infinity();
#pragma omp simd reduction(max : m)
  for (std::size_t j = 0; j < n; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

template <class T>
SETHLAB_INLINE T exp_shift_sum(T* x, std::size_t n, T m) {
  T sum = 0;
#pragma omp simd reduction(+ : sum)
  for (std::size_t j = 0; j < n; ++j) {
    x[j] = exp_nonpositive(x[j] - m);
    sum += x[j];
  }
  return sum;
}

template <class T>
SETHLAB_INLINE void exp_all(const T* x, std::size_t n, T* y) {
#pragma omp simd
  for (std::size_t j = 0; j < n; ++j) y[j] = exp_nonpositive(x[j]);
}
}  // namespace

SETHLAB_VECTOR_CLONES
void tile_scores_loops(const float* q, std::size_t ldq, std::size_t rows, const float* kt,
                       std::size_t ldk, std::size_t cols, std::size_t d, float alpha,
                       bool squared_distance, float* s, std::size_t lds) {
  scores_any(q, ldq, rows, kt, ldk, cols, d, alpha, squared_distance, s, lds);
}

SETHLAB_VECTOR_CLONES
void tile_scores_loops(const double* q, std::size_t ldq, std::size_t rows, const double* kt,
                       std::size_t ldk, std::size_t cols, std::size_t d, double alpha,
                       bool squared_distance, double* s, std::size_t lds) {
  scores_any(q, ldq, rows, kt, ldk, cols, d, alpha, squared_distance, s, lds);
}

SETHLAB_VECTOR_CLONES
void tile_accumulate_loops(const float* p, std::size_t ldp, std::size_t rows, std::size_t cols,
                           const float* v, std::size_t ldv, std::size_t dv, float* acc,
                           std::size_t ldacc) {
  accumulate(p, ldp, rows, cols, v, ldv, dv, acc, ldacc);
}

SETHLAB_VECTOR_CLONES
void tile_accumulate_loops(const double* p, std::size_t ldp, std::size_t rows, std::size_t cols,
                           const double* v, std::size_t ldv, std::size_t dv, double* acc,
                           std::size_t ldacc) {
  accumulate(p, ldp, rows, cols, v, ldv, dv, acc, ldacc);
}

SETHLAB_VECTOR_CLONES float row_max(const float* x, std::size_t n) {
  return max_of(x, n);
}
SETHLAB_VECTOR_CLONES double row_max(const double* x, std::size_t n) {
  return max_of(x, n);
}
SETHLAB_VECTOR_CLONES float exp_shifted(float* x, std::size_t n, float m) {
  return exp_shift_sum(x, n, m);
}
SETHLAB_VECTOR_CLONES double exp_shifted(double* x, std::size_t n, double m) {
  return exp_shift_sum(x, n, m);
}
SETHLAB_VECTOR_CLONES void vector_exp(const float* x, std::size_t n, float* y) {
  exp_all(x, n, y);
}
SETHLAB_VECTOR_CLONES void vector_exp(const double* x, std::size_t n, double* y) {
  exp_all(x, n, y);
}

}  // namespace sethlab::attention
