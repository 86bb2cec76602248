#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "comm/mpi_chunk_source.hpp"

namespace sethlab {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

class MpiComm final : public Comm {
 public:
  explicit MpiComm(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void barrier() override { check(MPI_Barrier(comm_), "Barrier"); }

  void broadcast(std::string& bytes, int root) override {
    std::uint64_t n = bytes.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm_), "Bcast");
    bytes.resize(n);
    // Large payloads go in pieces: MPI counts are int.
    constexpr std::uint64_t kPiece = 1U << 30;
    for (std::uint64_t off = 0; off < n; off += kPiece) {
      const auto len = static_cast<int>(std::min(kPiece, n - off));
      check(MPI_Bcast(bytes.data() + off, len, MPI_CHAR, root, comm_), "Bcast");
    }
  }

  std::vector<std::string> gather(const std::string& bytes, int root) override {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX))
      throw std::runtime_error("gather payload over 2 GiB");
    const int len = static_cast<int>(bytes.size());
    std::vector<int> lens(rank_ == root ? static_cast<std::size_t>(size_) : 0);
    check(MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, root, comm_), "Gather");
    std::vector<int> offsets(lens.size());
    std::string all;
    if (rank_ == root) {
      long total = 0;
      for (std::size_t i = 0; i < lens.size(); ++i) {
        offsets[i] = static_cast<int>(total);
        total += lens[i];
      }
      if (total > INT32_MAX) throw std::runtime_error("gathered payload over 2 GiB");
      all.resize(static_cast<std::size_t>(total));
    }
    check(MPI_Gatherv(bytes.data(), len, MPI_CHAR, all.data(), lens.data(), offsets.data(),
                      MPI_CHAR, root, comm_),
          "Gatherv");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < lens.size(); ++i)
      out.push_back(
          all.substr(static_cast<std::size_t>(offsets[i]), static_cast<std::size_t>(lens[i])));
    return out;
  }

  std::int64_t allreduce_max(std::int64_t v) override {
    std::int64_t out = 0;
    check(MPI_Allreduce(&v, &out, 1, MPI_INT64_T, MPI_MAX, comm_), "Allreduce");
    return out;
  }

  void allreduce_sum(double* data, std::size_t count) override {
    allreduce_sum_pieces(data, count, MPI_DOUBLE);
  }
  void allreduce_sum(float* data, std::size_t count) override {
    allreduce_sum_pieces(data, count, MPI_FLOAT);
  }

  void sendrecv(const void* send, std::size_t send_bytes, int dest, void* recv,
                std::size_t recv_bytes, int source) override {
    // In pieces of at most kMaxCount bytes (MPI counts are int), each direction on its own: the
    // sender cuts its bytes exactly as the receiver does, since recv_bytes equals what the source
    // sends, and no empty message is ever left over for a later call to match.
    std::vector<MPI_Request> requests;
    auto* in = static_cast<char*>(recv);
    for (std::size_t off = 0; off < recv_bytes; off += kMaxCount) {
      requests.emplace_back();
      check(MPI_Irecv(in + off, static_cast<int>(std::min(kMaxCount, recv_bytes - off)), MPI_BYTE,
                      source, kSendrecvTag, comm_, &requests.back()),
            "Irecv");
    }
    const auto* out = static_cast<const char*>(send);
    for (std::size_t off = 0; off < send_bytes; off += kMaxCount) {
      requests.emplace_back();
      check(MPI_Isend(out + off, static_cast<int>(std::min(kMaxCount, send_bytes - off)), MPI_BYTE,
                      dest, kSendrecvTag, comm_, &requests.back()),
            "Isend");
    }
    check(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE),
          "Waitall");
  }

  std::unique_ptr<ChunkSource> make_chunk_source(ChunkSourceConfig config) override {
    barrier();  // every rank enters the protocol together
    return make_mpi_chunk_source(comm_, std::move(config));
  }

  std::string processor_name() const override {
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(name, &len);
    return std::string(name, static_cast<std::size_t>(len));
  }

 private:
  static constexpr std::size_t kMaxCount = std::size_t{1} << 30;
  static constexpr int kSendrecvTag = 7301;  // apart from the chunk dispatcher's tags

  template <class T>
  void allreduce_sum_pieces(T* data, std::size_t count, MPI_Datatype type) {
    for (std::size_t off = 0; off < count; off += kMaxCount) {
      const auto len = static_cast<int>(std::min(kMaxCount, count - off));
      check(MPI_Allreduce(MPI_IN_PLACE, data + off, len, type, MPI_SUM, comm_), "Allreduce");
    }
  }

  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided), "Init_thread");
  if (provided < MPI_THREAD_SERIALIZED)
    throw std::runtime_error("this MPI library does not provide MPI_THREAD_SERIALIZED");
  world_ = std::make_unique<MpiComm>(MPI_COMM_WORLD);
}

MpiSession::~MpiSession() {
  world_.reset();
  MPI_Finalize();
}

Comm& MpiSession::world() {
  return *world_;
}

void MpiSession::abort(int status) {
  MPI_Abort(MPI_COMM_WORLD, status);
}

}  // namespace sethlab
