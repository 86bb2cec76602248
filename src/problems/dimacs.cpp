#include "problems/dimacs.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "core/error.hpp"

namespace sethlab {
namespace {

// Parses one whitespace-separated token as a decimal integer, or throws with the location.
long long parse_int(const std::string& token, const std::string& file, long line,
                    const char* what) {
  long long v = 0;
  const char* first = token.data();
  const char* last = token.data() + token.size();
  if (!token.empty() && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || first == last)
    throw_input_error(file, line, "",
                      std::string("parse error: ") + what + " '" + token + "' is not an integer");
  return v;
}

}  // namespace

Cnf read_dimacs(std::istream& in, const std::string& file) {
  Cnf cnf;
  bool have_header = false;
  long long declared_clauses = 0;
  Clause current;
  long current_start_line = 0;
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const char lead = line[first];
    if (lead == 'c') continue;
    if (lead == '%') break;  // SATLIB end marker: the formula is complete
    std::istringstream tokens(line.substr(first));
    if (lead == 'p') {
      if (have_header) throw_input_error(file, line_no, "", "parse error: second 'p' header");
      std::string p, fmt, vars, clauses, extra;
      tokens >> p >> fmt >> vars >> clauses;
      if (p != "p" || fmt != "cnf" || clauses.empty())
        throw_input_error(file, line_no, "",
                          "parse error: header must read 'p cnf <variables> <clauses>'");
      if (tokens >> extra)
        throw_input_error(file, line_no, "", "parse error: unexpected '" + extra + "' in header");
      const long long n = parse_int(vars, file, line_no, "variable count");
      declared_clauses = parse_int(clauses, file, line_no, "clause count");
      if (n < 0 || n > 1000000)
        throw_input_error(file, line_no, "", "variable count " + vars + " out of range 0..1000000");
      if (declared_clauses < 0)
        throw_input_error(file, line_no, "", "negative clause count " + clauses);
      cnf.num_vars = static_cast<int>(n);
      have_header = true;
      continue;
    }
    if (!have_header)
      throw_input_error(file, line_no, "", "parse error: clause before the 'p cnf' header");
    std::string token;
    while (tokens >> token) {
      const long long lit = parse_int(token, file, line_no, "literal");
      if (lit == 0) {
        cnf.clauses.push_back(std::move(current));
        current.clear();
        continue;
      }
      if (lit < -cnf.num_vars || lit > cnf.num_vars)
        throw_input_error(
            file, line_no, "",
            "literal " + token + " names a variable outside 1.." + std::to_string(cnf.num_vars));
      if (current.empty()) current_start_line = line_no;
      current.push_back(static_cast<int>(lit));
    }
  }
  if (in.bad()) throw_input_error(file, line_no, "", "read error");
  if (!have_header) throw_input_error(file, line_no, "", "parse error: no 'p cnf' header");
  if (!current.empty())
    throw_input_error(file, current_start_line, "",
                      "parse error: clause starting here is not terminated by 0");
  if (static_cast<long long>(cnf.clauses.size()) != declared_clauses)
    throw_input_error(file, line_no, "",
                      "header declares " + std::to_string(declared_clauses) + " clauses but " +
                          std::to_string(cnf.clauses.size()) + " were read");
  return cnf;
}

Cnf read_dimacs_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw_input_error(path, 0, "", std::string("cannot open: ") + std::strerror(errno));
  return read_dimacs(in, path);
}

void write_dimacs(std::ostream& out, const Cnf& cnf, const std::string& comment) {
  std::istringstream lines(comment);
  std::string l;
  while (std::getline(lines, l)) out << "c " << l << '\n';
  out << "p cnf " << cnf.num_vars << ' ' << cnf.clauses.size() << '\n';
  for (const auto& c : cnf.clauses) {
    for (int lit : c) out << lit << ' ';
    out << "0\n";
  }
}

void write_dimacs_file(const std::string& path, const Cnf& cnf, const std::string& comment) {
  // A fresh temporary name beside the target (never an existing file), then an atomic rename.
  std::string tmp = path + ".XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0)
    throw std::runtime_error(path + ": cannot create a temporary file: " + std::strerror(errno));
  close(fd);
  {
    std::ofstream out(tmp, std::ios::trunc);
    write_dimacs(out, cnf, comment);
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error(tmp + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot rename: " + std::strerror(errno));
  }
}

}  // namespace sethlab
