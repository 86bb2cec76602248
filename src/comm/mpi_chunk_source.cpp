#include "comm/mpi_chunk_source.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/stop_signal.hpp"

namespace sethlab {
namespace {

constexpr int kRequestTag = 7101;
constexpr int kGrantTag = 7102;
// Replies below zero end a rank's part of the search.
constexpr std::int64_t kNoChunk = -1;    // exhausted: finish the chunks in hand
constexpr std::int64_t kStop = -2;       // a preimage was found (decide mode): abandon them
constexpr std::int64_t kInterrupt = -3;  // a stop signal arrived somewhere: finish them, no more

enum RequestFlags : std::uint32_t { kFound = 1, kSignalled = 2, kHasRecord = 4 };

struct Request {
  std::uint32_t flags = 0;
  std::uint32_t pad = 0;
  ChunkRecord record;
};

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

// Rank 0: local workers take chunks from the counter directly; the dispatcher thread serves the
// other ranks from the same counter until each of them has received a final reply.
class DispatcherSource final : public ChunkSource {
 public:
  DispatcherSource(MPI_Comm comm, ChunkSourceConfig config)
      : comm_(comm), counter_(config.total, std::move(config.skip)), sink_(std::move(config.sink)) {
    MPI_Comm_size(comm_, &size_);
    if (size_ > 1) thread_ = std::thread([this] { serve(); });
  }
  ~DispatcherSource() override {
    if (thread_.joinable()) thread_.join();
  }

  std::optional<std::uint64_t> next(const ChunkRecord* finished) override {
    if (finished != nullptr && sink_) sink_(*finished);
    const std::int64_t id = grant();
    if (id < 0) return std::nullopt;
    return static_cast<std::uint64_t>(id);
  }
  void report_found() override { stop_.store(true); }
  const std::atomic<bool>& stop_flag() const override { return stop_; }
  void finish() override {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::int64_t grant() {
    if (stop_.load()) return kStop;
    if (interrupted_.load() || stop_requested()) {
      interrupted_.store(true);
      return kInterrupt;
    }
    const auto id = counter_.take();
    return id ? static_cast<std::int64_t>(*id) : kNoChunk;
  }

  void serve() {
    int finished = 0;
    while (finished < size_ - 1) {
      Request req;
      MPI_Request handle;
      check(MPI_Irecv(&req, sizeof req, MPI_BYTE, MPI_ANY_SOURCE, kRequestTag, comm_, &handle),
            "Irecv");
      MPI_Status status;
      int done = 0;
      auto sleep = std::chrono::microseconds(20);
      while (true) {
        check(MPI_Test(&handle, &done, &status), "Test");
        if (done) break;
        std::this_thread::sleep_for(sleep);
        // Back off while idle (long chunks), but answer quickly after recent traffic.
        if (sleep < std::chrono::microseconds(500)) sleep *= 2;
      }
      if ((req.flags & kHasRecord) && sink_) sink_(req.record);
      if (req.flags & kFound) stop_.store(true);
      if (req.flags & kSignalled) interrupted_.store(true);
      const std::int64_t reply = grant();
      if (reply < 0) ++finished;
      check(MPI_Send(&reply, 1, MPI_INT64_T, status.MPI_SOURCE, kGrantTag, comm_), "Send");
    }
  }

  MPI_Comm comm_;
  int size_ = 1;
  ChunkCounter counter_;
  ChunkSink sink_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

// Other ranks: one request at a time per rank (MPI_THREAD_SERIALIZED), under a mutex. After the
// first final reply the rank never asks again, so the dispatcher can count who is done; records
// finished after that reach rank 0 with the search's final gather.
class RequesterSource final : public ChunkSource {
 public:
  explicit RequesterSource(MPI_Comm comm) : comm_(comm) {}

  std::optional<std::uint64_t> next(const ChunkRecord* finished) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_) return std::nullopt;
    Request req;
    if (found_.load()) req.flags |= kFound;
    if (stop_requested()) req.flags |= kSignalled;
    if (finished != nullptr) {
      req.flags |= kHasRecord;
      req.record = *finished;
    }
    std::int64_t reply = kNoChunk;
    check(MPI_Send(&req, sizeof req, MPI_BYTE, 0, kRequestTag, comm_), "Send");
    check(MPI_Recv(&reply, 1, MPI_INT64_T, 0, kGrantTag, comm_, MPI_STATUS_IGNORE), "Recv");
    if (reply < 0) {
      done_ = true;
      if (reply == kStop) stop_.store(true);
      return std::nullopt;
    }
    if (stop_.load()) return std::nullopt;  // found here meanwhile; finish() tells rank 0
    return static_cast<std::uint64_t>(reply);
  }
  void report_found() override {
    found_.store(true);
    stop_.store(true);
  }
  const std::atomic<bool>& stop_flag() const override { return stop_; }
  // Makes sure rank 0 hears "found" and gives this rank its final reply before the search ends.
  void finish() override {
    while (next(nullptr).has_value()) {
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

std::unique_ptr<ChunkSource> make_mpi_chunk_source(MPI_Comm comm, ChunkSourceConfig config) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) return std::make_unique<DispatcherSource>(comm, std::move(config));
  return std::make_unique<RequesterSource>(comm);
}

}  // namespace sethlab
