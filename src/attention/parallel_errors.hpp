#pragma once
// An exception may not leave an OpenMP parallel region (the program would terminate). Loop
// bodies run through `capture`, which keeps the first exception; `rethrow` raises it after the
// region has ended.
#include <exception>
#include <mutex>

namespace sethlab::attention {

class ParallelErrors {
 public:
  template <class F>
  void capture(F&& body) noexcept {
    try {
      body();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
    }
  }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
};

}  // namespace sethlab::attention
