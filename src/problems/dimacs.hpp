#pragma once
// DIMACS CNF reading and writing. Accepts what SATLIB distributes: `c` comment lines anywhere,
// one `p cnf N M` header, clauses spread over several lines (each ends at a 0), and a `%` line
// that ends the formula (anything after it is ignored). Malformed input throws InputError
// naming the file and line.
#include <iosfwd>
#include <string>

#include "problems/cnf.hpp"

namespace sethlab {

Cnf read_dimacs(std::istream& in, const std::string& source_name);
Cnf read_dimacs_file(const std::string& path);
void write_dimacs(std::ostream& out, const Cnf& cnf, const std::string& comment = "");
// Writes atomically (temporary file, then rename) so a crash never leaves half a file. It
// replaces `path` if it exists: callers that must not overwrite check first.
void write_dimacs_file(const std::string& path, const Cnf& cnf, const std::string& comment = "");

}  // namespace sethlab
