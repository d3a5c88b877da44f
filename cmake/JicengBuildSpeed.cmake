# Build time (bench/README.md, "Build and test time"): ccache and precompiled headers.
#
# ccache: every compile goes through it when it is installed. Precompiled headers need ccache's
# `sloppiness = pch_defines,time_macros` (it cannot see __TIME__ or #defines through a .gch) and,
# so that a clean build of a fresh build directory (a new .gch, just written) still hits,
# include_file_mtime,include_file_ctime; GCC also needs -fpch-preprocess. They are set here, for
# every compile of this project only (through the launcher's environment), so neither the user's
# ccache.conf nor the scripts have to know.
#
# Precompiled headers (JICENG_PCH, on by default): jiceng_precompile_headers() gives a target one
# .gch of the heavy third-party headers its files include (nlohmann/json, spdlog/fmt, gtest), parsed
# once per target instead of once per file. Only targets with several files that include them get
# one: a .gch costs a compile of its own and makes every file of the target include it.

option(JICENG_PCH "Precompile the heavy third-party headers (nlohmann/json, spdlog, gtest)" ON)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(JICENG_CCACHE_SLOPPINESS "pch_defines,time_macros,include_file_mtime,include_file_ctime")
  set(CMAKE_CXX_COMPILER_LAUNCHER
    "${CMAKE_COMMAND}" -E env "CCACHE_SLOPPINESS=${JICENG_CCACHE_SLOPPINESS}" "${CCACHE_PROGRAM}")
  if(JICENG_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-fpch-preprocess)
  endif()
endif()

# jiceng_precompile_headers(<target> <header>...) — <header> as in an #include: <nlohmann/json.hpp>.
function(jiceng_precompile_headers target)
  if(JICENG_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
