#include "runner/knob.hpp"

#include <cmath>
#include <sstream>

namespace sethlab {

std::string type_name(KnobType t) {
  switch (t) {
    case KnobType::kInt:
      return "integer";
    case KnobType::kFloat:
      return "number";
    case KnobType::kBool:
      return "boolean";
    case KnobType::kString:
      return "string";
  }
  return "?";
}

std::string value_to_string(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    std::ostringstream os;
    os.precision(15);
    os << *d;
    return os.str();
  }
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "\"" + std::get<std::string>(v) + "\"";
}

std::optional<std::string> check_value(const Knob& knob, const Value& v) {
  const bool numeric = knob.type == KnobType::kInt || knob.type == KnobType::kFloat;
  double x = 0;
  switch (knob.type) {
    case KnobType::kInt:
      if (!std::holds_alternative<std::int64_t>(v))
        return "expected an integer, got " + value_to_string(v);
      x = static_cast<double>(std::get<std::int64_t>(v));
      break;
    case KnobType::kFloat:
      if (!std::holds_alternative<double>(v)) return "expected a number, got " + value_to_string(v);
      x = std::get<double>(v);
      if (!std::isfinite(x)) return "expected a finite number";
      break;
    case KnobType::kBool:
      if (!std::holds_alternative<bool>(v))
        return "expected true or false, got " + value_to_string(v);
      break;
    case KnobType::kString:
      if (!std::holds_alternative<std::string>(v))
        return "expected a string, got " + value_to_string(v);
      if (!knob.choices.empty()) {
        const auto& s = std::get<std::string>(v);
        bool ok = false;
        std::string list;
        for (const auto& c : knob.choices) {
          ok = ok || c == s;
          list += (list.empty() ? "" : ", ") + c;
        }
        if (!ok) return "'" + s + "' is not one of: " + list;
      }
      break;
  }
  if (numeric && knob.min <= knob.max && (x < knob.min || x > knob.max)) {
    std::ostringstream os;
    os << value_to_string(v) << " is outside the range " << knob.min << " .. " << knob.max;
    return os.str();
  }
  return std::nullopt;
}

std::string knob_reference(const std::vector<Knob>& knobs) {
  std::ostringstream os;
  os << "| key | type | default | range | sweep | help |\n|---|---|---|---|---|---|\n";
  for (const auto& k : knobs) {
    os << "| `" << k.key() << "` | " << type_name(k.type) << " | "
       << (k.default_value ? value_to_string(*k.default_value) : "(none)") << " | ";
    if (!k.choices.empty()) {
      for (std::size_t i = 0; i < k.choices.size(); ++i) os << (i ? ", " : "") << k.choices[i];
    } else if (k.min <= k.max && k.type != KnobType::kBool && k.type != KnobType::kString) {
      os << k.min << " .. " << k.max;
    }
    if (!k.unit.empty()) os << " " << k.unit;
    os << " | " << (k.sweepable ? "yes" : "no") << " | " << k.help << " |\n";
  }
  return os.str();
}

}  // namespace sethlab
