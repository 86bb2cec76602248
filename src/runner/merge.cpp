#include "runner/merge.hpp"

#include <unistd.h>

#include <map>
#include <ostream>
#include <set>

#include "core/error.hpp"
#include "io/results_file.hpp"

namespace sethlab {

MergeReport merge_results(const std::vector<std::string>& parts, const std::string& output,
                          bool force) {
  if (parts.empty()) throw InputError("merge needs at least one results file");
  if (!force && access(output.c_str(), F_OK) == 0)
    throw_input_error(output, 0, "", "output file exists; pass --force to replace it");
  std::vector<ResultsContents> contents;
  for (const auto& p : parts) {
    if (p == output) throw_input_error(p, 0, "", "is both a part and the output");
    contents.push_back(read_results(p));
    const auto& a = contents.back().attrs;
    const auto& first = contents.front().attrs;
    if (a.at("job_hash") != first.at("job_hash") || a.at("family") != first.at("family"))
      throw_input_error(p, 0, "job_hash",
                        "comes from job " + a.at("job_hash") + ", " + parts.front() + " from " +
                            first.at("job_hash"));
  }

  // Provenance: the first part's job, every part's run described under /parts.
  const auto& a0 = contents.front().attrs;
  Provenance prov;
  prov.family = a0.at("family");
  prov.job_file = a0.at("job_file");
  prov.job_text = a0.at("job_text");
  prov.job_hash = a0.at("job_hash");
  std::set<std::string> hosts;
  std::string earliest = a0.at("start_time");
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const auto& a = contents[i].attrs;
    std::map<std::string, std::string> part = a;
    part.erase("job_text");
    part["path"] = parts[i];
    part["points_in_part"] = std::to_string(contents[i].finished_points().size());
    prov.parts.push_back(std::move(part));
    std::string h = a.at("hosts");
    for (std::size_t pos = 0; pos <= h.size();) {
      const auto comma = h.find(',', pos);
      hosts.insert(h.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    earliest = std::min(earliest, a.at("start_time"));
  }
  for (const auto& h : hosts) prov.hosts += (prov.hosts.empty() ? "" : ",") + h;
  prov.mpi_size = std::stoi(a0.at("mpi_size"));
  prov.threads_per_rank = std::stoi(a0.at("threads_per_rank"));
  prov.cpu_model = a0.at("cpu_model");
  prov.start_time = earliest;
  prov.points_total = std::stoull(a0.at("points_total"));
  std::set<std::string> tables;
  for (const auto& c : contents)
    for (const auto& [name, rows] : c.tables) tables.insert(name);
  prov.tables.assign(tables.begin(), tables.end());

  MergeReport report;
  std::set<std::uint64_t> seen;
  ResultsWriter writer(output, prov, force);
  for (const auto& c : contents) {
    // A point is taken from the first part that finished it, with all its rows in every table.
    std::set<std::uint64_t> taken;
    for (const std::uint64_t p : c.finished_points()) {
      if (!seen.insert(p).second) {
        report.duplicates.push_back(p);
        continue;
      }
      taken.insert(p);
    }
    for (const auto& [name, rows] : c.tables)
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (taken.count(rows.point(i))) writer.add_raw(name, rows.row(i), rows.row_size());
  }
  for (std::uint64_t i = 0; i < prov.points_total; ++i)
    if (!seen.count(i)) report.missing.push_back(i);
  report.points = seen.size();
  writer.close(report.complete() ? "complete" : "incomplete");
  return report;
}

void print_merge_report(const MergeReport& r, std::ostream& out) {
  auto list = [&](const std::vector<std::uint64_t>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 20; ++i) s += (i ? " " : "") + std::to_string(v[i]);
    if (v.size() > 20) s += " ...";
    return s;
  };
  out << "merged " << r.points << " point(s)";
  if (r.complete())
    out << ": complete\n";
  else
    out << ": INCOMPLETE\n";
  if (!r.duplicates.empty())
    out << "  " << r.duplicates.size()
        << " duplicate point(s), first copy kept: " << list(r.duplicates) << "\n";
  if (!r.missing.empty())
    out << "  " << r.missing.size() << " missing point(s): " << list(r.missing) << "\n";
}

}  // namespace sethlab
