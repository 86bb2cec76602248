#pragma once
// The results file (docs/results-format.md): created by rank 0 at the start of a run with the
// provenance as attributes, then switched to SWMR so readers see rows while the run goes on and
// after a crash. Rows are buffered and written in batches; close() records the final status.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/file_lock.hpp"
#include "io/h5.hpp"
#include "io/results_rows.hpp"
#include "io/table.hpp"

namespace sethlab {

inline constexpr int kResultsSchemaVersion = 1;

struct Provenance {
  std::string family;
  std::string job_file;
  std::string job_text;
  std::string job_hash;
  std::string hosts;
  int mpi_size = 1;
  int threads_per_rank = 1;
  std::string cpu_model;
  std::string start_time;
  std::uint64_t points_total = 0;
  std::int64_t array_task = -1;  // which slice of the points this file holds (-1: all)
  std::int64_t array_count = 0;
  // Merged files: the attributes of every part, written as groups /parts/part-NNN.
  std::vector<std::map<std::string, std::string>> parts;
};

// Rows of quick points are batched (one row at a time is ~100x slower in HDF5); a point that took
// a while is written at once, so a reader never waits long for a finished point.
struct FlushPolicy {
  std::size_t max_rows = 64;         // buffered point rows before a write
  double max_seconds = 1.0;          // time since the last write before a write
  double slow_point_seconds = 0.05;  // a point at least this long is written at once
};

struct ResultsContents;

class ResultsWriter {
 public:
  // Creates a new file; refuses an existing path unless `force` (then it is replaced).
  ResultsWriter(const std::string& path, const Provenance& provenance, bool force,
                FlushPolicy policy = {});
  // Continues an existing file written by the same job (same job hash and array slice, else an
  // InputError). `existing` receives what the file already holds. Works on files left by a
  // SIGKILL (their SWMR status flags are cleared first).
  static std::unique_ptr<ResultsWriter> reopen(const std::string& path, const Provenance& current,
                                               ResultsContents& existing, FlushPolicy policy = {});
  ~ResultsWriter();  // closes as "failed" if close() was not called
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // `seconds`: how long the point took (drives the flush policy).
  void add_point(const PointRow& row, double seconds);
  // Chunks are streamed while a point runs and written at least every policy.max_seconds, so a
  // SIGKILL loses only recent chunks (and a resume redoes only those).
  void add_chunk(const ChunkRow& row);
  void add_interruption(const InterruptionRow& row);
  void flush();
  bool has_buffered_rows() const { return !point_buffer_.empty(); }
  // Final status: "complete", "interrupted" or "failed".
  void close(const std::string& status);
  const std::string& path() const { return path_; }

 private:
  ResultsWriter(const std::string& path, FlushPolicy policy);
  void open_tables_and_start_swmr();
  bool due(double point_seconds) const;

  std::string path_;
  FlushPolicy policy_;
  h5::Handle file_;
  std::unique_ptr<h5::AppendTable> points_;
  std::unique_ptr<h5::AppendTable> chunks_;
  std::unique_ptr<h5::AppendTable> interruptions_;
  std::vector<PointRow> point_buffer_;
  std::vector<ChunkRow> chunk_buffer_;
  std::vector<InterruptionRow> interruption_buffer_;
  std::chrono::steady_clock::time_point last_flush_;
  bool closed_ = false;
  FileLock lock_;  // held while this process writes the file
};

struct ResultsContents {
  std::map<std::string, std::string> attrs;  // every root attribute, numbers printed as text
  std::vector<PointRow> points;
  std::vector<ChunkRow> chunks;
  std::vector<InterruptionRow> interruptions;
};

// Opens read-only (SWMR read first, so a running or killed run can be read); throws InputError
// naming the file if it is not a sethlab results file.
ResultsContents read_results(const std::string& path);

std::string utc_now_iso8601();

}  // namespace sethlab
