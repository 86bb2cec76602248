#pragma once
// Rank 0's progress line on stderr: points done of total, candidates per second, elapsed, ETA.
// The ETA weighs the remaining points by the family's work estimate (2^n for inversion).
#include <chrono>
#include <string>
#include <vector>

namespace sethlab {

class Progress {
 public:
  Progress(bool enabled, std::vector<double> work);
  void point_done(std::size_t index, const std::string& label, std::uint64_t candidates,
                  double seconds);
  void finish();

 private:
  bool enabled_;
  bool tty_;
  std::vector<double> work_;
  double total_work_ = 0, done_work_ = 0;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

std::string format_duration(double seconds);

}  // namespace sethlab
