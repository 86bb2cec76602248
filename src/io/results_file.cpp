#include "io/results_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <thread>

#include "core/build_info.hpp"
#include "core/error.hpp"

namespace sethlab {

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

h5::Handle latest_format_fapl() {
  h5::Handle fapl(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
  // SWMR needs the latest file format.
  h5::check_status(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
                   "H5Pset_libver_bounds");
  return fapl;
}

// Opens for writing a file whose writer may have been killed. Two things then stop HDF5 1.10
// from opening it: the superblock still says "open for SWMR writing", and the end of allocated
// space (EOA) can lie past the physical end of the file (space reserved for rows that were never
// written). This does what `h5clear -s --increment=0` does, through the same file-access
// properties: clear the flags, skip the EOF check on open, then set EOA = max(EOA, EOF).
// Opens for writing; a reader that is opening the file at that moment (h5py, `sethlab inspect`)
// holds HDF5's file lock for an instant, so a lock conflict is retried for a few seconds.
h5::Handle open_rdwr(const std::string& path, hid_t fapl, const std::string& what) {
  for (int attempt = 0;; ++attempt) {
    h5::Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl));
    if (f.valid()) return f;
    try {
      h5::check(-1, what);
    } catch (const h5::H5Error& e) {
      if (attempt >= 50 || std::string(e.what()).find("unable to lock file") == std::string::npos)
        throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

h5::Handle open_for_update(const std::string& path) {
  h5::Handle fapl = latest_format_fapl();
  hbool_t yes = 1;
  h5::check_status(H5Pset(fapl.get(), "clear_status_flags", &yes), "clear SWMR status flags");
  h5::check_status(H5Pset(fapl.get(), "skip_eof_check", &yes), "skip the EOF check");
  h5::Handle f = open_rdwr(path, fapl.get(), "open " + path + " for update");
  h5::check_status(H5Fincrement_filesize(f.get(), 0), "repair the end of " + path);
  return f;
}

}  // namespace

// Used by reopen(): the writer counts as closed until its tables are open, so a failure while
// reopening (another process holds the file) never makes the destructor touch the file.
ResultsWriter::ResultsWriter(const std::string& path, FlushPolicy policy)
    : path_(path), policy_(policy), closed_(true) {}

ResultsWriter::ResultsWriter(const std::string& path, const Provenance& p, bool force,
                             FlushPolicy policy)
    : path_(path), policy_(policy) {
  h5::silence_errors();
  if (!force && access(path.c_str(), F_OK) == 0)
    throw_input_error(path, 0, "",
                      "output file exists; pass --force to replace it or --resume to continue it");
  if (const long pid = FileLock::holder(path); pid > 0)
    throw_input_error(path, 0, "",
                      "another sethlab process (pid " + std::to_string(pid) +
                          ") is writing this file; it is not replaced");
  h5::Handle fapl = latest_format_fapl();
  file_ = h5::Handle(
      H5Fcreate(path.c_str(), force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()),
      "create " + path);
  lock_ = FileLock(path);
  const hid_t f = file_.get();
  h5::write_attr(f, "schema", std::string("sethlab-results"));
  h5::write_attr(f, "schema_version", std::int64_t{kResultsSchemaVersion});
  h5::write_attr(f, "family", p.family);
  h5::write_attr(f, "sethlab_version", std::string(build_info_version()));
  h5::write_attr(f, "git_commit", std::string(build_info_commit()));
  h5::write_attr(f, "compiler", std::string(build_info_compiler()));
  h5::write_attr(f, "cxx_flags", std::string(build_info_flags()));
  h5::write_attr(f, "build_type", std::string(build_info_type()));
  h5::write_attr(f, "hosts", p.hosts);
  h5::write_attr(f, "mpi_size", std::int64_t{p.mpi_size});
  h5::write_attr(f, "threads_per_rank", std::int64_t{p.threads_per_rank});
  h5::write_attr(f, "cpu_model", p.cpu_model);
  h5::write_attr(f, "start_time", p.start_time);
  h5::write_attr(f, "end_time", std::string());
  h5::write_attr(f, "status", std::string("running"));
  h5::write_attr(f, "job_file", p.job_file);
  h5::write_attr(f, "job_text", p.job_text);
  h5::write_attr(f, "job_hash", p.job_hash);
  h5::write_attr_u64(f, "points_total", p.points_total);
  h5::write_attr(f, "array_task", p.array_task);
  h5::write_attr(f, "array_count", p.array_count);
  h5::write_attr(f, "resumes", std::string());
  std::vector<std::string> names = p.tables;
  names.push_back("interruptions");
  for (const auto& name : names) {
    if (H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0) continue;  // named twice
    const TableType& type = table_type(name);
    h5::Handle t = type.h5_type();
    h5::AppendTable(f, name, t.get(), type.chunk_rows);
  }
  if (!p.parts.empty()) {
    h5::Handle group(H5Gcreate2(f, "parts", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     "create /parts");
    for (std::size_t i = 0; i < p.parts.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "part-%03zu", i);
      h5::Handle g(H5Gcreate2(group.get(), name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   "create part group");
      for (const auto& [key, value] : p.parts[i]) h5::write_attr(g.get(), key, value);
    }
  }
  open_tables_and_start_swmr();
}

std::unique_ptr<ResultsWriter> ResultsWriter::reopen(const std::string& path,
                                                     const Provenance& current,
                                                     ResultsContents& existing,
                                                     FlushPolicy policy) {
  existing = read_results(path);
  const auto& a = existing.attrs;
  if (a.at("family") != current.family)
    throw_input_error(path, 0, "family",
                      "the file holds family " + a.at("family") + ", the job is " + current.family);
  if (a.at("job_hash") != current.job_hash)
    throw_input_error(path, 0, "job_hash",
                      "the file was written by a different job (hash " + a.at("job_hash") +
                          ", this job " + current.job_hash +
                          "); resume with the job file it was started with");
  if (a.at("array_task") != std::to_string(current.array_task) ||
      a.at("array_count") != std::to_string(current.array_count))
    throw_input_error(path, 0, "array_task",
                      "the file holds array slice " + a.at("array_task") + " of " +
                          a.at("array_count") + ", this run is slice " +
                          std::to_string(current.array_task) + " of " +
                          std::to_string(current.array_count));
  std::unique_ptr<ResultsWriter> w(new ResultsWriter(path, policy));
  w->lock_ = FileLock(path);  // after reading the file: see io/file_lock.hpp
  w->file_ = open_for_update(path);
  const hid_t f = w->file_.get();
  // The original provenance stays; each resume is logged (time, ranks, threads, hosts).
  std::string log = a.at("resumes");
  log += (log.empty() ? "" : "\n") + utc_now_iso8601() +
         " ranks=" + std::to_string(current.mpi_size) +
         " threads=" + std::to_string(current.threads_per_rank) + " hosts=" + current.hosts;
  h5::write_attr(f, "resumes", log);
  h5::write_attr(f, "status", std::string("running"));
  h5::write_attr(f, "end_time", std::string());
  w->open_tables_and_start_swmr();
  return w;
}

void ResultsWriter::open_tables_and_start_swmr() {
  const hid_t f = file_.get();
  tables_.clear();
  for (const auto& name : TableTypeRegistry::instance().names()) {
    if (H5Lexists(f, name.c_str(), H5P_DEFAULT) <= 0) continue;
    Buffered b;
    b.name = name;
    b.type = &table_type(name);
    b.table = std::make_unique<h5::AppendTable>(f, name);
    tables_.push_back(std::move(b));
  }
  std::stable_sort(tables_.begin(), tables_.end(), [](const Buffered& a, const Buffered& b) {
    return a.type->role == TableRole::kWorkRecord && b.type->role != TableRole::kWorkRecord;
  });
  // Every object exists now; from here on only rows are appended (the SWMR rule).
  h5::check_status(H5Fstart_swmr_write(f), "start SWMR writing on " + path_);
  last_flush_ = std::chrono::steady_clock::now();
  closed_ = false;
}

ResultsWriter::~ResultsWriter() {
  if (!closed_) {
    try {
      close("failed");
    } catch (...) {
      // Destructors never throw; the file stays readable with SWMR read.
    }
  }
}

bool ResultsWriter::has_buffered_rows() const {
  for (const auto& t : tables_)
    if (t.type->role == TableRole::kFinishedPoints && !t.rows.empty()) return true;
  return false;
}

bool ResultsWriter::due(double point_seconds) const {
  bool any = false;
  for (const auto& t : tables_) {
    if (t.rows.empty()) continue;
    any = true;
    const bool points = t.type->role == TableRole::kFinishedPoints;
    if (t.count() >= (points ? policy_.max_rows : 64 * policy_.max_rows)) return true;
    if (points && point_seconds >= policy_.slow_point_seconds) return true;
  }
  return any &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - last_flush_).count() >=
             policy_.max_seconds;
}

void ResultsWriter::add_raw(const std::string& table, const void* row, std::size_t row_size,
                            double point_seconds) {
  Buffered* b = nullptr;
  for (auto& t : tables_)
    if (t.name == table) b = &t;
  if (b == nullptr) throw std::logic_error(path_ + " has no table " + table);
  if (row_size != b->type->row_size)
    throw std::logic_error("a row of the wrong type for table " + table);
  const auto* bytes = static_cast<const unsigned char*>(row);
  b->rows.insert(b->rows.end(), bytes, bytes + row_size);
  if (due(point_seconds)) flush();
}

void ResultsWriter::add_interruption(const InterruptionRow& row) {
  add("interruptions", row);
  flush();
}

void ResultsWriter::flush() {
  // In table order: work records first (see open_tables_and_start_swmr). Each buffer is emptied
  // as soon as it is written, so a failure halfway (disk full) never writes the same rows twice
  // when the file is closed afterwards.
  for (auto& t : tables_) {
    if (t.rows.empty()) continue;
    h5::Handle type = t.type->h5_type();
    t.table->append(type.get(), t.rows.data(), t.count());
    t.rows.clear();
  }
  h5::check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + path_);
  last_flush_ = std::chrono::steady_clock::now();
}

void ResultsWriter::close(const std::string& status) {
  if (closed_) return;
  closed_ = true;
  flush();
  tables_.clear();
  file_.reset();
  // Attributes cannot change under SWMR; reopen normally to record how the run ended. This also
  // clears the SWMR status flags, so any HDF5 tool opens the finished file.
  h5::Handle fapl = latest_format_fapl();
  h5::Handle f = open_rdwr(path_, fapl.get(), "reopen " + path_);
  h5::write_attr(f.get(), "status", status);
  h5::write_attr(f.get(), "end_time", utc_now_iso8601());
}

ResultsContents read_results(const std::string& path) {
  h5::silence_errors();
  if (access(path.c_str(), R_OK) != 0) throw_input_error(path, 0, "", "cannot read the file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw_input_error(path, 0, "", "not an HDF5 file");
  // SWMR read first (a running or killed run); plain read for files in the older format. A writer
  // updating its attributes holds the file lock for an instant: retry that for a few seconds.
  h5::Handle f;
  for (int attempt = 0; !f.valid(); ++attempt) {
    f = h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT));
    if (f.valid()) break;
    H5Eclear2(H5E_DEFAULT);
    f = h5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (f.valid()) break;
    try {
      h5::check(-1, "open " + path);
    } catch (const h5::H5Error& e) {
      if (attempt >= 50 || std::string(e.what()).find("unable to lock file") == std::string::npos)
        throw_input_error(path, 0, "", e.what());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!h5::has_attr(f.get(), "schema") ||
      h5::read_attr_string(f.get(), "schema") != "sethlab-results")
    throw_input_error(path, 0, "schema", "not a sethlab results file");
  const auto version = h5::read_attr_int(f.get(), "schema_version");
  if (version != kResultsSchemaVersion)
    throw_input_error(path, 0, "schema_version",
                      "version " + std::to_string(version) +
                          " is not supported (this build reads " +
                          std::to_string(kResultsSchemaVersion) + ")");
  ResultsContents out;
  for (const char* name : {"family", "sethlab_version", "git_commit", "compiler", "cxx_flags",
                           "build_type", "hosts", "cpu_model", "start_time", "end_time", "status",
                           "job_file", "job_text", "job_hash", "resumes"})
    out.attrs[name] = h5::read_attr_string(f.get(), name);
  for (const char* name :
       {"mpi_size", "threads_per_rank", "points_total", "array_task", "array_count"})
    out.attrs[name] = std::to_string(h5::read_attr_int(f.get(), name));
  for (const auto& name : TableTypeRegistry::instance().names()) {
    if (H5Lexists(f.get(), name.c_str(), H5P_DEFAULT) <= 0) continue;
    const TableType& type = table_type(name);
    const h5::AppendTable table(f.get(), name);
    RawRows raw;
    raw.name = name;
    raw.type = &type;
    raw.bytes.resize(table.size() * type.row_size);
    h5::Handle t = type.h5_type();
    if (!raw.bytes.empty()) table.read_all(t.get(), raw.bytes.data());
    out.tables.emplace(name, std::move(raw));
  }
  out.points = out.rows<PointRow>("points");
  out.chunks = out.rows<ChunkRow>("chunks");
  out.interruptions = out.rows<InterruptionRow>("interruptions");
  return out;
}

std::vector<std::uint64_t> ResultsContents::finished_points() const {
  std::vector<std::uint64_t> out;
  for (const auto& [name, raw] : tables)
    if (raw.type->role == TableRole::kFinishedPoints)
      for (std::size_t i = 0; i < raw.size(); ++i) out.push_back(raw.point(i));
  return out;
}

std::vector<std::uint64_t> ResultsContents::failed_points() const {
  std::vector<std::uint64_t> out;
  for (const auto& [name, raw] : tables)
    if (raw.type->role == TableRole::kFinishedPoints)
      for (std::size_t i = 0; i < raw.size(); ++i)
        if (raw.agree(i) == 0) out.push_back(raw.point(i));
  return out;
}

}  // namespace sethlab
