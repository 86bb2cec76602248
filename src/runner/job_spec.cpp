#include "runner/job_spec.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "runner/family.hpp"

namespace sethlab {

std::vector<Knob> common_knobs() {
  std::vector<Knob> k;
  k.push_back({"job", "family", KnobType::kString, std::nullopt, 0, -1,
               FamilyRegistry::instance().names(), false, "", "experiment family (required)"});
  k.push_back({"job",
               "name",
               KnobType::kString,
               Value{std::string()},
               0,
               -1,
               {},
               false,
               "",
               "free-form name, recorded in the results"});
  k.push_back({"job",
               "seed",
               KnobType::kInt,
               Value{std::int64_t{1}},
               0,
               9.0e18,
               {},
               false,
               "",
               "job seed; each point's seed is derived from (seed, point parameters, repeat)"});
  k.push_back({"job",
               "repeats",
               KnobType::kInt,
               Value{std::int64_t{1}},
               1,
               1000000,
               {},
               false,
               "",
               "instances per sweep point"});
  return k;
}

long JobSpec::line_of(const std::string& key) const {
  auto it = lines.find(key);
  return it == lines.end() ? 0 : it->second;
}

void JobSpec::fail(const std::string& key, const std::string& problem) const {
  throw_input_error(file, line_of(key), key, problem);
}

std::string JobSpec::resolve(const std::string& path) const {
  const std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

namespace {

long line_of(const toml::node& n) {
  return static_cast<long>(n.source().begin.line);
}

// One TOML scalar as a knob value; integers are accepted where numbers are expected.
Value to_value(const toml::node& n, const Knob& knob, const JobSpec& spec) {
  if (auto i = n.value_exact<std::int64_t>()) {
    if (knob.type == KnobType::kFloat) return static_cast<double>(*i);
    return *i;
  }
  if (auto d = n.value_exact<double>()) return *d;
  if (auto b = n.value_exact<bool>()) return *b;
  if (auto s = n.value_exact<std::string>()) return *s;
  throw_input_error(
      spec.file, line_of(n), knob.key(),
      "expected " + type_name(knob.type) + ", got a TOML " +
          std::string(toml::impl::node_type_friendly_names[static_cast<int>(n.type())]));
}

void check_or_fail(const Knob& knob, const Value& v, const JobSpec& spec, long line) {
  if (auto problem = check_value(knob, v)) throw_input_error(spec.file, line, knob.key(), *problem);
}

// {from, to, step} with to inclusive (within a relative 1e-9 for numbers).
std::vector<Value> expand_range(const toml::table& t, const Knob& knob, const JobSpec& spec) {
  const long line = line_of(t);
  if (knob.type != KnobType::kInt && knob.type != KnobType::kFloat)
    throw_input_error(spec.file, line, knob.key(), "a range needs a numeric knob");
  for (auto&& [k, v] : t)
    if (k.str() != "from" && k.str() != "to" && k.str() != "step")
      throw_input_error(spec.file, line_of(v), knob.key(),
                        "unknown range key '" + std::string(k.str()) + "' (from, to, step)");
  for (const char* need : {"from", "to"})
    if (!t.contains(need))
      throw_input_error(spec.file, line, knob.key(), std::string("range needs '") + need + "'");
  const Value from = to_value(*t.get("from"), knob, spec);
  const Value to = to_value(*t.get("to"), knob, spec);
  const Value step = t.contains("step")
                         ? to_value(*t.get("step"), knob, spec)
                         : (knob.type == KnobType::kInt ? Value{std::int64_t{1}} : Value{1.0});
  check_or_fail(knob, from, spec, line);
  check_or_fail(knob, to, spec, line);
  std::vector<Value> out;
  if (knob.type == KnobType::kInt) {
    const auto* a = std::get_if<std::int64_t>(&from);
    const auto* b = std::get_if<std::int64_t>(&to);
    const auto* s = std::get_if<std::int64_t>(&step);
    if (!a || !b || !s)
      throw_input_error(spec.file, line, knob.key(), "range of an integer knob needs integers");
    if (*s <= 0) throw_input_error(spec.file, line, knob.key(), "range step must be positive");
    if (*b < *a) throw_input_error(spec.file, line, knob.key(), "range 'to' is below 'from'");
    if ((*b - *a) / *s >= 100000)
      throw_input_error(spec.file, line, knob.key(), "range has over 100000 values");
    for (std::int64_t x = *a; x <= *b; x += *s) out.emplace_back(x);
  } else {
    const double a = std::get<double>(from), b = std::get<double>(to), s = std::get<double>(step);
    if (!(s > 0)) throw_input_error(spec.file, line, knob.key(), "range step must be positive");
    if (b < a) throw_input_error(spec.file, line, knob.key(), "range 'to' is below 'from'");
    const double count = std::floor((b - a) / s * (1 + 1e-9) + 1e-9);
    if (count >= 100000)
      throw_input_error(spec.file, line, knob.key(), "range has over 100000 values");
    for (long i = 0; i <= static_cast<long>(count); ++i)
      out.emplace_back(a + static_cast<double>(i) * s);
  }
  return out;
}

std::vector<Value> read_knob(const toml::node& n, const Knob& knob, const JobSpec& spec) {
  std::vector<Value> out;
  if (const auto* arr = n.as_array()) {
    if (!knob.sweepable) spec.fail(knob.key(), "takes one value, not a list");
    if (arr->empty()) throw_input_error(spec.file, line_of(n), knob.key(), "empty list");
    for (const auto& e : *arr) {
      Value v = to_value(e, knob, spec);
      check_or_fail(knob, v, spec, line_of(e));
      out.push_back(std::move(v));
    }
  } else if (const auto* t = n.as_table()) {
    if (!knob.sweepable) spec.fail(knob.key(), "takes one value, not a range");
    out = expand_range(*t, knob, spec);
  } else {
    Value v = to_value(n, knob, spec);
    check_or_fail(knob, v, spec, line_of(n));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

JobSpec parse_job(const std::string& text, const std::string& file, bool check_files) {
  JobSpec spec;
  spec.check_files = check_files;
  spec.file = file;
  spec.base_dir = std::filesystem::path(file).parent_path().string();
  spec.text = text;
  spec.hash = hash_hex(text);

  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw_input_error(file, static_cast<long>(e.source().begin.line), "",
                      "TOML syntax error: " + std::string(e.description()));
  }

  const toml::table* job = root["job"].as_table();
  if (job == nullptr) throw_input_error(file, 0, "job", "missing [job] table");
  const toml::node* fam = job->get("family");
  if (fam == nullptr)
    throw_input_error(file, line_of(*job), "job.family",
                      "missing (known: " + join_names(FamilyRegistry::instance().names()) + ")");
  const auto fam_name = fam->value_exact<std::string>();
  if (!fam_name || FamilyRegistry::instance().find(*fam_name) == nullptr)
    throw_input_error(
        file, line_of(*fam), "job.family",
        "unknown family (known: " + join_names(FamilyRegistry::instance().names()) + ")");
  spec.family = *fam_name;
  const std::unique_ptr<Family> family = make_family(spec.family);
  spec.knobs = common_knobs();
  for (auto& k : family->knobs()) spec.knobs.push_back(std::move(k));

  for (auto&& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const toml::table* table = section_node.as_table();
    bool known_section = false;
    for (const auto& k : spec.knobs) known_section = known_section || k.section == section;
    if (!known_section || table == nullptr)
      throw_input_error(
          file, line_of(section_node), section,
          known_section ? "must be a table" : "unknown section for family " + spec.family);
    for (auto&& [key, node] : *table) {
      const std::string full = section + "." + std::string(key.str());
      const Knob* knob = nullptr;
      for (const auto& k : spec.knobs)
        if (k.key() == full) knob = &k;
      if (knob == nullptr) {
        std::string known;
        for (const auto& k : spec.knobs)
          if (k.section == section) known += (known.empty() ? "" : ", ") + k.name;
        throw_input_error(file, line_of(node), full,
                          "unknown key (known in [" + section + "]: " + known + ")");
      }
      spec.lines[full] = line_of(node);
      spec.given.insert(full);
      spec.values[full] = read_knob(node, *knob, spec);
    }
  }
  for (const auto& k : spec.knobs)
    if (!spec.values.count(k.key()) && k.default_value) spec.values[k.key()] = {*k.default_value};

  spec.seed =
      static_cast<std::uint64_t>(std::get<std::int64_t>(spec.values.at("job.seed").front()));
  spec.repeats = std::get<std::int64_t>(spec.values.at("job.repeats").front());
  family->validate(spec);
  return spec;
}

JobSpec load_job(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw_input_error(path, 0, "", "cannot open the job file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_job(ss.str(), path);
}

}  // namespace sethlab
