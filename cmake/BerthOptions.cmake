# Compiler settings shared by every berth target: warnings, sanitizers, ccache.

find_program(BERTH_CCACHE ccache)
if(BERTH_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${BERTH_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${BERTH_CCACHE})
endif()

add_library(berth_warnings INTERFACE)
target_compile_options(berth_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  -Wno-unused-parameter)
if(BERTH_WERROR)
  target_compile_options(berth_warnings INTERFACE -Werror)
endif()

# BERTH_SANITIZE: every target (libraries, tests, tools) is built with
# AddressSanitizer (+LeakSanitizer) and UndefinedBehaviorSanitizer; any UB
# report aborts the process, so a test that triggers one fails.
if(BERTH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -fno-optimize-sibling-calls)
  add_link_options(-fsanitize=address,undefined)
endif()

# BERTH_FUZZ: libFuzzer targets in fuzz/ (clang only). The libraries the fuzz
# targets exercise (BERTH_FUZZED_LIBRARIES) get coverage instrumentation
# (-fsanitize=fuzzer-no-link, added by berth_library); only the fuzz
# executables link libFuzzer's main (-fsanitize=fuzzer, fuzz/CMakeLists.txt).
# The instrumentation's callbacks live in the sanitizer runtimes, so fuzzing
# builds need BERTH_SANITIZE as well, and the other libraries of the same
# build dir (the unit tests' code, scripts/sanitize) link with them.
#
# The fuzzed code is optimized (-O1) whatever the build type says: a fixed
# fuzz run (scripts/fuzz --fixed) is a number of inputs, which would take two
# to three times as long at -O0. scripts/sanitize builds the rest at -O0:
# under ASan and UBSan clang takes half as long at -O0 as at -O1, and the unit
# tests run in seconds either way. Instrumenting only the fuzzed libraries
# for coverage saves another tenth.
set(BERTH_FUZZED_LIBRARIES berth_common berth_api)
if(BERTH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BERTH_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "-DCMAKE_C_COMPILER=clang")
  endif()
  if(NOT BERTH_SANITIZE)
    message(FATAL_ERROR "BERTH_FUZZ needs BERTH_SANITIZE=ON (the fuzz targets report "
                        "memory errors and undefined behaviour through the sanitizers)")
  endif()
endif()

# berth_library(NAME SOURCES... [PUBLIC deps...] [PRIVATE deps...])
# One static library per layer; headers are included as "operator/<layer>/x.h".
function(berth_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC} PRIVATE berth_warnings ${ARG_PRIVATE})
  if(BERTH_FUZZ AND name IN_LIST BERTH_FUZZED_LIBRARIES)
    target_compile_options(${name} PRIVATE -O1 -fsanitize=fuzzer-no-link)
  endif()
endfunction()
