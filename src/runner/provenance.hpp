#pragma once
// Facts about where and how a run happens, gathered from every rank for the results file.
#include <string>

#include "comm/comm.hpp"

namespace sethlab {

std::string cpu_model();
// Comma-separated sorted unique host names of all ranks (collective; the root gets the list).
std::string gather_hosts(Comm& comm);

}  // namespace sethlab
