#pragma once
// `sethlab inspect`: a readable summary of a results file (provenance, then the family's own
// table: Family::print_summary).
#include <iosfwd>
#include <vector>

#include "io/results_file.hpp"

namespace sethlab {

void print_summary(const ResultsContents& results, std::ostream& out);

// The median (NaN for none): the summaries print medians over a group's points.
double median(std::vector<double> v);

}  // namespace sethlab
