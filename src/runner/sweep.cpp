#include "runner/sweep.hpp"

#include <map>
#include <memory>
#include <set>
#include "core/hash.hpp"

#include "core/rng.hpp"

namespace sethlab {

std::vector<std::string> swept_keys(const JobSpec& spec) {
  std::vector<std::string> keys;
  for (const auto& k : spec.knobs) {
    auto it = spec.values.find(k.key());
    if (it != spec.values.end() && it->second.size() > 1) keys.push_back(k.key());
  }
  return keys;
}

std::vector<Point> expand_points(const JobSpec& spec) {
  std::vector<std::string> keys;
  for (const auto& k : spec.knobs)
    if (spec.values.count(k.key())) keys.push_back(k.key());
  std::vector<std::size_t> digit(keys.size(), 0);
  std::vector<Point> points;
  const std::unique_ptr<Family> family = make_family(spec.family);
  std::set<std::string> seen;     // canonical parameter sets already expanded
  std::set<std::string> written;  // parameter sets as the job lists them
  while (true) {
    Point base;
    for (std::size_t i = 0; i < keys.size(); ++i)
      base.params[keys[i]] = spec.values.at(keys[i])[digit[i]];
    std::string as_written;
    for (const auto& key : keys) as_written += key + "=" + value_to_string(base.params[key]) + ";";
    family->canonicalize(base.params);
    Fnv1a64 h;
    std::string canonical;
    for (const auto& key : keys) {  // knob order: seeds stay as they were before canonicalize
      const Value& v = base.params.at(key);
      canonical += key + "=" + value_to_string(v) + ";";
      // Only what defines the instance feeds its seed: points that differ in how they are
      // searched or checked (mode, solver, ...) get the same instances, so they pair up.
      if (key.rfind("source.", 0) == 0) {
        h.add_bytes(key);
        h.add_bytes("=");
        h.add_bytes(value_to_string(v));
        h.add_bytes(";");
      }
    }
    // A point collapses only onto one it became equal to through canonicalize: a job that lists
    // a value twice keeps both points, as it always did, so indices in existing files stay valid.
    const bool literal_repeat = !written.insert(as_written).second;
    const bool fresh = seen.insert(canonical).second || literal_repeat;
    for (std::int64_t r = 0; fresh && r < spec.repeats; ++r) {
      Point p = base;
      p.index = points.size();
      p.repeat = static_cast<std::uint32_t>(r);
      p.seed = derive_seed(spec.seed, h.value(), static_cast<std::uint64_t>(r));
      points.push_back(std::move(p));
    }
    // Odometer increment, last key fastest.
    std::size_t i = keys.size();
    while (i > 0) {
      --i;
      if (++digit[i] < spec.values.at(keys[i]).size()) break;
      digit[i] = 0;
      if (i == 0) return points;
    }
    if (keys.empty()) return points;
  }
}

}  // namespace sethlab
