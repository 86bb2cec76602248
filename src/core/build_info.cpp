#include "core/build_info.hpp"

#include "sethlab_build_info.hpp"

namespace sethlab {
const char* build_info_version() {
  return build_info::kVersion;
}
const char* build_info_commit() {
  return build_info::kGitCommit;
}
const char* build_info_compiler() {
  return build_info::kCompiler;
}
const char* build_info_flags() {
  return build_info::kCxxFlags;
}
const char* build_info_type() {
  return build_info::kBuildType;
}
}  // namespace sethlab
