#include "search/distributed_search.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace sethlab {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// What one rank sends to the root after its workers are done.
struct RankSummary {
  std::uint64_t candidates = 0;
  std::uint64_t preimages = 0;
  std::uint64_t smallest = kNoLatent;
  std::uint64_t earliest = kNoLatent;
  double earliest_seconds = -1;
};
static_assert(std::is_trivially_copyable_v<RankSummary>);
static_assert(std::is_trivially_copyable_v<ChunkRecord>);

template <class T>
void append_pod(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
T read_pod(const std::string& in, std::size_t& off) {
  if (off + sizeof(T) > in.size()) throw std::runtime_error("truncated search summary");
  T v;
  std::memcpy(&v, in.data() + off, sizeof v);
  off += sizeof v;
  return v;
}

}  // namespace

SearchOutcome distributed_search(const InversionProblem& problem, const SearchOptions& options,
                                 Comm& comm) {
  const ChunkPlan plan(problem.net.latent_dim(), options.chunk_bits);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  // Fail before the search starts (on every rank) if the solver does not exist.
  (void)make_scanner(options.solver, problem);

  std::unique_ptr<ChunkSource> source = comm.make_chunk_source(plan.num_chunks());
  const auto t0 = Clock::now();

  std::vector<std::vector<ChunkRecord>> per_thread(static_cast<std::size_t>(threads));
  std::vector<RankSummary> thread_summary(static_cast<std::size_t>(threads));
  std::exception_ptr failure;

#pragma omp parallel num_threads(threads)
  {
    const int tid = omp_get_thread_num();
    try {
      auto scanner = make_scanner(options.solver, problem);
      auto& records = per_thread[static_cast<std::size_t>(tid)];
      auto& sum = thread_summary[static_cast<std::size_t>(tid)];
      while (auto id = source->next()) {
        const ChunkRange range = plan.range(*id);
        const double started = since(t0);
        const ScanResult r = scanner->scan(range, options.mode, source->stop_flag());
        const double ended = since(t0);
        records.push_back({*id, range.begin, range.end, r.candidates, r.preimages,
                           static_cast<std::uint32_t>(comm.rank()), static_cast<std::uint32_t>(tid),
                           ended - started, started});
        sum.candidates += r.candidates;
        sum.preimages += r.preimages;
        if (r.preimages > 0) {
          sum.smallest = std::min(sum.smallest, r.first);
          if (sum.earliest == kNoLatent) {
            sum.earliest = r.first;
            sum.earliest_seconds = ended;
          }
          if (options.mode == SearchMode::kDecide) source->report_found();
        }
      }
    } catch (...) {
#pragma omp critical(sethlab_search_failure)
      if (!failure) failure = std::current_exception();
      source->report_found();  // stop the others; the error is rethrown below
    }
  }
  source->finish();
  if (failure) std::rethrow_exception(failure);

  RankSummary mine;
  std::string payload;
  for (const auto& s : thread_summary) {
    mine.candidates += s.candidates;
    mine.preimages += s.preimages;
    mine.smallest = std::min(mine.smallest, s.smallest);
    if (s.earliest != kNoLatent && (mine.earliest == kNoLatent || s.earliest_seconds < mine.earliest_seconds)) {
      mine.earliest = s.earliest;
      mine.earliest_seconds = s.earliest_seconds;
    }
  }
  append_pod(payload, mine);
  for (const auto& recs : per_thread)
    for (const auto& rec : recs) append_pod(payload, rec);

  comm.barrier();
  SearchOutcome out;
  out.seconds = since(t0);
  out.num_chunks = plan.num_chunks();
  out.ranks = comm.size();
  out.threads = threads;
  const std::vector<std::string> parts = comm.gather(payload);
  RankSummary total;
  for (const std::string& part : parts) {
    std::size_t off = 0;
    const auto s = read_pod<RankSummary>(part, off);
    total.candidates += s.candidates;
    total.preimages += s.preimages;
    total.smallest = std::min(total.smallest, s.smallest);
    if (s.earliest != kNoLatent && (total.earliest == kNoLatent || s.earliest_seconds < total.earliest_seconds)) {
      total.earliest = s.earliest;
      total.earliest_seconds = s.earliest_seconds;
    }
    while (off < part.size()) out.chunks.push_back(read_pod<ChunkRecord>(part, off));
  }
  std::sort(out.chunks.begin(), out.chunks.end(),
            [](const ChunkRecord& a, const ChunkRecord& b) { return a.chunk < b.chunk; });
  out.candidates = total.candidates;
  out.preimages = total.preimages;
  out.found = total.preimages > 0;
  out.witness = options.mode == SearchMode::kCount ? total.smallest : total.earliest;
  out.first_seconds = total.earliest_seconds;
  return out;
}

}  // namespace sethlab
