#include "io/attention_row.hpp"

#include <cstddef>

#include "io/compound.hpp"
#include "io/table_types.hpp"

namespace sethlab {

h5::Handle AttentionRow::h5_type() {
  h5::CompoundBuilder b(sizeof(AttentionRow));
  SETHLAB_NUM(b, AttentionRow, point);
  SETHLAB_NUM(b, AttentionRow, repeat);
  SETHLAB_NUM(b, AttentionRow, seed);
  SETHLAB_STR(b, AttentionRow, source);
  SETHLAB_STR(b, AttentionRow, data_file);
  SETHLAB_STR(b, AttentionRow, mechanism);
  SETHLAB_STR(b, AttentionRow, kernel);
  SETHLAB_STR(b, AttentionRow, precision);
  SETHLAB_NUM(b, AttentionRow, n);
  SETHLAB_NUM(b, AttentionRow, d);
  SETHLAB_NUM(b, AttentionRow, d_v);
  SETHLAB_NUM(b, AttentionRow, B);
  SETHLAB_NUM(b, AttentionRow, w);
  SETHLAB_NUM(b, AttentionRow, p);
  SETHLAB_NUM(b, AttentionRow, score_factor);
  SETHLAB_NUM(b, AttentionRow, c);
  SETHLAB_NUM(b, AttentionRow, tile_queries);
  SETHLAB_NUM(b, AttentionRow, tile_keys);
  SETHLAB_NUM(b, AttentionRow, ranks);
  SETHLAB_NUM(b, AttentionRow, threads);
  SETHLAB_NUM(b, AttentionRow, repeats);
  SETHLAB_NUM(b, AttentionRow, warmup);
  SETHLAB_NUM(b, AttentionRow, time_min);
  SETHLAB_NUM(b, AttentionRow, time_median);
  SETHLAB_NUM(b, AttentionRow, time_max);
  SETHLAB_NUM(b, AttentionRow, flops);
  SETHLAB_NUM(b, AttentionRow, gflops);
  SETHLAB_NUM(b, AttentionRow, peak_rss_max);
  SETHLAB_NUM(b, AttentionRow, peak_rss_min);
  SETHLAB_NUM(b, AttentionRow, input_bytes);
  SETHLAB_NUM(b, AttentionRow, peak_rss_reset);
  SETHLAB_NUM(b, AttentionRow, error_rows);
  SETHLAB_STR(b, AttentionRow, target);
  SETHLAB_NUM(b, AttentionRow, max_abs_error);
  SETHLAB_NUM(b, AttentionRow, mean_abs_error);
  SETHLAB_NUM(b, AttentionRow, max_rel_error);
  SETHLAB_NUM(b, AttentionRow, max_abs_score);
  SETHLAB_NUM(b, AttentionRow, v_max);
  SETHLAB_NUM(b, AttentionRow, error_bound);
  SETHLAB_NUM(b, AttentionRow, check_rel_error);
  SETHLAB_NUM(b, AttentionRow, check_tolerance);
  SETHLAB_NUM(b, AttentionRow, agree);
  SETHLAB_NUM(b, AttentionRow, t_build);
  SETHLAB_NUM(b, AttentionRow, t_check);
  SETHLAB_STR(b, AttentionRow, note);
  return b.done();
}

namespace {
const TableRegistrar<AttentionRow> kAttention("attention", 64, TableRole::kFinishedPoints);
}  // namespace

}  // namespace sethlab
