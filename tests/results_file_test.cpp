#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <fstream>

#include "core/error.hpp"
#include "io/results_file.hpp"

namespace sethlab {
namespace {

Provenance prov() {
  Provenance p;
  p.family = "inversion.exact";
  p.job_file = "job.toml";
  p.job_text = "[job]\nfamily = \"inversion.exact\"\n";
  p.job_hash = "0123456789abcdef";
  p.hosts = "a,b";
  p.mpi_size = 3;
  p.threads_per_rank = 2;
  p.cpu_model = "test cpu";
  p.start_time = "2026-01-01T00:00:00Z";
  p.points_total = 10;
  p.tables = {"points", "chunks"};
  return p;
}

PointRow row(std::uint64_t i) {
  PointRow r;
  r.point = i;
  r.n = static_cast<std::uint32_t>(10 + i);
  set_field(r.source, "planted", "source");
  set_field(r.witness, "0101", "witness");
  set_field(r.mode, "count", "mode");
  r.preimages = static_cast<std::int64_t>(i * 3);
  r.t_search = 0.5 * static_cast<double>(i);
  r.t_first = std::nan("");
  r.agree = 1;
  return r;
}

std::string temp_path(const std::string& name) {
  const std::string p = ::testing::TempDir() + "/" + name;
  unlink(p.c_str());
  return p;
}

TEST(ResultsFile, WritesAndReadsBackRowsAndProvenance) {
  const std::string path = temp_path("rt.h5");
  {
    ResultsWriter w(path, prov(), false);
    for (std::uint64_t i = 0; i < 5; ++i) {
      w.add_chunk({i, 0, 0, 1, 0, 8, 8, i, i > 0 ? 3 : UINT64_MAX, 0.1, 0.0});
      w.add_chunk({i, 1, 1, 0, 8, 16, 8, 0, UINT64_MAX, 0.2, 0.1});
      w.add_point(row(i), 0.0);
    }
    w.close("complete");
  }
  const ResultsContents r = read_results(path);
  EXPECT_EQ(r.attrs.at("status"), "complete");
  EXPECT_EQ(r.attrs.at("family"), "inversion.exact");
  EXPECT_EQ(r.attrs.at("mpi_size"), "3");
  EXPECT_EQ(r.attrs.at("threads_per_rank"), "2");
  EXPECT_EQ(r.attrs.at("points_total"), "10");
  EXPECT_EQ(r.attrs.at("job_text"), prov().job_text);
  EXPECT_FALSE(r.attrs.at("end_time").empty());
  ASSERT_EQ(r.points.size(), 5u);
  ASSERT_EQ(r.chunks.size(), 10u);
  for (std::uint64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r.points[i].point, i);
    EXPECT_EQ(r.points[i].n, 10 + i);
    EXPECT_EQ(get_field(r.points[i].source), "planted");
    EXPECT_EQ(get_field(r.points[i].witness), "0101");
    EXPECT_EQ(r.points[i].preimages, static_cast<std::int64_t>(3 * i));
    EXPECT_TRUE(std::isnan(r.points[i].t_first));
  }
  EXPECT_EQ(r.chunks[3].end, 16u);
  EXPECT_EQ(r.chunks[2].preimages, 1u);
  EXPECT_EQ(r.chunks[2].first, 3u);
  EXPECT_EQ(r.chunks[3].first, UINT64_MAX);
}

TEST(ResultsFile, RefusesToOverwriteUnlessForced) {
  const std::string path = temp_path("exists.h5");
  std::ofstream(path) << "precious";
  EXPECT_THROW(ResultsWriter(path, prov(), false), InputError);
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious") << "the existing file must be untouched";
  {
    ResultsWriter w(path, prov(), true);
    w.close("complete");
  }
  EXPECT_EQ(read_results(path).points.size(), 0u);
}

TEST(ResultsFile, ReadersSeeFlushedRowsWhileTheWriterIsOpen) {
  const std::string path = temp_path("live.h5");
  ResultsWriter w(path, prov(), false, FlushPolicy{1000, 1000.0, 1.0});
  w.add_point(row(0), 0.0);
  EXPECT_EQ(read_results(path).points.size(), 0u) << "buffered, not yet written";
  w.flush();
  const auto live = read_results(path);
  EXPECT_EQ(live.points.size(), 1u);
  EXPECT_EQ(live.attrs.at("status"), "running");
  w.add_point(row(1), 5.0);  // a slow point is written at once
  EXPECT_EQ(read_results(path).points.size(), 2u);
  // Another process (the SWMR reader case that matters) sees the same rows.
  FILE* p = popen((std::string(SETHLAB_BIN) + " inspect " + path + " 2>&1").c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(pclose(p), 0) << out;
  EXPECT_NE(out.find("points 2 of 10"), std::string::npos) << out;
  EXPECT_NE(out.find("status running"), std::string::npos) << out;
  w.close("complete");
}

TEST(ResultsFile, ReopenContinuesTheSameJobOnly) {
  const std::string path = temp_path("reopen.h5");
  {
    ResultsWriter w(path, prov(), false);
    w.add_chunk({7, 3, 0, 0, 24, 32, 8, 0, UINT64_MAX, 0.5, 0.0});
    w.add_interruption({7, 1.5, 1, 8, 15});
    w.add_point(row(0), 0.0);
    w.close("interrupted");
  }
  Provenance other = prov();
  other.job_hash = "ffffffffffffffff";
  ResultsContents existing;
  EXPECT_THROW(ResultsWriter::reopen(path, other, existing), InputError);
  Provenance slice = prov();
  slice.array_task = 1;
  slice.array_count = 4;
  EXPECT_THROW(ResultsWriter::reopen(path, slice, existing), InputError);
  {
    auto w = ResultsWriter::reopen(path, prov(), existing);
    EXPECT_EQ(existing.points.size(), 1u);
    ASSERT_EQ(existing.chunks.size(), 1u);
    EXPECT_EQ(existing.chunks[0].chunk, 3u);
    ASSERT_EQ(existing.interruptions.size(), 1u);
    EXPECT_EQ(existing.interruptions[0].signal, 15);
    w->add_point(row(1), 0.0);
    w->close("complete");
  }
  const auto r = read_results(path);
  EXPECT_EQ(r.points.size(), 2u);
  EXPECT_EQ(r.attrs.at("status"), "complete");
  EXPECT_NE(r.attrs.at("resumes").find("ranks=3"), std::string::npos) << r.attrs.at("resumes");
}

TEST(ResultsFile, RejectsFilesThatAreNotResults) {
  const std::string text = temp_path("text.h5");
  std::ofstream(text) << "not hdf5";
  try {
    read_results(text);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos);
  }
  EXPECT_THROW(read_results(temp_path("missing.h5")), InputError);
}

TEST(ResultsFile, LongStringsAreRejectedNotTruncated) {
  PointRow r;
  EXPECT_THROW(set_field(r.mode, "much-too-long-mode", "mode"), std::invalid_argument);
}

}  // namespace
}  // namespace sethlab
