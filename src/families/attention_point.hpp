#pragma once
// One point of the `attention` family (families/attention_family.cpp has the knobs): build the
// workload (seeded, or rows of a user's HDF5 file), run distributed attention warm-up + repeats
// times, measure time, flops and peak memory, then measure the error of sampled output rows
// against the float64 reference (attention/sampled_reference.hpp) and record an /attention row.
#include <string>
#include <vector>

#include "runner/family.hpp"

namespace sethlab {

PointSummary run_attention_point(const Point& point, const JobSpec& spec, RunContext& ctx);

// The work of a point in flops, as recorded: exact 2 n_pairs (d + d_v) (n_pairs = n^2, or the
// pairs inside the window), Taylor 4 n F (d_v + 1) with F = C(d + p, p).
double attention_flops(const std::string& mechanism, std::size_t n, std::size_t d, std::size_t d_v,
                       long window, long p);

// "1, 1, 0.5" -> {1, 1, 0.5}; std::invalid_argument naming the item that is not a number.
std::vector<double> parse_taylor_coefficients(const std::string& text);

}  // namespace sethlab
