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

if(BERTH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# berth_library(NAME SOURCES... [PUBLIC deps...] [PRIVATE deps...])
# One static library per layer; headers are included as "operator/<layer>/x.h".
function(berth_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC} PRIVATE berth_warnings ${ARG_PRIVATE})
endfunction()
