#include "core/stop_signal.hpp"

#include <atomic>
#include <csignal>

namespace sethlab {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig, std::memory_order_relaxed);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // A second signal of the same kind takes the default action: Ctrl-C twice really stops.
  sa.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

bool stop_requested() {
  return g_signal.load(std::memory_order_relaxed) != 0;
}
int stop_signal() {
  return g_signal.load(std::memory_order_relaxed);
}
void request_stop_for_testing(int signal) {
  g_signal.store(signal);
}
void clear_stop_request() {
  g_signal.store(0);
}

}  // namespace sethlab
