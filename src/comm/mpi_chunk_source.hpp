#pragma once
// Dynamic chunk dispatch over MPI. Rank 0 runs a dispatcher thread that answers chunk requests
// from the other ranks out of the same counter its own workers draw from. A request carries the
// record of the chunk the requesting thread just finished (streamed to the results file by the
// sink) and two flags: "I found a preimage" and "I was asked to stop (SIGTERM)". The reply is a
// chunk id or one of: no more chunks, stop now (found), interrupted (finish the chunks in hand).
// The dispatcher polls with MPI_Test and short sleeps: a blocking receive in Open MPI spins a
// core at 100%, which would steal a worker's core.
#include <mpi.h>

#include <memory>

#include "comm/chunk_source.hpp"

namespace sethlab {

std::unique_ptr<ChunkSource> make_mpi_chunk_source(MPI_Comm comm, ChunkSourceConfig config);

}  // namespace sethlab
