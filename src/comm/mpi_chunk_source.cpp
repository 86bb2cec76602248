#include "comm/mpi_chunk_source.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sethlab {
namespace {

constexpr int kRequestTag = 7101;
constexpr int kGrantTag = 7102;
constexpr std::int64_t kNoChunk = -1;  // the space is exhausted: finish chunks in hand
constexpr std::int64_t kStop = -2;     // a preimage was found (decide mode): abandon them

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

// Rank 0: local workers take chunks from the counter directly; the dispatcher thread serves the
// other ranks from the same counter until each of them has been told "no more".
class DispatcherSource final : public ChunkSource {
 public:
  DispatcherSource(MPI_Comm comm, std::uint64_t total) : comm_(comm), total_(total) {
    MPI_Comm_size(comm_, &size_);
    if (size_ > 1) thread_ = std::thread([this] { serve(); });
  }
  ~DispatcherSource() override {
    if (thread_.joinable()) thread_.join();
  }

  std::optional<std::uint64_t> next() override {
    const std::int64_t id = take();
    if (id == kNoChunk) return std::nullopt;
    return static_cast<std::uint64_t>(id);
  }
  void report_found() override { stop_.store(true); }
  const std::atomic<bool>& stop_flag() const override { return stop_; }
  void finish() override {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::int64_t take() {
    if (stop_.load()) return kNoChunk;
    const std::uint64_t id = counter_.fetch_add(1);
    return id < total_ ? static_cast<std::int64_t>(id) : kNoChunk;
  }

  void serve() {
    int finished = 0;
    while (finished < size_ - 1) {
      std::int64_t found = 0;
      MPI_Request req;
      check(MPI_Irecv(&found, 1, MPI_INT64_T, MPI_ANY_SOURCE, kRequestTag, comm_, &req), "Irecv");
      MPI_Status status;
      int done = 0;
      auto sleep = std::chrono::microseconds(20);
      while (true) {
        check(MPI_Test(&req, &done, &status), "Test");
        if (done) break;
        std::this_thread::sleep_for(sleep);
        // Back off while idle (long chunks), but stay quick after recent traffic.
        if (sleep < std::chrono::microseconds(500)) sleep *= 2;
      }
      if (found != 0) stop_.store(true);
      const std::int64_t grant = stop_.load() ? kStop : take();
      if (grant < 0) ++finished;
      check(MPI_Send(&grant, 1, MPI_INT64_T, status.MPI_SOURCE, kGrantTag, comm_), "Send");
    }
  }

  MPI_Comm comm_;
  std::uint64_t total_;
  int size_ = 1;
  std::atomic<std::uint64_t> counter_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Other ranks: one request at a time per rank (MPI_THREAD_SERIALIZED), under a mutex. After the
// first "no more" the rank never asks again, so the dispatcher can count who is done.
class RequesterSource final : public ChunkSource {
 public:
  explicit RequesterSource(MPI_Comm comm) : comm_(comm) {}

  std::optional<std::uint64_t> next() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_) return std::nullopt;
    std::int64_t found = found_.load() ? 1 : 0;
    std::int64_t grant = kNoChunk;
    check(MPI_Send(&found, 1, MPI_INT64_T, 0, kRequestTag, comm_), "Send");
    check(MPI_Recv(&grant, 1, MPI_INT64_T, 0, kGrantTag, comm_, MPI_STATUS_IGNORE), "Recv");
    if (grant < 0) {
      done_ = true;
      // Only a found preimage interrupts chunks that other threads still scan.
      if (grant == kStop) stop_.store(true);
      return std::nullopt;
    }
    if (stop_.load()) return std::nullopt;  // found here meanwhile; finish() tells rank 0
    return static_cast<std::uint64_t>(grant);
  }
  void report_found() override {
    found_.store(true);
    stop_.store(true);
  }
  const std::atomic<bool>& stop_flag() const override { return stop_; }
  // Makes sure rank 0 hears "found" and this rank's final "no more" before the search ends.
  void finish() override {
    while (next().has_value()) {
    }
  }

 private:
  MPI_Comm comm_;
  std::mutex mutex_;
  bool done_ = false;
  std::atomic<bool> found_{false};
  std::atomic<bool> stop_{false};
};

}  // namespace

std::unique_ptr<ChunkSource> make_mpi_chunk_source(MPI_Comm comm, std::uint64_t total_chunks) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) return std::make_unique<DispatcherSource>(comm, total_chunks);
  return std::make_unique<RequesterSource>(comm);
}

}  // namespace sethlab
