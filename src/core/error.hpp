#pragma once
// Errors the user can act on. InputError carries where the problem is (file, line, field) so
// every message reads `file:line: field: problem`, as a compiler or CaDiCaL would print it.
#include <stdexcept>
#include <string>

namespace sethlab {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Builds `file:line: field: problem`, leaving out the parts that are empty or zero.
std::string located_message(const std::string& file, long line, const std::string& field,
                            const std::string& problem);

[[noreturn]] void throw_input_error(const std::string& file, long line, const std::string& field,
                                    const std::string& problem);

// An independent check disagreed with a solver's answer: never silently recorded as fine.
class CheckFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit statuses of the sethlab executable (documented in the README).
namespace exit_status {
inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;      // runtime failure (I/O, MPI, a solver crashed)
inline constexpr int kBadInput = 2;     // bad job file, DIMACS file, flags or output path
inline constexpr int kDisagree = 3;     // an independent cross-check disagreed
inline constexpr int kInterrupted = 4;  // stopped by a signal after a clean checkpoint
}  // namespace exit_status

}  // namespace sethlab
