#pragma once
// The row of the /attention table (docs/results-format.md): one per finished point of the
// attention family. Declared beside its HDF5 type; registered as table "attention".
#include <cstdint>

#include "io/h5.hpp"

namespace sethlab {

struct AttentionRow {
  std::uint64_t point = 0;
  std::uint32_t repeat = 0;
  std::uint64_t seed = 0;
  char source[16] = {};
  char data_file[128] = {};
  char mechanism[16] = {};
  char kernel[16] = {};
  char precision[8] = {};
  std::uint64_t n = 0;
  std::uint32_t d = 0, d_v = 0;
  double B = 0;
  std::int64_t w = -1;
  std::int32_t p = -1;
  double score_factor = 0;
  double c = 0;
  std::uint32_t tile_queries = 0, tile_keys = 0;
  std::uint32_t ranks = 0, threads = 0;
  std::uint32_t repeats = 0, warmup = 0;
  double time_min = 0, time_median = 0, time_max = 0;
  double flops = 0, gflops = 0;
  std::uint64_t peak_rss_max = 0, peak_rss_min = 0, input_bytes = 0;
  std::int8_t peak_rss_reset = 0;
  std::uint64_t error_rows = 0;
  char target[16] = {};
  double max_abs_error = 0, mean_abs_error = 0, max_rel_error = 0;
  double max_abs_score = 0;
  double v_max = 0;
  double error_bound = 0;
  double check_rel_error = 0, check_tolerance = 0;
  std::int8_t agree = -1;
  double t_build = 0, t_check = 0;
  char note[96] = {};  // why a point has no result (a Taylor denominator <= 0), else empty

  static h5::Handle h5_type();
};

}  // namespace sethlab
