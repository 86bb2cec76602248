#include "io/results_rows.hpp"

#include <cstddef>

namespace sethlab {
namespace {

// Inserts a member, choosing the HDF5 type from the C++ member type.
template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else
    static_assert(sizeof(T) == 0, "no HDF5 type for this member");
}

class CompoundBuilder {
 public:
  explicit CompoundBuilder(std::size_t size) : type_(H5Tcreate(H5T_COMPOUND, size), "H5Tcreate") {}
  template <class T>
  void num(const char* name, std::size_t offset) {
    h5::check_status(H5Tinsert(type_.get(), name, offset, native_type<T>()), name);
  }
  void str(const char* name, std::size_t offset, std::size_t size) {
    h5::Handle s = h5::fixed_string_type(size);
    h5::check_status(H5Tinsert(type_.get(), name, offset, s.get()), name);
  }
  h5::Handle done() { return std::move(type_); }

 private:
  h5::Handle type_;
};

}  // namespace

#define SETHLAB_NUM(b, Row, f) b.num<decltype(Row::f)>(#f, offsetof(Row, f))
#define SETHLAB_STR(b, Row, f) b.str(#f, offsetof(Row, f), sizeof(Row::f))

h5::Handle PointRow::h5_type() {
  CompoundBuilder b(sizeof(PointRow));
  SETHLAB_NUM(b, PointRow, point);
  SETHLAB_NUM(b, PointRow, repeat);
  SETHLAB_NUM(b, PointRow, seed);
  SETHLAB_STR(b, PointRow, source);
  SETHLAB_STR(b, PointRow, instance);
  SETHLAB_STR(b, PointRow, instance_hash);
  SETHLAB_NUM(b, PointRow, n);
  SETHLAB_NUM(b, PointRow, k);
  SETHLAB_NUM(b, PointRow, m);
  SETHLAB_NUM(b, PointRow, clause_ratio);
  SETHLAB_STR(b, PointRow, reduction);
  SETHLAB_NUM(b, PointRow, net_width);
  SETHLAB_NUM(b, PointRow, net_nnz);
  SETHLAB_STR(b, PointRow, mode);
  SETHLAB_STR(b, PointRow, solver);
  SETHLAB_NUM(b, PointRow, found);
  SETHLAB_STR(b, PointRow, witness);
  SETHLAB_NUM(b, PointRow, preimages);
  SETHLAB_NUM(b, PointRow, candidates);
  SETHLAB_NUM(b, PointRow, chunks);
  SETHLAB_NUM(b, PointRow, t_build);
  SETHLAB_NUM(b, PointRow, t_reduce);
  SETHLAB_NUM(b, PointRow, t_search);
  SETHLAB_NUM(b, PointRow, t_check);
  SETHLAB_NUM(b, PointRow, t_first);
  SETHLAB_NUM(b, PointRow, candidates_per_second);
  SETHLAB_STR(b, PointRow, check_solver);
  SETHLAB_NUM(b, PointRow, check_sat);
  SETHLAB_NUM(b, PointRow, agree);
  SETHLAB_NUM(b, PointRow, planted);
  SETHLAB_STR(b, PointRow, hidden);
  SETHLAB_NUM(b, PointRow, ranks);
  SETHLAB_NUM(b, PointRow, threads);
  return b.done();
}

h5::Handle ChunkRow::h5_type() {
  CompoundBuilder b(sizeof(ChunkRow));
  SETHLAB_NUM(b, ChunkRow, point);
  SETHLAB_NUM(b, ChunkRow, chunk);
  SETHLAB_NUM(b, ChunkRow, rank);
  SETHLAB_NUM(b, ChunkRow, thread);
  SETHLAB_NUM(b, ChunkRow, begin);
  SETHLAB_NUM(b, ChunkRow, end);
  SETHLAB_NUM(b, ChunkRow, candidates);
  SETHLAB_NUM(b, ChunkRow, preimages);
  SETHLAB_NUM(b, ChunkRow, first);
  SETHLAB_NUM(b, ChunkRow, seconds);
  SETHLAB_NUM(b, ChunkRow, started);
  return b.done();
}

h5::Handle InterruptionRow::h5_type() {
  CompoundBuilder b(sizeof(InterruptionRow));
  SETHLAB_NUM(b, InterruptionRow, point);
  SETHLAB_NUM(b, InterruptionRow, seconds);
  SETHLAB_NUM(b, InterruptionRow, chunks);
  SETHLAB_NUM(b, InterruptionRow, candidates);
  SETHLAB_NUM(b, InterruptionRow, signal);
  return b.done();
}

#undef SETHLAB_NUM
#undef SETHLAB_STR

ChunkRow to_chunk_row(std::uint64_t point, const ChunkRecord& c) {
  return {point,        c.chunk,     c.rank,  c.thread,  c.begin,  c.end,
          c.candidates, c.preimages, c.first, c.seconds, c.started};
}

ChunkRecord to_chunk_record(const ChunkRow& r) {
  return {r.chunk, r.begin, r.end,    r.candidates, r.preimages,
          r.first, r.rank,  r.thread, r.seconds,    r.started};
}

}  // namespace sethlab
