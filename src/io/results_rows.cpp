#include "io/results_rows.hpp"

#include <cstddef>

#include "io/compound.hpp"
#include "io/table_types.hpp"

namespace sethlab {

h5::Handle PointRow::h5_type() {
  h5::CompoundBuilder b(sizeof(PointRow));
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
  h5::CompoundBuilder b(sizeof(ChunkRow));
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
  h5::CompoundBuilder b(sizeof(InterruptionRow));
  SETHLAB_NUM(b, InterruptionRow, point);
  SETHLAB_NUM(b, InterruptionRow, seconds);
  SETHLAB_NUM(b, InterruptionRow, chunks);
  SETHLAB_NUM(b, InterruptionRow, candidates);
  SETHLAB_NUM(b, InterruptionRow, signal);
  return b.done();
}

namespace {
const TableRegistrar<PointRow> kPoints("points", 64, TableRole::kFinishedPoints);
const TableRegistrar<ChunkRow> kChunks("chunks", 1024, TableRole::kWorkRecord);
const TableRegistrar<InterruptionRow> kInterruptions("interruptions", 16, TableRole::kWorkRecord);
}  // namespace

ChunkRow to_chunk_row(std::uint64_t point, const ChunkRecord& c) {
  return {point,        c.chunk,     c.rank,  c.thread,  c.begin,  c.end,
          c.candidates, c.preimages, c.first, c.seconds, c.started};
}

ChunkRecord to_chunk_record(const ChunkRow& r) {
  return {r.chunk, r.begin, r.end,    r.candidates, r.preimages,
          r.first, r.rank,  r.thread, r.seconds,    r.started};
}

}  // namespace sethlab
