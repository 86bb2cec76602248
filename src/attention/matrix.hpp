#pragma once
// Row-major dense matrices for the attention kernels: `Matrix<T>` owns its storage, `MatrixView<T>`
// borrows it (T may be const). Rows are contiguous; `stride` is the distance between row starts,
// so a view can name a block of rows (a tile) without copying. T is float or double.
#include <cstddef>
#include <type_traits>
#include <vector>

namespace sethlab::attention {

template <class T>
struct MatrixView {
  T* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;  // elements between the starts of consecutive rows (>= cols)

  MatrixView() = default;
  MatrixView(T* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c), stride(c) {}
  MatrixView(T* d, std::size_t r, std::size_t c, std::size_t s)
      : data(d), rows(r), cols(c), stride(s) {}
  // A view of mutable data converts to a view of const data.
  template <class U>
  requires std::is_same_v<const U, T> MatrixView(
      const MatrixView<U>& o)  // NOLINT(google-explicit-constructor)
      : data(o.data), rows(o.rows), cols(o.cols), stride(o.stride) {}

  T* row(std::size_t i) const { return data + i * stride; }
  T& operator()(std::size_t i, std::size_t j) const { return data[i * stride + j]; }
  // Rows [begin, begin + count).
  MatrixView row_block(std::size_t begin, std::size_t count) const {
    return MatrixView(row(begin), count, cols, stride);
  }
};

template <class T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, T fill = T(0))
      : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T* row(std::size_t i) { return data_.data() + i * cols_; }
  const T* row(std::size_t i) const { return data_.data() + i * cols_; }
  T& operator()(std::size_t i, std::size_t j) { return data_[i * cols_ + j]; }
  const T& operator()(std::size_t i, std::size_t j) const { return data_[i * cols_ + j]; }

  MatrixView<T> view() { return MatrixView<T>(data_.data(), rows_, cols_); }
  MatrixView<const T> view() const { return MatrixView<const T>(data_.data(), rows_, cols_); }
  operator MatrixView<const T>() const { return view(); }  // NOLINT(google-explicit-constructor)

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<T> data_;
};

}  // namespace sethlab::attention
