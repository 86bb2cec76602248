#include "runner/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>

#include "runner/family.hpp"

namespace sethlab {
double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

void print_summary(const ResultsContents& r, std::ostream& out) {
  const auto& a = r.attrs;
  out << "sethlab results: family " << a.at("family") << ", status " << a.at("status") << "\n"
      << "  job " << a.at("job_file") << " (hash " << a.at("job_hash") << "), points "
      << r.finished_points().size() << " of " << a.at("points_total") << "\n"
      << "  sethlab " << a.at("sethlab_version") << " (" << a.at("git_commit") << "), "
      << a.at("compiler") << ", " << a.at("build_type") << "\n"
      << "  " << a.at("mpi_size") << " rank(s) x " << a.at("threads_per_rank") << " thread(s) on "
      << a.at("hosts") << " (" << a.at("cpu_model") << ")\n"
      << "  started " << a.at("start_time") << ", ended "
      << (a.at("end_time").empty() ? "-" : a.at("end_time")) << "\n";

  const auto family = FamilyRegistry::instance().find(a.at("family"));
  if (family == nullptr)
    out << "(no summary: this build has no family " << a.at("family") << ")\n";
  else
    family->make()->print_summary(r, out);
}

}  // namespace sethlab
