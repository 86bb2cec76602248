#include "search/distributed_search.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "core/stop_signal.hpp"

namespace sethlab {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <class T>
void append_pod(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
T read_pod(const std::string& in, std::size_t& off) {
  if (off + sizeof(T) > in.size()) throw std::runtime_error("truncated search records");
  T v;
  std::memcpy(&v, in.data() + off, sizeof v);
  off += sizeof v;
  return v;
}

// Totals over a set of chunk records.
struct Tally {
  std::uint64_t candidates = 0, preimages = 0, chunks = 0;
  std::uint64_t smallest = kNoLatent, earliest = kNoLatent;
  double earliest_seconds = -1;

  void add(const ChunkRecord& r) {
    candidates += r.candidates;
    preimages += r.preimages;
    ++chunks;
    if (r.preimages == 0) return;
    smallest = std::min(smallest, r.first);
    const double t = r.started + r.seconds;
    if (earliest == kNoLatent || t < earliest_seconds) {
      earliest = r.first;
      earliest_seconds = t;
    }
  }
};

}  // namespace

SearchOutcome distributed_search(const InversionProblem& problem, const SearchOptions& options,
                                 Comm& comm) {
  const ChunkPlan plan(problem.net.latent_dim(), options.chunk_bits);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  // Fail before the search starts (on every rank) if the solver does not exist.
  (void)make_scanner(options.solver, problem);

  SearchOutcome out;
  out.num_chunks = plan.num_chunks();
  out.ranks = comm.size();
  out.threads = threads;

  // What earlier runs finished (rank 0). A point whose answer is already known is not searched.
  Tally prior;
  std::vector<bool> skip;
  // Rank 0 decides: 0 search, 1 the answer is already known, 2 the checkpoint is inconsistent.
  // Every rank learns the verdict before anyone throws, so nobody waits in a collective alone.
  int verdict = 0;
  std::string why;
  if (comm.is_root() && !options.prior.empty()) {
    skip.assign(plan.num_chunks(), false);
    for (const ChunkRecord& r : options.prior) {
      if (r.chunk >= plan.num_chunks() || r.begin != plan.range(r.chunk).begin ||
          r.end != plan.range(r.chunk).end) {
        verdict = 2;
        why = "checkpoint chunk " + std::to_string(r.chunk) + " does not match the chunk plan";
        break;
      }
      // A chunk cut short (a worker failed, or decide mode stopped it) is done only if it found a
      // preimage in decide mode; otherwise it is searched again.
      const bool whole = r.candidates == r.end - r.begin;
      if (!whole && !(options.mode == SearchMode::kDecide && r.preimages > 0)) continue;
      if (skip[r.chunk]) {
        verdict = 2;
        why = "checkpoint lists chunk " + std::to_string(r.chunk) + " twice";
        break;
      }
      skip[r.chunk] = true;
      prior.add(r);
    }
    if (verdict == 0 && (prior.chunks == plan.num_chunks() ||
                         (options.mode == SearchMode::kDecide && prior.preimages > 0)))
      verdict = 1;
  }
  verdict = static_cast<int>(comm.allreduce_max(verdict));
  if (verdict == 2)
    throw std::runtime_error(comm.is_root() ? why : "rank 0 rejected the checkpoint");
  const bool search = verdict == 0;

  // Records reach rank 0 from its own workers and from the dispatcher thread: one lock for all.
  std::mutex sink_mutex;
  std::vector<bool> delivered(comm.is_root() ? plan.num_chunks() : 0, false);
  // A failing sink (say, the disk is full) must not take down the dispatcher thread: the first
  // error is kept and rethrown on rank 0 once the search has ended cleanly on every rank.
  // Only rank 0 knows how long earlier attempts took: it shifts `started` as records arrive.
  auto shifted = [&](ChunkRecord r) {
    r.started += options.prior_seconds;
    return r;
  };
  std::exception_ptr sink_failure;
  auto sink = [&](const ChunkRecord& r) {
    std::lock_guard<std::mutex> lock(sink_mutex);
    delivered[r.chunk] = true;
    if (!options.on_chunk || sink_failure) return;
    try {
      options.on_chunk(shifted(r));
    } catch (...) {
      sink_failure = std::current_exception();
    }
  };

  const auto t0 = Clock::now();
  std::vector<std::vector<ChunkRecord>> per_thread(static_cast<std::size_t>(threads));
  if (search) {
    ChunkSourceConfig config;
    config.total = plan.num_chunks();
    config.skip = std::move(skip);
    if (comm.is_root()) config.sink = sink;
    std::unique_ptr<ChunkSource> source = comm.make_chunk_source(std::move(config));
    std::exception_ptr failure;

#pragma omp parallel num_threads(threads)
    {
      const int tid = omp_get_thread_num();
      try {
        auto scanner = make_scanner(options.solver, problem);
        auto& records = per_thread[static_cast<std::size_t>(tid)];
        const ChunkRecord* finished = nullptr;
        while (auto id = source->next(finished)) {
          const ChunkRange range = plan.range(*id);
          const double started = since(t0);
          const ScanResult r = scanner->scan(range, options.mode, source->stop_flag());
          const double ended = since(t0);
          records.push_back({*id, range.begin, range.end, r.candidates, r.preimages, r.first,
                             static_cast<std::uint32_t>(comm.rank()),
                             static_cast<std::uint32_t>(tid), ended - started, started});
          finished = &records.back();
          if (r.preimages > 0 && options.mode == SearchMode::kDecide) source->report_found();
        }
      } catch (...) {
#pragma omp critical(sethlab_search_failure)
        if (!failure) failure = std::current_exception();
        source->report_found();  // stop the others; the error is rethrown below
      }
    }
    source->finish();
    // A failure on one rank fails the search on every rank, so no rank waits alone below.
    if (comm.allreduce_max(failure ? 1 : 0) != 0) {
      if (failure) std::rethrow_exception(failure);
      throw std::runtime_error("the search failed on another rank");
    }
  }

  // Every record goes to rank 0; the ones the sink has not seen yet (finished after a rank's
  // last request) are delivered now.
  std::string payload;
  for (const auto& recs : per_thread)
    for (const auto& rec : recs) append_pod(payload, rec);
  out.signal = static_cast<int>(comm.allreduce_max(stop_signal()));
  out.seconds = options.prior_seconds + since(t0);
  const std::vector<std::string> parts = comm.gather(payload);
  if (!comm.is_root()) return out;

  Tally total = prior;
  for (const std::string& part : parts) {
    std::size_t off = 0;
    while (off < part.size()) {
      const auto raw = read_pod<ChunkRecord>(part, off);
      if (!delivered[raw.chunk]) sink(raw);
      const ChunkRecord rec = shifted(raw);
      total.add(rec);
      out.chunks.push_back(rec);
    }
  }
  if (sink_failure) std::rethrow_exception(sink_failure);
  std::sort(out.chunks.begin(), out.chunks.end(),
            [](const ChunkRecord& a, const ChunkRecord& b) { return a.chunk < b.chunk; });
  out.candidates = total.candidates;
  out.preimages = total.preimages;
  out.chunks_done = total.chunks;
  out.found = total.preimages > 0;
  out.witness = options.mode == SearchMode::kCount ? total.smallest : total.earliest;
  out.first_seconds = total.earliest_seconds;
  // Unfinished and unanswered: only a stop signal ends a search that way.
  out.interrupted =
      total.chunks < plan.num_chunks() && !(options.mode == SearchMode::kDecide && out.found);
  return out;
}

}  // namespace sethlab
