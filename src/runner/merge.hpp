#pragma once
// `sethlab merge`: combines the files of one job's array tasks (or of any runs of the same job)
// into one results file. Every part's provenance is kept under /parts; points found in several
// parts or in none are reported.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace sethlab {

struct MergeReport {
  std::size_t points = 0;
  std::vector<std::uint64_t> duplicates;  // point indices found in more than one part
  std::vector<std::uint64_t> missing;     // indices in 0..points_total-1 found in no part
  bool complete() const { return duplicates.empty() && missing.empty(); }
};

// Throws InputError for unreadable parts, parts of different jobs, or an existing output
// without `force`. The merged file's status is "complete" or "incomplete".
MergeReport merge_results(const std::vector<std::string>& parts, const std::string& output,
                          bool force);
void print_merge_report(const MergeReport& report, std::ostream& out);

}  // namespace sethlab
