#pragma once
// A parsed, validated job file. Every key is checked against the family's knob table; unknown
// keys, wrong types and out-of-range values are InputErrors reading `file:line: key: problem`.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runner/knob.hpp"

namespace sethlab {

struct JobSpec {
  std::string file;      // path the job was read from
  std::string base_dir;  // its directory: relative paths in the job are resolved from here
  std::string text;
  std::string hash;
  std::string family;
  std::uint64_t seed = 1;
  std::int64_t repeats = 1;
  std::vector<Knob> knobs;                           // common knobs, then the family's
  std::map<std::string, std::vector<Value>> values;  // key -> sweep values (defaults included)
  std::set<std::string> given;                       // keys the file sets
  std::map<std::string, long> lines;                 // key -> line in the file
  bool check_files = true;                           // validate referenced files (rank 0 only)

  bool has(const std::string& key) const { return given.count(key) > 0; }
  long line_of(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;
  // Resolves a path from the job file relative to the job file's directory.
  std::string resolve(const std::string& path) const;
};

// Parses and validates (including the family's own cross-key rules). `file` names the source in
// error messages and anchors relative paths.
JobSpec parse_job(const std::string& text, const std::string& file, bool check_files = true);
JobSpec load_job(const std::string& path);

// The [job] knobs every family shares.
std::vector<Knob> common_knobs();

}  // namespace sethlab
