# Generates build_info.hpp with the version, git commit, compiler and flags. The commit is read
# at build time (not configure time) so a rebuild after a commit records the right one.
set(SETHLAB_BUILD_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${CMAKE_BUILD_TYPE}}")
if(SETHLAB_SANITIZE)
  string(APPEND SETHLAB_BUILD_FLAGS " -fsanitize=address,undefined")
endif()
if(SETHLAB_NATIVE)
  string(APPEND SETHLAB_BUILD_FLAGS " -march=native")
endif()
add_custom_target(sethlab_build_info
  COMMAND ${CMAKE_COMMAND}
          -DSRC_DIR=${CMAKE_SOURCE_DIR}
          -DOUT=${CMAKE_BINARY_DIR}/generated/sethlab_build_info.hpp
          -DVERSION=${PROJECT_VERSION}
          "-DCOMPILER=${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}"
          "-DFLAGS=${SETHLAB_BUILD_FLAGS}"
          -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${CMAKE_BINARY_DIR}/generated/sethlab_build_info.hpp
  COMMENT "Recording build provenance"
  VERBATIM)
