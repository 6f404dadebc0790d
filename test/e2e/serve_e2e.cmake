# `berth serve` end to end (serve_e2e_test) and real kubectl against it
# (kubectl_test). Both run the berth binary ($BERTH_BIN or bin/berth) when it
# exists, else serve_runner: serve::Run behind a minimal flag parser.
add_executable(serve_runner ${CMAKE_CURRENT_LIST_DIR}/serve_runner.cc)
target_link_libraries(serve_runner PRIVATE berth_serve berth_warnings)
set_target_properties(serve_runner PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)

add_library(berth_serve_e2e_support STATIC ${CMAKE_CURRENT_LIST_DIR}/serve_e2e_support.cc)
target_link_libraries(berth_serve_e2e_support PUBLIC berth_http_test_client berth_test_support
                      GTest::gtest PRIVATE berth_warnings)

berth_test(serve_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/serve_e2e_test.cc
           LIBS berth_serve_e2e_support berth_store_testing LABELS e2e)
add_dependencies(serve_e2e_test serve_runner)
if(TARGET berth)
  add_dependencies(serve_e2e_test berth)
endif()

berth_test(kubectl_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/kubectl_test.cc
           LIBS berth_serve_e2e_support LABELS e2e)
add_dependencies(kubectl_test serve_runner)
if(TARGET berth)
  add_dependencies(kubectl_test berth)
endif()

# Deletion propagation (the garbage collector) across two servers on one store.
berth_test(gc_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gc_e2e_test.cc
           LIBS berth_serve_e2e_support berth_store_testing LABELS e2e)
add_dependencies(gc_e2e_test serve_runner)
if(TARGET berth)
  add_dependencies(gc_e2e_test berth)
endif()
