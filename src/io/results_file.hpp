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
#include "io/table_types.hpp"

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
  // The family's tables (table_types.hpp), in addition to /interruptions, which every file has.
  std::vector<std::string> tables;
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
  // Creates a new file with /interruptions and provenance.tables; refuses an existing path unless
  // `force` (then it is replaced).
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

  // Buffers a row of table `table` (one of the file's tables, Row its registered row type).
  // `point_seconds`: for a finished-point row, how long the point took (drives the flush
  // policy). Work records (chunks) are streamed while a point runs and written at least every
  // policy.max_seconds, so a SIGKILL loses only recent ones (and a resume redoes only those).
  template <class Row>
  void add(const std::string& table, const Row& row, double point_seconds = 0) {
    add_raw(table, &row, sizeof(Row), point_seconds);
  }
  void add_raw(const std::string& table, const void* row, std::size_t row_size,
               double point_seconds = 0);
  void add_point(const PointRow& row, double seconds) { add("points", row, seconds); }
  void add_chunk(const ChunkRow& row) { add("chunks", row); }
  // Written at once: an interruption is the last thing a stopping run records.
  void add_interruption(const InterruptionRow& row);
  void flush();
  // Finished-point rows are waiting to be written.
  bool has_buffered_rows() const;
  // Final status: "complete", "interrupted" or "failed".
  void close(const std::string& status);
  const std::string& path() const { return path_; }

 private:
  ResultsWriter(const std::string& path, FlushPolicy policy);
  // A table and the rows waiting for it.
  struct Buffered {
    std::string name;
    const TableType* type = nullptr;
    std::unique_ptr<h5::AppendTable> table;
    std::vector<unsigned char> rows;
    std::size_t count() const { return rows.size() / type->row_size; }
  };
  // Opens every registered table the file has, in flush order: work records before finished
  // points, so a reader (or a resume) never sees a finished point without its work records.
  void open_tables_and_start_swmr();
  bool due(double point_seconds) const;

  std::string path_;
  FlushPolicy policy_;
  h5::Handle file_;
  std::vector<Buffered> tables_;
  std::chrono::steady_clock::time_point last_flush_;
  bool closed_ = false;
  FileLock lock_;  // held while this process writes the file
};

struct ResultsContents {
  std::map<std::string, std::string> attrs;  // every root attribute, numbers printed as text
  std::map<std::string, RawRows> tables;     // every registered table the file has
  // The inversion tables and /interruptions, typed (empty when the file lacks them).
  std::vector<PointRow> points;
  std::vector<ChunkRow> chunks;
  std::vector<InterruptionRow> interruptions;

  // Rows of table `name` (empty when the file lacks it).
  template <class Row>
  std::vector<Row> rows(const std::string& name) const {
    const auto it = tables.find(name);
    return it == tables.end() ? std::vector<Row>{} : it->second.template as<Row>();
  }
  // Points with a row in a finished-points table, and those whose check disagreed (agree = 0).
  std::vector<std::uint64_t> finished_points() const;
  std::vector<std::uint64_t> failed_points() const;
};

// Opens read-only (SWMR read first, so a running or killed run can be read); throws InputError
// naming the file if it is not a sethlab results file.
ResultsContents read_results(const std::string& path);

std::string utc_now_iso8601();

}  // namespace sethlab
