#pragma once
// Dynamic chunk dispatch over MPI. Rank 0 runs a dispatcher thread that answers chunk requests
// from the other ranks out of the same atomic counter its own workers draw from. A request
// carries "I found a preimage"; once the dispatcher knows, every reply is "stop". The dispatcher
// polls with MPI_Test and short sleeps: a blocking receive in Open MPI spins a core at 100%,
// which would steal a worker's core.
#include <mpi.h>

#include <memory>

#include "comm/chunk_source.hpp"

namespace sethlab {

std::unique_ptr<ChunkSource> make_mpi_chunk_source(MPI_Comm comm, std::uint64_t total_chunks);

}  // namespace sethlab
