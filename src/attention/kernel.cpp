#include "attention/kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "attention/validate.hpp"

namespace sethlab::attention {

bool KernelInfo::supports(Mechanism m) const {
  return std::find(mechanisms.begin(), mechanisms.end(), m) != mechanisms.end();
}

std::string default_kernel(Mechanism m) {
  return is_taylor(m) ? "taylor" : "tiled";
}

template <class T>
void attend(const std::string& kernel, const AttentionSpec& spec, MatrixView<const T> q,
            MatrixView<const T> k, MatrixView<const T> v, MatrixView<T> y, double* log_scale) {
  const std::string where = "attention '" + kernel + "' (" + mechanism_name(spec.mechanism) + ")";
  const KernelInfo* info = KernelRegistry::instance().find(kernel);
  if (info == nullptr)
    throw std::invalid_argument("unknown attention kernel '" + kernel + "' (known: " +
                                join_names(KernelRegistry::instance().names()) + ")");
  if (!info->supports(spec.mechanism))
    throw std::invalid_argument(where + ": this kernel does not compute that mechanism");
  validate(where, spec, {q.rows, q.cols, k.rows, k.cols, v.rows, v.cols, y.rows, y.cols});
  if (q.stride < q.cols || k.stride < k.cols || v.stride < v.cols || y.stride < y.cols)
    throw std::invalid_argument(where + ": a matrix view has a row stride below its column count");
  if constexpr (std::is_same_v<T, float>)
    info->run_f32(spec, q, k, v, y, log_scale);
  else
    info->run_f64(spec, q, k, v, y, log_scale);
}

template <class T>
Matrix<T> attend(const std::string& kernel, const AttentionSpec& spec, MatrixView<const T> q,
                 MatrixView<const T> k, MatrixView<const T> v, std::vector<double>* log_scale) {
  Matrix<T> y(q.rows, v.cols);
  if (log_scale != nullptr) log_scale->assign(q.rows, 0.0);
  attend<T>(kernel, spec, q, k, v, y.view(), log_scale ? log_scale->data() : nullptr);
  return y;
}

template void attend<float>(const std::string&, const AttentionSpec&, MatrixView<const float>,
                            MatrixView<const float>, MatrixView<const float>, MatrixView<float>,
                            double*);
template void attend<double>(const std::string&, const AttentionSpec&, MatrixView<const double>,
                             MatrixView<const double>, MatrixView<const double>, MatrixView<double>,
                             double*);
template Matrix<float> attend<float>(const std::string&, const AttentionSpec&,
                                     MatrixView<const float>, MatrixView<const float>,
                                     MatrixView<const float>, std::vector<double>*);
template Matrix<double> attend<double>(const std::string&, const AttentionSpec&,
                                       MatrixView<const double>, MatrixView<const double>,
                                       MatrixView<const double>, std::vector<double>*);

}  // namespace sethlab::attention
