#pragma once
// `sethlab inspect`: a readable summary of a results file (provenance, then one line per group of
// points with the same generator, mode, k and n).
#include <iosfwd>

#include "io/results_file.hpp"

namespace sethlab {

void print_summary(const ResultsContents& results, std::ostream& out);

}  // namespace sethlab
