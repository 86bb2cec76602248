#include "families/inversion_exact.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <ostream>
#include <tuple>

#include "check/sat_oracle.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/latent.hpp"
#include "core/rng.hpp"
#include "core/stop_signal.hpp"
#include "io/results_file.hpp"
#include "problems/dimacs.hpp"
#include "problems/ksat_generator.hpp"
#include "reductions/inversion_problem.hpp"
#include "runner/family.hpp"
#include "runner/inspect.hpp"
#include "search/distributed_search.hpp"

namespace sethlab {

std::uint64_t count_models_directly(const Cnf& cnf) {
  const std::int64_t total = std::int64_t{1} << cnf.num_vars;
  std::uint64_t count = 0;
#pragma omp parallel for reduction(+ : count) schedule(static)
  for (std::int64_t z = 0; z < total; ++z)
    if (cnf.satisfied_by(static_cast<std::uint64_t>(z))) ++count;
  return count;
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A built instance and where it came from; travels from rank 0 to the others as bytes.
struct Instance {
  Cnf cnf;
  bool planted = false;
  std::uint64_t hidden = 0;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& cnf& planted& hidden;
  }
};

class InversionExact final : public Family {
 public:
  std::vector<Knob> knobs() const override {
    const std::vector<std::string> solvers = SolverRegistry::instance().names();
    const std::vector<std::string> reductions = CnfReductionRegistry::instance().names();
    return {
        {"source",
         "problem",
         KnobType::kString,
         Value{std::string("ksat")},
         0,
         -1,
         {"ksat"},
         false,
         "",
         "source problem reduced to inversion"},
        {"source",
         "generator",
         KnobType::kString,
         Value{std::string("random")},
         0,
         -1,
         {"random", "planted", "dimacs"},
         true,
         "",
         "uniform random k-SAT, planted (satisfiable by construction), or DIMACS files"},
        {"source",
         "n",
         KnobType::kInt,
         std::nullopt,
         1,
         kMaxLatentBits,
         {},
         true,
         "variables",
         "variables = latent dimension (required unless dimacs)"},
        {"source",
         "k",
         KnobType::kInt,
         Value{std::int64_t{3}},
         1,
         kMaxLatentBits,
         {},
         true,
         "",
         "literals per clause"},
        {"source",
         "clause_ratio",
         KnobType::kFloat,
         Value{4.26},
         0,
         1000,
         {},
         true,
         "",
         "clauses per variable, m = round(ratio * n)"},
        {"source",
         "m",
         KnobType::kInt,
         std::nullopt,
         0,
         10000000,
         {},
         true,
         "clauses",
         "clause count (instead of clause_ratio)"},
        {"source",
         "files",
         KnobType::kString,
         std::nullopt,
         0,
         -1,
         {},
         true,
         "",
         "DIMACS CNF files (generator = dimacs), relative to the job file"},
        {"search",
         "mode",
         KnobType::kString,
         Value{std::string("decide")},
         0,
         -1,
         {"decide", "count"},
         true,
         "",
         "decide: stop at the first preimage; count: exhaust and count preimages"},
        {"search", "solver", KnobType::kString, Value{std::string("brute-force")}, 0, -1, solvers,
         true, "", "how chunks of the latent space are searched"},
        {"search", "reduction", KnobType::kString, Value{std::string("r1")}, 0, -1, reductions,
         true, "", "r1: depth-2 network of theory.md; r1-binary: clause units only"},
        {"search",
         "chunk_bits",
         KnobType::kInt,
         Value{std::int64_t{0}},
         0,
         kMaxLatentBits,
         {},
         false,
         "bits",
         "latents per work chunk = 2^chunk_bits; 0: about 1024 chunks of 2^8 to 2^24 latents"},
        {"check",
         "verify",
         KnobType::kBool,
         Value{true},
         0,
         -1,
         {},
         false,
         "",
         "cross-check every answer with an external SAT solver"},
        {"check",
         "solver",
         KnobType::kString,
         Value{std::string("auto")},
         0,
         -1,
         {"auto", "cadical", "minisat"},
         false,
         "",
         "external SAT solver (auto: cadical, else minisat)"},
        {"check",
         "direct_count_max_n",
         KnobType::kInt,
         Value{std::int64_t{22}},
         0,
         40,
         {},
         false,
         "variables",
         "count mode: also count models by direct clause evaluation up to this n"},
    };
  }

  void validate(const JobSpec& spec) const override {
    const auto& generators = spec.values.at("source.generator");
    bool dimacs = false, generated = false;
    for (const auto& g : generators)
      (std::get<std::string>(g) == "dimacs" ? dimacs : generated) = true;
    if (dimacs && generated)
      spec.fail("source.generator", "dimacs cannot be swept together with random or planted");
    if (spec.has("source.m") && spec.has("source.clause_ratio"))
      spec.fail("source.m", "give either m or clause_ratio, not both");
    if (dimacs) {
      if (!spec.has("source.files"))
        spec.fail("source.files", "required when generator = \"dimacs\"");
      for (const char* key : {"source.n", "source.k", "source.clause_ratio", "source.m"})
        if (spec.has(key)) spec.fail(key, "comes from the DIMACS file; remove it");
      for (const auto& f : spec.values.at("source.files")) {
        if (!spec.check_files) break;
        const std::string& path = std::get<std::string>(f);
        if (path.size() > 127)
          spec.fail("source.files", "path longer than 127 characters: " + path);
        Cnf cnf;
        try {
          cnf = read_dimacs_file(spec.resolve(path));
        } catch (const InputError& e) {
          spec.fail("source.files", e.what());
        }
        if (cnf.num_vars < 1 || cnf.num_vars > kMaxLatentBits)
          spec.fail("source.files", path + ": " + std::to_string(cnf.num_vars) +
                                        " variables; brute force supports 1.." +
                                        std::to_string(kMaxLatentBits));
        check_chunking(spec, cnf.num_vars, "source.files");
      }
      return;
    }
    if (spec.has("source.files"))
      spec.fail("source.files", "only used with generator = \"dimacs\"");
    if (!spec.has("source.n")) spec.fail("source.n", "required for random and planted instances");
    std::int64_t min_n = std::numeric_limits<std::int64_t>::max(), max_k = 0;
    for (const auto& v : spec.values.at("source.n"))
      min_n = std::min(min_n, std::get<std::int64_t>(v));
    for (const auto& v : spec.values.at("source.k"))
      max_k = std::max(max_k, std::get<std::int64_t>(v));
    if (max_k > min_n)
      spec.fail("source.k", "k = " + std::to_string(max_k) +
                                " exceeds the smallest n = " + std::to_string(min_n));
    for (const auto& v : spec.values.at("source.n"))
      check_chunking(spec, std::get<std::int64_t>(v), "source.n");
  }

  // Chunks no wider than the latent space, and at most 2^24 of them per point, so the dispatcher,
  // the chunk table and the checkpoint stay small. `n_key` names where n came from.
  static void check_chunking(const JobSpec& spec, std::int64_t n, const std::string& n_key) {
    const auto bits = std::get<std::int64_t>(spec.values.at("search.chunk_bits").front());
    if (bits > n)
      spec.fail("search.chunk_bits",
                std::to_string(bits) + " exceeds n = " + std::to_string(n) + " (" + n_key + ")");
    const std::int64_t effective =
        bits == 0 ? ChunkPlan::auto_chunk_bits(static_cast<int>(n)) : bits;
    if (n - effective > 24)
      spec.fail(bits == 0 ? n_key : "search.chunk_bits",
                "n = " + std::to_string(n) + " with chunk_bits = " + std::to_string(effective) +
                    " makes 2^" + std::to_string(n - effective) +
                    " chunks, at most 2^24 are allowed: set search.chunk_bits to at least " +
                    std::to_string(n - 24));
  }

  PointSummary run_point(const Point& point, const JobSpec& spec, RunContext& ctx) const override {
    Comm& comm = ctx.comm;
    const std::string generator = point.get_string("source.generator");
    PointRow row;
    row.point = point.index;
    row.repeat = point.repeat;
    row.seed = point.seed;

    // Build on rank 0, then broadcast: every rank searches the very same instance. The payload
    // is tagged, so a failed build (a DIMACS file changed since validation) fails on every rank
    // instead of leaving the others waiting.
    auto t = Clock::now();
    std::string bytes;
    Instance inst;
    if (comm.is_root()) {
      try {
        inst = build(point, spec, generator, row);
        bytes = "I" + to_bytes(inst);
      } catch (const std::exception& e) {
        bytes = std::string("E") + e.what();
      }
    }
    row.t_build = since(t);
    comm.broadcast(bytes);
    if (bytes.empty() || bytes[0] != 'I')
      throw std::runtime_error("building the instance failed on rank 0: " + bytes.substr(1));
    if (!comm.is_root()) inst = from_bytes<Instance>(bytes.substr(1));

    t = Clock::now();
    const std::string reduction = point.get_string("search.reduction");
    const InversionProblem problem = reduce_cnf(reduction, inst.cnf);
    row.t_reduce = since(t);

    SearchOptions opts;
    opts.mode =
        point.get_string("search.mode") == "count" ? SearchMode::kCount : SearchMode::kDecide;
    opts.solver = point.get_string("search.solver");
    opts.chunk_bits = static_cast<int>(point.get_int("search.chunk_bits"));
    opts.threads = ctx.threads;
    if (comm.is_root()) {
      if (ctx.checkpoints != nullptr) {
        const auto it = ctx.checkpoints->find(point.index);
        if (it != ctx.checkpoints->end()) {
          opts.prior = it->second.chunks;
          opts.prior_seconds = it->second.seconds;
        }
      }
      // Chunks are written as they finish: a killed run keeps them and a resume skips them.
      opts.on_chunk = [&](const ChunkRecord& c) {
        ctx.writer->add_chunk(to_chunk_row(point.index, c));
      };
    }
    const SearchOutcome out = distributed_search(problem, opts, comm);
    if (!comm.is_root()) return {};
    if (out.interrupted) {
      std::uint64_t candidates = 0;
      for (const auto& c : out.chunks) candidates += c.candidates;
      ctx.writer->add_interruption({point.index, out.seconds - opts.prior_seconds,
                                    out.chunks.size(), candidates, out.signal});
      return {candidates, out.seconds - opts.prior_seconds, true};
    }

    const int n = inst.cnf.num_vars;
    set_field(row.source, generator, "source");
    set_field(row.instance_hash, inst.cnf.content_hash(), "instance_hash");
    row.n = static_cast<std::uint32_t>(n);
    row.k = static_cast<std::uint32_t>(inst.cnf.max_width());
    row.m = static_cast<std::uint32_t>(inst.cnf.clauses.size());
    row.clause_ratio = static_cast<double>(row.m) / n;
    set_field(row.reduction, reduction, "reduction");
    row.net_width = static_cast<std::uint32_t>(
        problem.net.hidden_width() > 0 ? problem.net.hidden_width() : problem.net.output_dim());
    row.net_nnz = problem.net.nnz();
    set_field(row.mode, point.get_string("search.mode"), "mode");
    set_field(row.solver, opts.solver, "solver");
    row.found = out.found ? 1 : 0;
    if (out.found) set_field(row.witness, latent_to_string(out.witness, n), "witness");
    row.preimages = opts.mode == SearchMode::kCount ? static_cast<std::int64_t>(out.preimages) : -1;
    row.candidates = out.candidates;
    row.chunks = static_cast<std::uint32_t>(out.num_chunks);
    row.t_search = out.seconds;
    row.t_first =
        out.first_seconds >= 0 ? out.first_seconds : std::numeric_limits<double>::quiet_NaN();
    row.candidates_per_second =
        out.seconds > 0 ? static_cast<double>(out.candidates) / out.seconds : 0;
    row.planted = inst.planted ? 1 : 0;
    if (inst.planted) set_field(row.hidden, latent_to_string(inst.hidden, n), "hidden");
    row.ranks = static_cast<std::uint32_t>(out.ranks);
    row.threads = static_cast<std::uint32_t>(out.threads);

    // Checks. A witness must be a preimage and satisfy the formula; a planted formula must be
    // satisfied by its hidden assignment. These are internal consistency checks: failing any is a
    // bug.
    std::string problems;
    if (out.found && !(problem.is_preimage(out.witness) && inst.cnf.satisfied_by(out.witness)))
      problems += "the reported witness is not a satisfying preimage; ";
    if (inst.planted && !(inst.cnf.satisfied_by(inst.hidden) && problem.is_preimage(inst.hidden)))
      problems += "the planted assignment is not a satisfying preimage; ";
    if (inst.planted && !out.found)
      problems += "no preimage found for a planted (satisfiable) instance; ";
    if (opts.mode == SearchMode::kCount && out.candidates != std::uint64_t{1} << n)
      problems += "count mode evaluated " + std::to_string(out.candidates) + " latents, not 2^" +
                  std::to_string(n) + "; ";
    if (opts.mode == SearchMode::kCount && n <= point.get_int("check.direct_count_max_n")) {
      const std::uint64_t direct = count_models_directly(inst.cnf);
      if (direct != out.preimages)
        problems += "preimage count " + std::to_string(out.preimages) +
                    " differs from the direct model count " + std::to_string(direct) + "; ";
    }
    set_field(row.check_solver, "none", "check_solver");
    if (point.get_bool("check.verify")) {
      SatAnswer sat;
      try {
        sat = solve_with_external(inst.cnf, point.get_string("check.solver"));
      } catch (const std::exception&) {
        // The stop signal reached the solver too (Slurm signals every process of the step):
        // an interruption, not a failure. The chunks are recorded; a resume redoes the check.
        if (!stop_requested()) throw;
        ctx.writer->add_interruption({point.index, 0.0, 0, 0, stop_signal()});
        return {0, 0, true};
      }
      set_field(row.check_solver, sat.solver, "check_solver");
      row.check_sat = sat.satisfiable ? 1 : 0;
      row.t_check = sat.seconds;
      if (sat.satisfiable != out.found)
        problems += sat.solver + " says " + (sat.satisfiable ? "satisfiable" : "unsatisfiable") +
                    " but the search " + (out.found ? "found" : "found no") + " preimage; ";
    }
    row.agree = problems.empty() ? (point.get_bool("check.verify") ? 1 : -1) : 0;

    ctx.writer->add_point(row, row.t_build + row.t_reduce + row.t_search + row.t_check);
    if (!problems.empty()) {
      ctx.writer->flush();
      throw CheckFailure("point " + std::to_string(point.index) + " (instance " +
                         get_field(row.instance_hash) +
                         "): " + problems.substr(0, problems.size() - 2));
    }
    return {out.candidates, out.seconds};
  }

  std::vector<std::string> tables() const override { return {"points", "chunks"}; }

  // One line per group of points with the same generator, mode, k and n.
  void print_summary(const ResultsContents& r, std::ostream& out) const override {
    using Key = std::tuple<std::string, std::string, std::uint32_t, std::uint32_t>;
    struct Group {
      int points = 0, found = 0, agree = 0, disagree = 0, unchecked = 0;
      std::int64_t preimages = 0;
      std::vector<double> search, check, rate;
    };
    std::map<Key, Group> groups;
    for (const auto& p : r.points) {
      Group& g = groups[{get_field(p.source), get_field(p.mode), p.k, p.n}];
      ++g.points;
      g.found += p.found;
      g.agree += p.agree == 1;
      g.disagree += p.agree == 0;
      g.unchecked += p.agree == -1;
      if (p.preimages > 0) g.preimages += p.preimages;
      g.search.push_back(p.t_search);
      if (p.check_sat >= 0) g.check.push_back(p.t_check);
      g.rate.push_back(p.candidates_per_second);
    }
    char line[256];
    std::snprintf(line, sizeof line, "%-8s %-6s %3s %3s %6s %6s %10s %11s %11s %10s %s\n", "source",
                  "mode", "k", "n", "points", "found", "preimages", "search_s", "check_s", "cand/s",
                  "cross-check");
    out << line;
    for (const auto& [key, g] : groups) {
      const auto& [source, mode, k, n] = key;
      std::string check = std::to_string(g.agree) + " agree";
      if (g.disagree) check += ", " + std::to_string(g.disagree) + " DISAGREE";
      if (g.unchecked) check += ", " + std::to_string(g.unchecked) + " unchecked";
      std::snprintf(line, sizeof line, "%-8s %-6s %3u %3u %6d %6d %10s %11.4g %11.4g %10.3g %s\n",
                    source.c_str(), mode.c_str(), k, n, g.points, g.found,
                    mode == "count" ? std::to_string(g.preimages).c_str() : "-", median(g.search),
                    median(g.check), median(g.rate), check.c_str());
      out << line;
    }
    out << "(search_s, check_s, cand/s: medians over the group's points; preimages: total)\n";
  }

  double work_estimate(const Point& point) const override {
    const auto it = point.params.find("source.n");
    return it == point.params.end()
               ? 1.0
               : std::ldexp(1.0, static_cast<int>(std::get<std::int64_t>(it->second)));
  }

 private:
  static Instance build(const Point& point, const JobSpec& spec, const std::string& generator,
                        PointRow& row) {
    Instance inst;
    if (generator == "dimacs") {
      const std::string& path = point.get_string("source.files");
      inst.cnf = read_dimacs_file(spec.resolve(path));
      set_field(row.instance, path, "instance");
      return inst;
    }
    const int n = static_cast<int>(point.get_int("source.n"));
    const int k = static_cast<int>(point.get_int("source.k"));
    const int m = spec.has("source.m")
                      ? static_cast<int>(point.get_int("source.m"))
                      : clauses_for_ratio(n, point.get_double("source.clause_ratio"));
    Rng rng(point.seed);
    if (generator == "planted") {
      PlantedCnf p = planted_ksat(n, k, m, rng);
      inst.cnf = std::move(p.cnf);
      inst.planted = true;
      inst.hidden = p.hidden;
    } else {
      inst.cnf = random_ksat(n, k, m, rng);
    }
    return inst;
  }
};

const Registrar<FamilyInfo> kRegister("inversion.exact",
                                      {"exact inversion of ReLU networks reduced from k-SAT (R1)",
                                       [] { return std::make_unique<InversionExact>(); }});

}  // namespace
}  // namespace sethlab
