#include "runner/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace sethlab {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

Progress::Progress(bool enabled, std::vector<double> work)
    : enabled_(enabled),
      tty_(isatty(STDERR_FILENO) != 0),
      work_(std::move(work)),
      start_(std::chrono::steady_clock::now()) {
  for (double w : work_) total_work_ += w;
}

void Progress::point_done(std::size_t index, const std::string& label, std::uint64_t candidates,
                          double seconds) {
  ++done_;
  done_work_ += index < work_.size() ? work_[index] : 0;
  if (!enabled_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done_work_ > 0 ? elapsed * (total_work_ - done_work_) / done_work_ : -1;
  const double rate = seconds > 0 ? static_cast<double>(candidates) / seconds : 0;
  std::fprintf(stderr, "%s[%zu/%zu] %s | %.3g cand/s | elapsed %s | ETA %s%s",
               tty_ ? "\r\033[K" : "", done_, work_.size(), label.c_str(), rate,
               format_duration(elapsed).c_str(), format_duration(eta).c_str(), tty_ ? "" : "\n");
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && tty_) std::fprintf(stderr, "\n");
}

}  // namespace sethlab
