#pragma once
// Build provenance (version, git commit, compiler, flags), recorded in every results file.
// Accessors rather than the generated constants, so only build_info.cpp depends on the generated
// header and a new commit recompiles one file.
namespace sethlab {
const char* build_info_version();
const char* build_info_commit();
const char* build_info_compiler();
const char* build_info_flags();
const char* build_info_type();
}  // namespace sethlab
