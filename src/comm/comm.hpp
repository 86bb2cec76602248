#pragma once
// The communication layer the search and the runner talk to. SerialComm lets everything run and
// unit-test without mpirun; MpiComm (comm/mpi_comm.cpp, the only place that includes mpi.h
// besides the chunk dispatcher) is the real thing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "comm/chunk_source.hpp"

namespace sethlab {

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }
  virtual void barrier() = 0;
  // Root's bytes replace everyone else's.
  virtual void broadcast(std::string& bytes, int root = 0) = 0;
  // Root receives every rank's bytes in rank order; the others get an empty vector.
  virtual std::vector<std::string> gather(const std::string& bytes, int root = 0) = 0;
  virtual std::int64_t allreduce_max(std::int64_t v) = 0;
  // Element-wise sum over all ranks, in place; every rank passes the same count.
  virtual void allreduce_sum(double* data, std::size_t count) = 0;
  virtual void allreduce_sum(float* data, std::size_t count) = 0;
  // Sends send_bytes to rank `dest` while receiving recv_bytes from rank `source` (a ring shift
  // when dest = rank + 1 and source = rank - 1); recv_bytes must equal what `source` sends to us.
  // The buffers must not overlap.
  virtual void sendrecv(const void* send, std::size_t send_bytes, int dest, void* recv,
                        std::size_t recv_bytes, int source) = 0;
  // A chunk source shared by all ranks for one search; every rank must call it together (only
  // rank 0's skip list and sink are used).
  virtual std::unique_ptr<ChunkSource> make_chunk_source(ChunkSourceConfig config) = 0;
  // This rank's host name.
  virtual std::string processor_name() const = 0;
};

class SerialComm final : public Comm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void barrier() override {}
  void broadcast(std::string&, int) override {}
  std::vector<std::string> gather(const std::string& bytes, int) override { return {bytes}; }
  std::int64_t allreduce_max(std::int64_t v) override { return v; }
  void allreduce_sum(double*, std::size_t) override {}
  void allreduce_sum(float*, std::size_t) override {}
  // To itself: a copy (dest and source must be 0, the sizes equal).
  void sendrecv(const void* send, std::size_t send_bytes, int dest, void* recv,
                std::size_t recv_bytes, int source) override;
  std::unique_ptr<ChunkSource> make_chunk_source(ChunkSourceConfig config) override {
    return std::make_unique<CounterChunkSource>(std::move(config));
  }
  std::string processor_name() const override;
};

// The process-wide MPI communicator (MPI_COMM_WORLD). Valid between MpiSession's lifetime.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);  // MPI_Init_thread with MPI_THREAD_SERIALIZED
  ~MpiSession();                        // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  Comm& world();
  static void abort(int status);  // MPI_Abort on every rank: for errors one rank cannot share

 private:
  std::unique_ptr<Comm> world_;
};

}  // namespace sethlab
