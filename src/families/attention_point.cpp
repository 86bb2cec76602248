#include "families/attention_point.hpp"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "attention/distributed.hpp"
#include "attention/kernel.hpp"
#include "attention/sampled_reference.hpp"
#include "attention/taylor_features.hpp"
#include "attention/workload.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/rng.hpp"
#include "core/stop_signal.hpp"
#include "io/attention_row.hpp"
#include "io/results_file.hpp"
#include "runner/inspect.hpp"

namespace sethlab {

std::vector<double> parse_taylor_coefficients(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    double c = 0;
    try {
      c = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || item.find_first_not_of(" \t", used) != std::string::npos || !std::isfinite(c))
      throw std::invalid_argument("not a finite number: \"" + item + "\"");
    out.push_back(c);
  }
  if (out.empty()) throw std::invalid_argument("no coefficients given");
  return out;
}

double attention_flops(const std::string& mechanism, std::size_t n, std::size_t d, std::size_t d_v,
                       long window, long p) {
  const double nn = static_cast<double>(n);
  if (mechanism == "taylor" || mechanism == "taylor-softmax") {
    double features = 0;
    try {
      features =
          static_cast<double>(attention::symmetric_feature_count(d, static_cast<std::size_t>(p)));
    } catch (const std::exception&) {
      features = std::numeric_limits<double>::infinity();
    }
    return 4 * nn * features * static_cast<double>(d_v + 1);
  }
  double pairs = nn * nn;
  if (mechanism == "window") {
    // Row i sees keys max(0, i - h) .. min(n - 1, i + h): n (2h + 1) - h (h + 1) pairs in all.
    const double h = std::min(static_cast<double>(window / 2), nn - 1);
    pairs = nn * (2 * h + 1) - h * (h + 1);
  }
  return 2 * pairs * static_cast<double>(d + d_v);
}

namespace {

using namespace attention;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Copies s into a fixed char field, cut to fit (for free-text notes only).
template <std::size_t N>
void set_note(char (&field)[N], const std::string& s) {
  set_field(field, s.substr(0, N - 1), "note");
}

// What a point measures, from its knobs (and, for user data, the file's shape).
struct Config {
  AttentionSpec spec;
  std::string mechanism, precision, distribution, file, kernel;  // kernel: "" = default
  std::size_t n = 0, d = 0, d_v = 0;
  double bound = 0;
  int repeats = 1, warmup = 0;
  std::size_t error_rows = 0;
  double tolerance = 0;
};

Config configure(const Point& point, const JobSpec& spec) {
  Config c;
  c.mechanism = point.get_string("attention.mechanism");
  c.precision = point.get_string("attention.precision");
  c.distribution = point.get_string("source.distribution");
  c.spec.mechanism = parse_mechanism(c.mechanism);
  c.spec.temperature = point.get_double("attention.temperature");
  c.spec.scale = point.get_double("attention.scale");
  c.spec.c = point.get_double("attention.c");
  if (c.spec.mechanism == Mechanism::kWindow) c.spec.window = point.get_int("attention.w");
  if (is_taylor(c.spec.mechanism)) {
    c.spec.taylor_order = point.get_int("attention.p");
    if (spec.has("attention.coefficients"))
      c.spec.taylor_coefficients =
          parse_taylor_coefficients(point.get_string("attention.coefficients"));
  }
  c.spec.tile_queries = static_cast<std::size_t>(point.get_int("attention.tile_queries"));
  c.spec.tile_keys = static_cast<std::size_t>(point.get_int("attention.tile_keys"));
  const std::string kernel = point.get_string("attention.kernel");
  c.kernel = kernel == "auto" ? "" : kernel;
  if (c.distribution == "hdf5") {
    c.file = point.get_string("source.file");
    const WorkloadShape shape = workload_file_shape(spec.resolve(c.file));
    c.n = shape.n;
    c.d = shape.d;
    c.d_v = shape.d_v;
  } else {
    c.n = static_cast<std::size_t>(point.get_int("source.n"));
    c.d = static_cast<std::size_t>(point.get_int("source.d"));
    const auto dv = static_cast<std::size_t>(point.get_int("source.d_v"));
    c.d_v = dv == 0 ? c.d : dv;
    c.bound = point.get_double("source.B");
  }
  c.repeats = static_cast<int>(point.get_int("measure.repeats"));
  c.warmup = static_cast<int>(point.get_int("measure.warmup"));
  c.error_rows = static_cast<std::size_t>(point.get_int("check.error_rows"));
  c.tolerance = point.get_double("check.tolerance");
  if (c.tolerance == 0) c.tolerance = c.precision == "float32" ? 1e-3 : 1e-9;
  return c;
}

// The name of what computes the blocks, as recorded.
std::string kernel_used(const Config& c) {
  if (is_taylor(c.spec.mechanism)) return "taylor";
  if (c.spec.mechanism == Mechanism::kWindow) return "direct";
  return c.kernel.empty() ? default_kernel(Mechanism::kExponential) : c.kernel;
}

// The mechanism Taylor attention approximates (errors are measured against it): softmax for
// taylor-softmax, exponential with C = the score factor for taylor; exact mechanisms: themselves.
AttentionSpec target_of(const AttentionSpec& s, std::size_t d) {
  AttentionSpec t = s;
  if (s.mechanism == Mechanism::kTaylorSoftmax) t.mechanism = Mechanism::kSoftmax;
  if (s.mechanism == Mechanism::kTaylor) {
    t.mechanism = Mechanism::kExponential;
    t.c = dot_factor(s, d);
  }
  return t;
}

// `count` distinct rows of n, sorted: all rows when count >= n, else the first and the last
// (window edges) and count - 2 drawn with Floyd's algorithm from the rows between them.
std::vector<std::size_t> sample_rows(std::size_t n, std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> out;
  if (count >= n) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  std::set<std::size_t> chosen{0, n - 1};
  if (count > 2) {
    Rng rng(derive_seed(seed, 0x5eed5a4d1e5ULL));
    const std::size_t inner = n - 2, want = count - 2;  // rows 1 .. n-2
    for (std::size_t j = inner - want; j < inner; ++j) {
      const std::size_t t = rng.below(j + 1);
      chosen.insert(chosen.count(t + 1) ? j + 1 : t + 1);
    }
  }
  out.assign(chosen.begin(), chosen.end());
  out.resize(std::min(out.size(), count));
  return out;
}

// What one rank sends rank 0 for the check: its sampled output rows and its key block's
// reference states (its sampled queries travel earlier, to every rank).
struct RankPart {
  std::vector<double> y, log_scale;
  SampledState check, target;
  std::string error;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& y& log_scale& check& target& error;
  }
};

// Every rank learns whether any rank failed, and rank 0's or the first failing rank's message.
std::string first_error(Comm& comm, const std::string& local) {
  if (comm.allreduce_max(local.empty() ? 0 : 1) == 0) return "";
  std::string message;
  for (const auto& m : comm.gather(local))
    if (message.empty() && !m.empty()) message = m;
  comm.broadcast(message);
  return message;
}

// The largest |entry| of m over all ranks. For doubles >= 0 the order of their bit patterns as
// integers is their numeric order, so the integer allreduce-max gives the largest.
template <class T>
double max_abs(Comm& comm, const Matrix<T>& m) {
  double local = 0;
  for (std::size_t i = 0; i < m.rows() * m.cols(); ++i)
    local = std::max(local, std::abs(static_cast<double>(m.data()[i])));
  return std::bit_cast<double>(comm.allreduce_max(std::bit_cast<std::int64_t>(local)));
}

// User data with NaN or infinity would make every error meaningless: refuse it, naming the row.
template <class T>
void check_finite(const Matrix<T>& m, const std::string& file, Operand which,
                  std::size_t first_row) {
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw_input_error(file, 0, "",
                          std::string("dataset \"") + operand_name(which) + "\" row " +
                              std::to_string(first_row + i) + " column " + std::to_string(j) +
                              " is " + std::to_string(static_cast<double>(m(i, j))) +
                              " (entries must be finite)");
}

template <class T>
PointSummary run_typed(const Point& point, const JobSpec& spec, RunContext& ctx, const Config& c,
                       AttentionRow& row) {
  Comm& comm = ctx.comm;
  const RowBlock block = row_block(c.n, comm.size(), comm.rank());
  const std::size_t rows = block.size();

  // 1. The workload: this rank's rows only.
  auto t = Clock::now();
  Matrix<T> q, k, v, y;
  std::string error;
  try {  // a failure here (memory, a file) must not leave the other ranks waiting
    q = Matrix<T>(rows, c.d);
    k = Matrix<T>(rows, c.d);
    v = Matrix<T>(rows, c.d_v);
    y = Matrix<T>(rows, c.d_v);
    const std::pair<Operand, Matrix<T>*> operands[] = {
        {Operand::kQ, &q}, {Operand::kK, &k}, {Operand::kV, &v}};
    for (const auto& [which, m] : operands) {
      if (c.distribution == "hdf5") {
        read_rows(spec.resolve(c.file), which, block.begin, m->view());
        check_finite(*m, c.file, which, block.begin);
      } else {
        random_rows(point.seed, which, parse_distribution(c.distribution), c.bound, block.begin,
                    m->view());
      }
    }
  } catch (const std::exception& e) {
    error = "rank " + std::to_string(comm.rank()) + ": " + e.what();
  }
  if (const std::string e = first_error(comm, error); !e.empty())
    throw std::runtime_error("building the workload failed: " + e);
  row.t_build =
      static_cast<double>(comm.allreduce_max(static_cast<std::int64_t>(since(t) * 1e9))) * 1e-9;
  row.v_max = max_abs(comm, v);
  if (c.distribution == "hdf5") row.B = std::max({max_abs(comm, q), max_abs(comm, k), row.v_max});

  // 2. Warm-up and timed calls. Each time is the slowest rank's, between two barriers.
  std::vector<double> log_scale(is_normalised(c.spec.mechanism) ? 0 : rows);
  double* ls = is_normalised(c.spec.mechanism) ? nullptr : log_scale.data();
  release_ring_buffers();  // an earlier, bigger point's buffers would count as this one's
  row.peak_rss_reset = reset_peak_rss() ? 1 : 0;
  std::vector<double> times;
  const auto started = Clock::now();
  for (int i = 0; i < c.warmup + c.repeats; ++i) {
    if (comm.allreduce_max(stop_requested() ? 1 : 0) != 0) {
      if (comm.is_root())
        ctx.writer->add_interruption({point.index, since(started), 0, 0, stop_signal()});
      return {0, since(started), true};
    }
    comm.barrier();
    const auto t0 = Clock::now();
    std::string failure;
    try {
      attend_distributed<T>(comm, c.spec, c.n, q, k, v, y.view(), ls, c.kernel);
    } catch (const std::domain_error& e) {
      // A taylor-softmax denominator <= 0 (odd p, large negative scores): a property of the
      // approximation, recorded as the point's note rather than failing the run.
      failure = e.what();
    } catch (const std::invalid_argument&) {
      throw;  // refused on every rank together (attend_distributed agrees first)
    } catch (const std::exception& e) {
      // Anything else (memory) strikes one rank mid-ring while the others wait for it: stop
      // the whole job rather than hang.
      if (comm.size() == 1) throw;
      std::cerr << "sethlab: rank " << comm.rank() << ": attention failed: " << e.what() << "\n";
      MpiSession::abort(exit_status::kFailure);
    }
    const double seconds =
        static_cast<double>(comm.allreduce_max(static_cast<std::int64_t>(since(t0) * 1e9))) * 1e-9;
    if (const std::string e = first_error(comm, failure); !e.empty()) {
      if (!comm.is_root()) return {};
      set_note(row.note, e);
      const double nan = std::numeric_limits<double>::quiet_NaN();
      for (double* f : {&row.time_min, &row.time_median, &row.time_max, &row.gflops,
                        &row.max_abs_error, &row.mean_abs_error, &row.max_rel_error,
                        &row.check_rel_error, &row.error_bound, &row.max_abs_score})
        *f = nan;
      ctx.writer->add("attention", row, since(started));
      return {0, since(started)};
    }
    if (i >= c.warmup) times.push_back(seconds);
  }
  const auto peak = static_cast<std::int64_t>(peak_rss_bytes());
  const std::int64_t peak_max = comm.allreduce_max(peak);
  const std::int64_t peak_min = ~comm.allreduce_max(~peak);
  const bool reset_everywhere = ~comm.allreduce_max(~std::int64_t{row.peak_rss_reset}) == 1;

  // 3. The check: sampled query rows against the float64 reference, block by block.
  t = Clock::now();
  const std::vector<std::size_t> positions = sample_rows(c.n, c.error_rows, point.seed);
  RankPart mine;
  std::vector<double> my_queries;
  for (const std::size_t pos : positions) {
    if (pos < block.begin || pos >= block.end) continue;
    const std::size_t i = pos - block.begin;
    for (std::size_t j = 0; j < c.d; ++j) my_queries.push_back(static_cast<double>(q(i, j)));
    for (std::size_t j = 0; j < c.d_v; ++j) mine.y.push_back(static_cast<double>(y(i, j)));
    mine.log_scale.push_back(ls ? ls[i] : 0.0);
  }
  // Every rank needs every sampled query: gather to rank 0, which broadcasts them in row order
  // (rank order is row order).
  std::string all_q;
  {
    const auto parts = comm.gather(to_bytes(my_queries));
    if (comm.is_root()) {
      std::vector<double> joined;
      for (const auto& p : parts) {
        const auto part = from_bytes<std::vector<double>>(p);
        joined.insert(joined.end(), part.begin(), part.end());
      }
      all_q = to_bytes(joined);
    }
    comm.broadcast(all_q);
  }
  std::vector<double> qs = from_bytes<std::vector<double>>(all_q);
  const MatrixView<const double> qv(qs.data(), positions.size(), c.d);
  const AttentionSpec target = target_of(c.spec, c.d);
  const bool same_target = target.mechanism == c.spec.mechanism;
  try {
    mine.check = reference_block<T>(c.spec, qv, positions, k, v, block.begin);
    if (!same_target) mine.target = reference_block<T>(target, qv, positions, k, v, block.begin);
  } catch (const std::exception& e) {
    mine.error = e.what();
  }
  const auto parts = comm.gather(to_bytes(mine));
  if (!comm.is_root()) return {};
  std::vector<double> ys, ys_log_scale;
  SampledState check, target_state;
  for (std::size_t r = 0; r < parts.size(); ++r) {
    const auto part = from_bytes<RankPart>(parts[r]);
    if (!part.error.empty())
      throw std::runtime_error("reference on rank " + std::to_string(r) + ": " + part.error);
    ys.insert(ys.end(), part.y.begin(), part.y.end());
    ys_log_scale.insert(ys_log_scale.end(), part.log_scale.begin(), part.log_scale.end());
    if (r == 0) {
      check = part.check;
      target_state = part.target;
    } else {
      merge_states(check, part.check);
      if (!same_target) merge_states(target_state, part.target);
    }
  }
  if (same_target) target_state = check;
  const MatrixView<const double> yv(ys.data(), positions.size(), c.d_v);
  std::vector<double> check_ls, target_ls;
  const Matrix<double> check_rows = reference_rows(c.spec, check, check_ls);
  const Matrix<double> target_rows = reference_rows(target, target_state, target_ls);
  const RowErrors check_err = compare_rows(yv, ys_log_scale, check_rows.view(), check_ls);
  const RowErrors err = compare_rows(yv, ys_log_scale, target_rows.view(), target_ls);
  row.t_check = since(t);

  // 4. The row.
  row.time_min = *std::min_element(times.begin(), times.end());
  row.time_max = *std::max_element(times.begin(), times.end());
  row.time_median = median(times);
  row.gflops = row.flops / row.time_median * 1e-9;
  row.peak_rss_max = static_cast<std::uint64_t>(peak_max);
  row.peak_rss_min = static_cast<std::uint64_t>(peak_min);
  row.peak_rss_reset = reset_everywhere ? 1 : 0;
  const std::size_t most = row_block(c.n, comm.size(), 0).size();
  row.input_bytes = most * (2 * c.d + 2 * c.d_v) * sizeof(T);
  row.error_rows = positions.size();
  set_field(row.target, mechanism_name(target.mechanism), "target");
  row.max_abs_error = err.max_abs;
  row.mean_abs_error = err.mean_abs;
  row.max_rel_error = err.max_rel;
  row.max_abs_score = 0;
  for (const double s : target_state.max_abs_score)
    row.max_abs_score = std::max(row.max_abs_score, s);
  row.error_bound = std::numeric_limits<double>::quiet_NaN();
  if (c.spec.mechanism == Mechanism::kTaylorSoftmax && c.spec.taylor_coefficients.empty()) {
    // theory.md: every weight is off by a factor within eta = e^R R^{p+1} / (p+1)!, so every
    // output entry by at most 2 eta / (1 - eta) max |V| (when eta < 1).
    const double R = row.max_abs_score;
    const double p1 = static_cast<double>(c.spec.taylor_order + 1);
    const double eta = std::exp(R + p1 * std::log(R) - std::lgamma(p1 + 1));
    if (R == 0)
      row.error_bound = 0;
    else if (eta < 1)
      row.error_bound = 2 * eta / (1 - eta) * row.v_max;
  }
  row.check_rel_error = check_err.block_rel;
  row.check_tolerance = c.tolerance;
  row.agree = check_err.block_rel <= c.tolerance ? 1 : 0;
  const double total = row.t_build + since(started);
  ctx.writer->add("attention", row, total);
  if (row.agree == 0) {
    ctx.writer->flush();
    char numbers[96];
    std::snprintf(numbers, sizeof numbers,
                  "%.3g of its largest entry, more than the tolerance %.3g", check_err.block_rel,
                  c.tolerance);
    throw CheckFailure("point " + std::to_string(point.index) + " (" + c.mechanism +
                       ", n = " + std::to_string(c.n) + ", " + c.precision +
                       "): the output differs from the float64 evaluation by " + numbers);
  }
  return {c.n, total};
}

}  // namespace

PointSummary run_attention_point(const Point& point, const JobSpec& spec, RunContext& ctx) {
  Comm& comm = ctx.comm;
  omp_set_num_threads(ctx.threads);  // the tiled kernels' query tiles; BLAS runs one per tile
  Config c;
  std::string error;
  try {  // every rank reads the file's shape: one that cannot must not leave the others waiting
    c = configure(point, spec);
  } catch (const std::exception& e) {
    error = "rank " + std::to_string(comm.rank()) + ": " + e.what();
  }
  if (const std::string e = first_error(comm, error); !e.empty())
    throw std::runtime_error("setting up the point failed: " + e);
  AttentionRow row;
  row.point = point.index;
  row.repeat = point.repeat;
  row.seed = point.seed;
  set_field(row.source, c.distribution, "source");
  set_field(row.data_file, c.file, "data_file");
  set_field(row.mechanism, c.mechanism, "mechanism");
  set_field(row.kernel, kernel_used(c), "kernel");
  set_field(row.precision, c.precision, "precision");
  row.n = c.n;
  row.d = static_cast<std::uint32_t>(c.d);
  row.d_v = static_cast<std::uint32_t>(c.d_v);
  row.B = c.bound;
  row.w = c.spec.mechanism == Mechanism::kWindow ? c.spec.window : -1;
  row.p = is_taylor(c.spec.mechanism) ? static_cast<std::int32_t>(c.spec.taylor_order) : -1;
  row.score_factor = dot_factor(c.spec, c.d);
  row.c = c.spec.c;
  row.tile_queries = static_cast<std::uint32_t>(c.spec.tile_queries);
  row.tile_keys = static_cast<std::uint32_t>(c.spec.tile_keys);
  row.ranks = static_cast<std::uint32_t>(comm.size());
  row.threads = static_cast<std::uint32_t>(ctx.threads);
  row.repeats = static_cast<std::uint32_t>(c.repeats);
  row.warmup = static_cast<std::uint32_t>(c.warmup);
  row.flops = attention_flops(c.mechanism, c.n, c.d, c.d_v, c.spec.window, c.spec.taylor_order);
  return c.precision == "float64" ? run_typed<double>(point, spec, ctx, c, row)
                                  : run_typed<float>(point, spec, ctx, c, row);
}

}  // namespace sethlab
