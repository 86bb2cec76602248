#pragma once
// The rows of the results tables (docs/results-format.md), each with its HDF5 compound type
// declared beside it. Strings are fixed-length and NUL-terminated.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "io/h5.hpp"
#include "search/chunk_record.hpp"

namespace sethlab {

// Copies s into a fixed char field; throws if it does not fit (never silently truncates).
template <std::size_t N>
void set_field(char (&field)[N], const std::string& s, const char* name) {
  if (s.size() >= N)
    throw std::invalid_argument(std::string("value for ") + name + " is longer than " +
                                std::to_string(N - 1) + " characters: " + s);
  std::memset(field, 0, N);
  std::memcpy(field, s.data(), s.size());
}

template <std::size_t N>
std::string get_field(const char (&field)[N]) {
  return std::string(field, strnlen(field, N));
}

struct PointRow {
  std::uint64_t point = 0;
  std::uint32_t repeat = 0;
  std::uint64_t seed = 0;
  char source[16] = {};
  char instance[128] = {};
  char instance_hash[17] = {};
  std::uint32_t n = 0, k = 0, m = 0;
  double clause_ratio = 0;
  char reduction[16] = {};
  std::uint32_t net_width = 0;
  std::uint64_t net_nnz = 0;
  char mode[8] = {};
  char solver[24] = {};
  std::int8_t found = 0;
  char witness[65] = {};
  std::int64_t preimages = -1;
  std::uint64_t candidates = 0;
  std::uint32_t chunks = 0;
  double t_build = 0, t_reduce = 0, t_search = 0, t_check = 0, t_first = 0;
  double candidates_per_second = 0;
  char check_solver[16] = {};
  std::int8_t check_sat = -1;
  std::int8_t agree = -1;
  std::int8_t planted = 0;
  char hidden[65] = {};
  std::uint32_t ranks = 0, threads = 0;

  static h5::Handle h5_type();
};

struct ChunkRow {
  std::uint64_t point = 0;
  std::uint64_t chunk = 0;
  std::uint32_t rank = 0;
  std::uint32_t thread = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t candidates = 0;
  std::uint64_t preimages = 0;
  std::uint64_t first = UINT64_MAX;  // smallest preimage in the chunk (UINT64_MAX: none)
  double seconds = 0;
  double started = 0;

  static h5::Handle h5_type();
};

// A chunk record as a row of point `point`, and back (the same fields, in one place).
ChunkRow to_chunk_row(std::uint64_t point, const ChunkRecord& c);
ChunkRecord to_chunk_record(const ChunkRow& r);

// A point stopped by a signal before its answer was known: the wall time of that attempt (its
// finished chunks are in /chunks), so a resumed point's t_search covers every attempt.
struct InterruptionRow {
  std::uint64_t point = 0;
  double seconds = 0;
  std::uint64_t chunks = 0;      // chunks finished in the attempt
  std::uint64_t candidates = 0;  // latents evaluated in the attempt
  std::int64_t signal = 0;

  static h5::Handle h5_type();
};

}  // namespace sethlab
