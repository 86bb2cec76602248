#pragma once
// An experiment family (inversion.exact, attention; approximate inversion later): its
// knobs, its cross-key validation, and how one point runs. Families register themselves by name
// in their own file under families/.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "core/registry.hpp"
#include "runner/job_spec.hpp"
#include "runner/knob.hpp"
#include "search/chunk_record.hpp"

namespace sethlab {

class ResultsWriter;
struct ResultsContents;

struct Point {
  std::uint64_t index = 0;  // position in the expanded job
  std::uint32_t repeat = 0;
  std::uint64_t seed = 0;
  std::map<std::string, Value> params;  // knob key -> value

  std::int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  const std::string& get_string(const std::string& key) const;
  // `key=value` for the given keys (the swept ones, for progress lines) and the repeat.
  std::string describe(const std::vector<std::string>& keys) const;
};

// What earlier runs of the same results file did for one unfinished point (rank 0).
struct PointCheckpoint {
  std::vector<ChunkRecord> chunks;  // finished chunks
  double seconds = 0;               // wall time of the interrupted attempts
};

struct RunContext {
  Comm& comm;
  ResultsWriter* writer = nullptr;  // rank 0 only
  int threads = 1;
  const std::map<std::uint64_t, PointCheckpoint>* checkpoints = nullptr;  // rank 0, on resume
};

// What a point reports back to the runner.
struct PointSummary {
  std::uint64_t candidates = 0;
  double seconds = 0;
  bool interrupted = false;  // rank 0: a stop signal ended it; its chunks are recorded
};

class Family {
 public:
  virtual ~Family() = default;
  virtual std::vector<Knob> knobs() const = 0;
  // Cross-key rules and checks of referenced files; throws InputError via spec.fail().
  virtual void validate(const JobSpec& spec) const = 0;
  // Collective over ctx.comm. Rank 0 hands the rows to ctx.writer. Throws CheckFailure when an
  // independent check disagrees (after recording the row).
  virtual PointSummary run_point(const Point& point, const JobSpec& spec,
                                 RunContext& ctx) const = 0;
  // The results tables it writes (io/table_types.hpp), besides /interruptions.
  virtual std::vector<std::string> tables() const = 0;
  // Its part of `sethlab inspect` and of the end-of-run summary: a table of its rows.
  virtual void print_summary(const ResultsContents& results, std::ostream& out) const = 0;
  // Sets the knobs a point does not use to one fixed value (attention: the Taylor order of an
  // exact mechanism), so that a sweep over them does not repeat the same measurement:
  // expand_points keeps the first of the points that become equal.
  virtual void canonicalize(std::map<std::string, Value>& /*params*/) const {}
  // Relative cost of a point, for progress ETAs (inversion: 2^n).
  virtual double work_estimate(const Point& /*point*/) const { return 1.0; }
};

struct FamilyInfo {
  std::string help;
  std::function<std::unique_ptr<Family>()> make;
};
using FamilyRegistry = Registry<FamilyInfo>;

std::unique_ptr<Family> make_family(const std::string& name);

}  // namespace sethlab
