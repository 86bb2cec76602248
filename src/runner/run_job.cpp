#include "runner/run_job.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/stop_signal.hpp"
#include "io/results_file.hpp"
#include "runner/family.hpp"
#include "runner/inspect.hpp"
#include "runner/progress.hpp"
#include "runner/provenance.hpp"
#include "runner/sweep.hpp"

namespace sethlab {
namespace {

// Rank 0 decides, everyone learns the status and message.
int share_status(Comm& comm, int status, std::string& message) {
  std::string payload = std::to_string(status) + "\n" + message;
  comm.broadcast(payload);
  const auto nl = payload.find('\n');
  message = payload.substr(nl + 1);
  return std::stoi(payload.substr(0, nl));
}

// What a results file already holds, as the runner needs it: finished points, and for unfinished
// ones the chunks and time of their interrupted attempts.
struct ResumeState {
  std::set<std::uint64_t> finished;
  std::map<std::uint64_t, PointCheckpoint> checkpoints;
};

// The time of earlier attempts at a point: the interrupted attempts' recorded wall time, or, if
// an attempt was killed (no record), at least the end of the latest chunk it wrote.
ResumeState resume_state(const ResultsContents& existing) {
  ResumeState s;
  for (const std::uint64_t p : existing.finished_points()) s.finished.insert(p);
  for (const auto& c : existing.chunks) {
    if (s.finished.count(c.point)) continue;
    PointCheckpoint& cp = s.checkpoints[c.point];
    cp.chunks.push_back(to_chunk_record(c));
    cp.seconds = std::max(cp.seconds, c.started + c.seconds);
  }
  std::map<std::uint64_t, double> interrupted;
  for (const auto& i : existing.interruptions)
    if (!s.finished.count(i.point)) interrupted[i.point] += i.seconds;
  for (const auto& [point, seconds] : interrupted)
    s.checkpoints[point].seconds = std::max(s.checkpoints[point].seconds, seconds);
  return s;
}

}  // namespace

int run_job(const RunOptions& options, Comm& comm) {
  install_stop_handlers();
  const bool array = options.array_count > 0;
  // 1. Validate everything on rank 0 before any rank does work or any file is written.
  std::string message;
  int status = exit_status::kOk;
  JobSpec spec;
  bool resume = false;
  if (comm.is_root()) {
    try {
      if (array && (options.array_task < 0 || options.array_task >= options.array_count))
        throw InputError("--array-task must be in 0.." + std::to_string(options.array_count - 1));
      spec = load_job(options.job_path);
      const bool exists = access(options.output.c_str(), F_OK) == 0;
      resume = options.mode == OutputMode::kResume ||
               (options.mode == OutputMode::kResumeOrStart && exists);
      if (resume && !exists)
        throw_input_error(options.output, 0, "", "nothing to resume: the file does not exist");
      if (!resume && exists && !options.force)
        throw_input_error(
            options.output, 0, "",
            "output file exists; pass --force to replace it or --resume to continue it");
    } catch (const InputError& e) {
      status = exit_status::kBadInput;
      message = e.what();
    }
  }
  status = share_status(comm, status, message);
  if (status != exit_status::kOk) {
    if (comm.is_root()) std::cerr << "sethlab: " << message << "\n";
    return status;
  }
  std::string text = spec.text;
  comm.broadcast(text);
  if (!comm.is_root()) spec = parse_job(text, options.job_path, /*check_files=*/false);

  const std::unique_ptr<Family> family = make_family(spec.family);
  const std::vector<Point> all_points = expand_points(spec);
  const std::vector<std::string> swept = swept_keys(spec);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();

  // 2. The results file, new or reopened, with provenance from every rank.
  Provenance prov;
  prov.family = spec.family;
  prov.job_file = options.job_path;
  prov.job_text = spec.text;
  prov.job_hash = spec.hash;
  prov.hosts = gather_hosts(comm);
  prov.mpi_size = comm.size();
  prov.threads_per_rank = threads;
  prov.cpu_model = cpu_model();
  prov.start_time = utc_now_iso8601();
  prov.points_total = all_points.size();
  prov.array_task = array ? options.array_task : -1;
  prov.array_count = array ? options.array_count : 0;
  prov.tables = family->tables();
  std::unique_ptr<ResultsWriter> writer;
  ResumeState state;
  if (comm.is_root()) {
    try {
      if (resume) {
        // A run stopped by a failed cross-check is not continued as if nothing happened.
        for (const std::uint64_t p : read_results(options.output).failed_points())
          throw_input_error(options.output, 0, "agree",
                            "point " + std::to_string(p) +
                                " failed its cross-check; this file cannot be resumed");
        ResultsContents existing;
        writer = ResultsWriter::reopen(options.output, prov, existing);
        state = resume_state(existing);
      } else {
        writer = std::make_unique<ResultsWriter>(options.output, prov, options.force);
      }
    } catch (const std::exception& e) {
      status = exit_status::kBadInput;
      message =
          std::string(resume ? "cannot resume: " : "cannot create the results file: ") + e.what();
    }
  }
  status = share_status(comm, status, message);
  if (status != exit_status::kOk) {
    if (comm.is_root()) std::cerr << "sethlab: " << message << "\n";
    return status;
  }

  // 3. This run's points: its array slice (by index, so slicing never depends on how many tasks
  //    run at once), less those a previous run finished. Rank 0 decides and tells the others.
  std::string todo;
  if (comm.is_root())
    for (const Point& p : all_points)
      if ((!array || static_cast<int>(p.index % static_cast<std::uint64_t>(options.array_count)) ==
                         options.array_task) &&
          !state.finished.count(p.index))
        todo += std::to_string(p.index) + " ";
  comm.broadcast(todo);
  std::vector<const Point*> points;
  {
    std::istringstream in(todo);
    std::uint64_t i = 0;
    while (in >> i) points.push_back(&all_points.at(i));
  }
  if (comm.is_root() && resume)
    std::cerr << "sethlab: resuming " << options.output << ": " << state.finished.size()
              << " point(s) done, " << points.size() << " to go (" << state.checkpoints.size()
              << " with finished chunks)\n";

  // 4. The points, one after another, each shared by all ranks.
  std::vector<double> work;
  for (const Point* p : points) work.push_back(family->work_estimate(*p));
  Progress progress(comm.is_root() && (options.progress || isatty(STDERR_FILENO)), work);
  RunContext ctx{comm, writer.get(), threads, comm.is_root() ? &state.checkpoints : nullptr};
  double previous_work = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& point = *points[i];
    // A signal that arrived between points (on any rank) stops here, with nothing half done.
    if (comm.allreduce_max(stop_requested() ? 1 : 0) != 0) {
      status = exit_status::kInterrupted;
      break;
    }
    // Buffered rows of quick points become visible before a much bigger point starts.
    if (comm.is_root() && work[i] > 2 * previous_work && writer->has_buffered_rows())
      writer->flush();
    previous_work = work[i];
    PointSummary summary;
    try {
      summary = family->run_point(point, spec, ctx);
      if (summary.interrupted) status = exit_status::kInterrupted;
    } catch (const CheckFailure& e) {
      status = exit_status::kDisagree;
      message = std::string("cross-check FAILED: ") + e.what();
    } catch (const std::exception& e) {
      status = exit_status::kFailure;
      message = "point " + std::to_string(point.index) + " failed: " + e.what();
    }
    // Failures and interruptions are known on rank 0 after the collective part of a point.
    status = share_status(comm, status, message);
    if (status != exit_status::kOk) break;
    if (comm.is_root())
      progress.point_done(i, point.describe(swept), summary.candidates, summary.seconds);
  }
  progress.finish();

  // 5. Close with the status every rank agreed on.
  if (comm.is_root()) {
    const char* how = status == exit_status::kOk            ? "complete"
                      : status == exit_status::kInterrupted ? "interrupted"
                                                            : "failed";
    writer->close(how);
    if (status == exit_status::kInterrupted) {
      std::cerr << "sethlab: stopped by signal " << stop_signal()
                << " after a clean checkpoint; continue with\n"
                << "  sethlab run " << options.job_path << " -o " << options.output
                << " --resume\n";
    } else if (status != exit_status::kOk) {
      std::cerr << "sethlab: " << message << "\n";
    } else if (!options.quiet) {
      print_summary(read_results(options.output), std::cout);
      std::cout << "results: " << options.output << "\n";
    }
  }
  return status;
}

}  // namespace sethlab
