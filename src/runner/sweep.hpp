#pragma once
// Expands a job into points: the cartesian product of every knob's values (knob table order, the
// last knob varying fastest), then the repeats. A point's seed comes from the job seed, the point's
// [source] values and the repeat, so it does not depend on ranks, threads, array slicing, on which
// other values a sweep lists, or on how the point is searched and checked. Points that the
// family makes equal (Family::canonicalize: a knob the point does not use) are expanded once.
#include <vector>

#include "runner/family.hpp"
#include "runner/job_spec.hpp"

namespace sethlab {

std::vector<Point> expand_points(const JobSpec& spec);
// Keys with more than one value: what distinguishes points in progress lines.
std::vector<std::string> swept_keys(const JobSpec& spec);

}  // namespace sethlab
