#include "runner/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <tuple>

namespace sethlab {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

}  // namespace

void print_summary(const ResultsContents& r, std::ostream& out) {
  const auto& a = r.attrs;
  out << "sethlab results: family " << a.at("family") << ", status " << a.at("status") << "\n"
      << "  job " << a.at("job_file") << " (hash " << a.at("job_hash") << "), points "
      << r.points.size() << " of " << a.at("points_total") << "\n"
      << "  sethlab " << a.at("sethlab_version") << " (" << a.at("git_commit") << "), "
      << a.at("compiler") << ", " << a.at("build_type") << "\n"
      << "  " << a.at("mpi_size") << " rank(s) x " << a.at("threads_per_rank") << " thread(s) on "
      << a.at("hosts") << " (" << a.at("cpu_model") << ")\n"
      << "  started " << a.at("start_time") << ", ended "
      << (a.at("end_time").empty() ? "-" : a.at("end_time")) << "\n";

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

}  // namespace sethlab
