// Family `attention`: how attention's cost and error grow (theory.md section 2). Its knobs, their
// cross-key rules, which sweep points are the same measurement, and the summary table; a point
// runs in attention_point.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <tuple>

#include "attention/kernel.hpp"
#include "attention/spec.hpp"
#include "attention/taylor_features.hpp"
#include "attention/workload.hpp"
#include "core/error.hpp"
#include "families/attention_point.hpp"
#include "io/attention_row.hpp"
#include "io/results_file.hpp"
#include "runner/inspect.hpp"

namespace sethlab {
namespace {

using attention::Mechanism;

std::vector<std::string> mechanism_names() {
  return {"softmax", "exponential", "window", "rbf", "taylor", "taylor-softmax"};
}

Knob knob(const char* section, const char* name, KnobType type, std::optional<Value> def,
          double min, double max, std::vector<std::string> choices, bool sweepable,
          const char* unit, const char* help) {
  return {section, name, type, std::move(def), min, max, std::move(choices), sweepable, unit, help};
}

std::vector<std::string> with_auto(std::vector<std::string> names) {
  names.insert(names.begin(), "auto");
  return names;
}

class AttentionFamily final : public Family {
 public:
  std::vector<Knob> knobs() const override {
    using K = KnobType;
    return {
        knob("source", "distribution", K::kString, Value{std::string("uniform")}, 0, -1,
             {"uniform", "gaussian", "hdf5"}, true, "",
             "entries of Q, K, V: uniform in [-B, B], N(0, (B/2)^2) truncated to [-B, B], or "
             "datasets Q, K, V of an HDF5 file (source.file)"),
        knob("source", "n", K::kInt, std::nullopt, 1, 2147483647.0, {}, true, "rows",
             "queries = keys (required unless hdf5)"),
        knob("source", "d", K::kInt, Value{std::int64_t{64}}, 1, 4096, {}, true, "",
             "width of Q and K"),
        knob("source", "d_v", K::kInt, Value{std::int64_t{0}}, 0, 4096, {}, true, "",
             "width of V; 0: the same as d"),
        knob("source", "B", K::kFloat, Value{1.0}, 1e-300, 1e6, {}, true, "",
             "bound on the entries of Q, K, V"),
        knob("source", "file", K::kString, std::nullopt, 0, -1, {}, true, "",
             "HDF5 file with datasets Q (n x d), K (n x d), V (n x d_v), relative to the job "
             "file (distribution = hdf5)"),
        knob("attention", "mechanism", K::kString, Value{std::string("softmax")}, 0, -1,
             mechanism_names(), true, "",
             "score function and output map (theory.md section 2; taylor*: order-p polynomial "
             "in place of exp)"),
        knob("attention", "p", K::kInt, Value{std::int64_t{2}}, 0, 12, {}, true, "",
             "Taylor order (taylor, taylor-softmax)"),
        knob("attention", "coefficients", K::kString, std::nullopt, 0, -1, {}, false, "",
             "Taylor coefficients c_0..c_p, comma-separated (default 1/z!: Taylor of exp)"),
        knob(
            "attention", "w", K::kInt, std::nullopt, 0, 2147483647.0, {}, true, "",
            "window width: query i sees the keys j within distance w/2 of i (required for window)"),
        knob("attention", "temperature", K::kFloat, Value{1.0}, 1e-6, 1e6, {}, true, "",
             "softmax, window, taylor*: scores are divided by it"),
        knob("attention", "scale", K::kFloat, Value{0.0}, 0, 1e6, {}, true, "",
             "softmax, window, taylor*: score = scale * q.k / temperature; 0: 1/sqrt(d)"),
        knob("attention", "c", K::kFloat, Value{1.0}, 0, 1e6, {}, true, "",
             "exponential: e^{c q.k}; rbf: e^{-c ||q - k||^2}"),
        knob("attention", "precision", K::kString, Value{std::string("float32")}, 0, -1,
             {"float32", "float64"}, true, "", "element type of Q, K, V and the kernels"),
        knob("attention", "kernel", K::kString, Value{std::string("auto")}, 0, -1,
             with_auto(attention::KernelRegistry::instance().names()), true, "",
             "block kernel of the exact mechanisms except window (auto: tiled); taylor* and "
             "window do not use one"),
        knob("attention", "tile_queries", K::kInt, Value{std::int64_t{64}}, 1, 1 << 20, {}, true,
             "rows", "query rows per tile of the tiled kernels, per block of the taylor kernel"),
        knob("attention", "tile_keys", K::kInt, Value{std::int64_t{128}}, 1, 1 << 20, {}, true,
             "rows", "key rows per tile of the tiled kernels, per block of the taylor kernel"),
        knob("measure", "repeats", K::kInt, Value{std::int64_t{5}}, 1, 10000, {}, false, "",
             "timed calls per point (min, median and max are recorded)"),
        knob("measure", "warmup", K::kInt, Value{std::int64_t{1}}, 0, 1000, {}, false, "",
             "untimed calls before the timed ones"),
        knob("check", "error_rows", K::kInt, Value{std::int64_t{256}}, 1, 65536, {}, false, "rows",
             "query rows compared with the float64 reference (all rows when n is smaller)"),
        knob("check", "tolerance", K::kFloat, Value{0.0}, 0, 1, {}, false, "",
             "largest accepted error against the float64 evaluation of the same computation, "
             "relative to the largest reference entry; 0: 1e-3 (float32), 1e-9 (float64)"),
    };
  }

  void validate(const JobSpec& spec) const override {
    bool file = false, generated = false;
    for (const auto& v : spec.values.at("source.distribution"))
      (std::get<std::string>(v) == "hdf5" ? file : generated) = true;
    if (file && generated)
      spec.fail("source.distribution", "hdf5 cannot be swept together with uniform or gaussian");
    std::vector<std::int64_t> ds;
    std::int64_t widest = 0;  // d + 2 d_v
    if (file) {
      if (!spec.has("source.file"))
        spec.fail("source.file", "required when distribution = \"hdf5\"");
      for (const char* key : {"source.n", "source.d", "source.d_v", "source.B"})
        if (spec.has(key)) spec.fail(key, "comes from the HDF5 file; remove it");
      for (const auto& f : spec.values.at("source.file")) {
        const std::string& path = std::get<std::string>(f);
        if (path.size() > 127) spec.fail("source.file", "path longer than 127 characters");
        if (!spec.check_files) continue;
        try {
          const auto shape = attention::workload_file_shape(spec.resolve(path));
          ds.push_back(static_cast<std::int64_t>(shape.d));
          widest = std::max(widest, static_cast<std::int64_t>(shape.d + 2 * shape.d_v));
        } catch (const InputError& e) {
          spec.fail("source.file", e.what());
        }
      }
    } else {
      if (spec.has("source.file"))
        spec.fail("source.file", "only used with distribution = \"hdf5\"");
      if (!spec.has("source.n")) spec.fail("source.n", "required for generated workloads");
      std::int64_t max_dv = 0;
      for (const auto& v : spec.values.at("source.d")) ds.push_back(std::get<std::int64_t>(v));
      for (const auto& v : spec.values.at("source.d_v"))
        max_dv = std::max(max_dv, std::get<std::int64_t>(v));
      const std::int64_t max_d = *std::max_element(ds.begin(), ds.end());
      widest = max_d + 2 * (max_dv == 0 ? max_d : max_dv);
    }
    // Each rank sends rank 0 its sampled rows' queries, outputs and reference states (about
    // error_rows x (d + 2 d_v) doubles): keep that small, whatever the number of ranks.
    const auto error_rows = std::get<std::int64_t>(spec.values.at("check.error_rows").front());
    if (error_rows * (widest + 8) * 8 > (std::int64_t{64} << 20))
      spec.fail("check.error_rows",
                std::to_string(error_rows) +
                    " rows of width d + 2 d_v = " + std::to_string(widest) +
                    " are more than 64 MiB per rank to check; use at most " +
                    std::to_string((std::int64_t{64} << 20) / ((widest + 8) * 8)));

    std::vector<std::string> mechanisms;
    for (const auto& v : spec.values.at("attention.mechanism"))
      mechanisms.push_back(std::get<std::string>(v));
    bool window = false, taylor = false;
    for (const auto& m : mechanisms) {
      window |= m == "window";
      taylor |= attention::is_taylor(attention::parse_mechanism(m));
    }
    if (window && !spec.has("attention.w"))
      spec.fail("attention.w", "required when mechanism = \"window\"");
    // Taylor points ignore the kernel and window points merge blocks directly (canonicalize);
    // the others run their blocks through it as exponential or rbf.
    for (const auto& v : spec.values.at("attention.kernel")) {
      const std::string& kernel = std::get<std::string>(v);
      if (kernel == "auto") continue;
      const auto* info = attention::KernelRegistry::instance().find(kernel);
      if (!info->supports(Mechanism::kExponential) || !info->supports(Mechanism::kRbf))
        spec.fail("attention.kernel", "kernel " + kernel +
                                          " cannot compute the blocks of exact attention (they "
                                          "run as exponential and rbf): " +
                                          info->help);
    }
    if (taylor) {
      for (const auto& pv : spec.values.at("attention.p"))
        for (const std::int64_t d : ds) {
          try {
            attention::symmetric_feature_count(
                static_cast<std::size_t>(d), static_cast<std::size_t>(std::get<std::int64_t>(pv)));
          } catch (const std::exception& e) {
            spec.fail("attention.p", "p = " + std::to_string(std::get<std::int64_t>(pv)) +
                                         " at d = " + std::to_string(d) + ": " + e.what());
          }
        }
    }
    if (spec.has("attention.coefficients")) {
      const auto& ps = spec.values.at("attention.p");
      std::vector<double> coef;
      try {
        coef = parse_taylor_coefficients(
            std::get<std::string>(spec.values.at("attention.coefficients")[0]));
      } catch (const std::invalid_argument& e) {
        spec.fail("attention.coefficients", e.what());
      }
      if (ps.size() != 1 ||
          std::get<std::int64_t>(ps[0]) + 1 != static_cast<std::int64_t>(coef.size()))
        spec.fail("attention.coefficients", std::to_string(coef.size()) +
                                                " coefficient(s) need exactly one order p = " +
                                                std::to_string(coef.size() - 1));
    }
  }

  void canonicalize(std::map<std::string, Value>& params) const override {
    const std::string mechanism = std::get<std::string>(params.at("attention.mechanism"));
    const Mechanism m = attention::parse_mechanism(mechanism);
    const auto reset = [&](const char* key, Value v) {
      if (params.count(key)) params[key] = std::move(v);
    };
    if (!attention::is_taylor(m)) reset("attention.p", Value{std::int64_t{-1}});
    if (m != Mechanism::kWindow) reset("attention.w", Value{std::int64_t{-1}});
    if (m == Mechanism::kExponential || m == Mechanism::kRbf) {
      reset("attention.temperature", Value{1.0});
      reset("attention.scale", Value{0.0});
    } else {
      reset("attention.c", Value{1.0});
    }
    // Taylor blocks its work by the tile sizes but has no block kernel; the distributed window
    // merges blocks directly, with neither.
    if (attention::is_taylor(m) || m == Mechanism::kWindow)
      reset("attention.kernel", Value{std::string("auto")});
    if (m == Mechanism::kWindow) {
      reset("attention.tile_queries", Value{std::int64_t{64}});
      reset("attention.tile_keys", Value{std::int64_t{128}});
    }
  }

  PointSummary run_point(const Point& point, const JobSpec& spec, RunContext& ctx) const override {
    return run_attention_point(point, spec, ctx);
  }

  std::vector<std::string> tables() const override { return {"attention"}; }

  // One line per point: the measurements that matter, in the order of the job.
  void print_summary(const ResultsContents& r, std::ostream& out) const override {
    const auto rows = r.rows<AttentionRow>("attention");
    char line[320];
    std::snprintf(line, sizeof line, "%-14s %2s %-7s %8s %4s %4s %6s %11s %8s %10s %10s %9s %s\n",
                  "mechanism", "p", "prec", "n", "d", "d_v", "B", "median_s", "GFLOP/s",
                  "max_abs_err", "max_rel_err", "peak_MiB", "check");
    out << line;
    int disagree = 0;
    for (const auto& a : rows) {
      disagree += a.agree == 0;
      const std::string check = !get_field(a.note).empty() ? get_field(a.note)
                                : a.agree == 1             ? "agree"
                                : a.agree == 0             ? "DISAGREE"
                                                           : "-";
      std::snprintf(line, sizeof line,
                    "%-14s %2d %-7s %8llu %4u %4u %6.3g %11.4g %8.3g %10.3g %10.3g %9.1f %s\n",
                    get_field(a.mechanism).c_str(), a.p, get_field(a.precision).c_str(),
                    static_cast<unsigned long long>(a.n), a.d, a.d_v, a.B, a.time_median, a.gflops,
                    a.max_abs_error, a.max_rel_error, a.peak_rss_max / 1048576.0, check.c_str());
      out << line;
    }
    out << "(errors against the float64 " << (rows.empty() ? "" : "reference of the target: ")
        << "exact mechanism, or softmax / exponential for Taylor; p = -1: exact)\n";
    if (disagree) out << disagree << " point(s) DISAGREE with their float64 check\n";
  }

  double work_estimate(const Point& point) const override {
    const auto get = [&](const char* key, std::int64_t def) {
      const auto it = point.params.find(key);
      return it == point.params.end() ? def : std::get<std::int64_t>(it->second);
    };
    const std::int64_t d = get("source.d", 64), dv = get("source.d_v", 0);
    return attention_flops(
        point.get_string("attention.mechanism"), static_cast<std::size_t>(get("source.n", 1024)),
        static_cast<std::size_t>(d), static_cast<std::size_t>(dv ? dv : d),
        static_cast<long>(get("attention.w", -1)), static_cast<long>(get("attention.p", -1)));
  }
};

const Registrar<FamilyInfo> kRegister(
    "attention", {"cost and error of attention mechanisms, exact and Taylor, over MPI ranks",
                  [] { return std::make_unique<AttentionFamily>(); }});

}  // namespace

}  // namespace sethlab
