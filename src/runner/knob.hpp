#pragma once
// Knobs: every setting a job file can have is one row of a table (section, name, type, default,
// range or choices, unit, whether it can be swept, help). The table drives parsing, validation,
// error messages, `sethlab knobs` (the job-file reference) and the point parameters recorded with
// each result, so help text and behaviour cannot drift apart.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sethlab {

using Value = std::variant<std::int64_t, double, bool, std::string>;
enum class KnobType { kInt, kFloat, kBool, kString };

struct Knob {
  std::string section;  // TOML table: "job", "source", "search", "check"
  std::string name;
  KnobType type = KnobType::kInt;
  std::optional<Value> default_value;  // nothing: the family decides whether it is required
  double min = 0, max = 0;             // for numbers (inclusive), ignored when min > max
  std::vector<std::string> choices;    // for strings; empty means free text
  bool sweepable = false;              // accepts a list or {from, to, step}
  std::string unit;
  std::string help;

  std::string key() const { return section + "." + name; }
};

std::string type_name(KnobType t);
std::string value_to_string(const Value& v);
// Checks type, range and choices; returns an error text or nothing.
std::optional<std::string> check_value(const Knob& knob, const Value& v);
// Markdown table of the knobs (the job-file reference in `sethlab knobs` and the README).
std::string knob_reference(const std::vector<Knob>& knobs);

}  // namespace sethlab
