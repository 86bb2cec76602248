#include "runner/run_job.hpp"

#include <omp.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/error.hpp"
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

}  // namespace

int run_job(const RunOptions& options, Comm& comm) {
  // 1. Validate everything on rank 0 before any rank does work or any file is written.
  std::string message;
  int status = exit_status::kOk;
  JobSpec spec;
  if (comm.is_root()) {
    try {
      spec = load_job(options.job_path);
      if (!options.force && access(options.output.c_str(), F_OK) == 0)
        throw_input_error(options.output, 0, "",
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
  const std::vector<Point> points = expand_points(spec);
  const std::vector<std::string> swept = swept_keys(spec);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();

  // 2. The results file, with provenance from every rank.
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
  prov.points_total = points.size();
  std::unique_ptr<ResultsWriter> writer;
  if (comm.is_root()) {
    try {
      writer = std::make_unique<ResultsWriter>(options.output, prov, options.force);
    } catch (const std::exception& e) {
      status = exit_status::kBadInput;
      message = std::string("cannot create the results file: ") + e.what();
    }
  }
  status = share_status(comm, status, message);
  if (status != exit_status::kOk) {
    if (comm.is_root()) std::cerr << "sethlab: " << message << "\n";
    return status;
  }

  // 3. The points, one after another, each shared by all ranks.
  std::vector<double> work;
  for (const auto& p : points) work.push_back(family->work_estimate(p));
  Progress progress(comm.is_root() && (options.progress || isatty(STDERR_FILENO)), work);
  RunContext ctx{comm, writer.get(), threads};
  double previous_work = 0;
  for (const Point& point : points) {
    // Buffered rows of quick points become visible before a much bigger point starts.
    const double point_work = family->work_estimate(point);
    if (comm.is_root() && point_work > 2 * previous_work && writer->has_buffered_rows()) writer->flush();
    previous_work = point_work;
    PointSummary summary;
    try {
      summary = family->run_point(point, spec, ctx);
    } catch (const CheckFailure& e) {
      status = exit_status::kDisagree;
      message = std::string("cross-check FAILED: ") + e.what();
    } catch (const std::exception& e) {
      status = exit_status::kFailure;
      message = "point " + std::to_string(point.index) + " failed: " + e.what();
    }
    // Failures are detected on rank 0 (checks, I/O) after the collective part of a point.
    status = share_status(comm, status, message);
    if (status != exit_status::kOk) break;
    if (comm.is_root()) progress.point_done(point.index, point.describe(swept), summary.candidates, summary.seconds);
  }
  progress.finish();

  // 4. Close with the status every rank agreed on.
  if (comm.is_root()) {
    writer->close(status == exit_status::kOk ? "complete" : "failed");
    if (status != exit_status::kOk) {
      std::cerr << "sethlab: " << message << "\n";
    } else if (!options.quiet) {
      print_summary(read_results(options.output), std::cout);
      std::cout << "results: " << options.output << "\n";
    }
  }
  return status;
}

}  // namespace sethlab
