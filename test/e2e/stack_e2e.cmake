# Stacks end to end (issue 4): the berth binary ($BERTH_BIN or bin/berth)
# with its controllers against the real dockerd and the locally built test
# images (scripts/test-images).
add_library(berth_stack_e2e_support STATIC ${CMAKE_CURRENT_LIST_DIR}/stack_e2e_support.cc)
target_link_libraries(berth_stack_e2e_support PUBLIC berth_docker berth_api berth_test_support
                      GTest::gtest PRIVATE berth_warnings)

# Tests that use the share-stacks container names, host ports 3001/4000/8088/
# 7070/3002 and 1panel-network run one at a time.
# A TIMEOUT (scripts/test's default is 600 s) where the deadlines of a suite's
# longest test add up to more: there a slow run must fail on its own
# deadline, saying what it waited for, not be killed by ctest.
# Longest: Ready 240 s, drift 60+60 s, Ready again 120 s, 60 s, 180 s: 720 s.
berth_test(stack_share_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_share_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e RESOURCE_LOCK berth_share_stacks
           WEIGHT 2 COST 150 TIMEOUT 1200)
# Drift of the share-stacks networks and the internal-network probe with its control.
berth_test(stack_share_network_e2e_test
           SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_share_network_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e RESOURCE_LOCK berth_share_stacks
           WEIGHT 2 COST 150 TIMEOUT 1200)
# skills-registry (port 8000, its container names) and the leader hand-over
# (its own small Stacks, no published ports).
# Longest: three `berth wait` for Ready 180 s each, two deletes 120 s each: 780 s.
berth_test(stack_volumes_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_volumes_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e RESOURCE_LOCK berth_skills_registry
           WEIGHT 2 COST 90 TIMEOUT 1200)
berth_test(stack_ha_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_ha_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e)
# Every manifest under manifests/ passes `berth apply --dry-run=server`, and
# each test variant keeps its real manifest's topology.
berth_test(stack_manifests_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_manifests_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e)
# uni-load (seed 003): host ports 3001 (as share-stacks) and 8000 (as
# skills-registry), so it takes both locks.
# Longest: Ready 180 s, then twice a recreate 120 s and Ready 180 s, the
# delete 60 s: 840 s.
berth_test(stack_provider_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_provider_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e
           RESOURCE_LOCK "berth_share_stacks;berth_skills_registry" WEIGHT 2 COST 100
           TIMEOUT 1200)
# Secret keys and Provider fields: exactly the consumers whose value changed
# (its own Stack, no published ports, container names keys-e2e-*).
berth_test(stack_secret_keys_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_secret_keys_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e WEIGHT 2 COST 90)
foreach(t stack_share_e2e_test stack_share_network_e2e_test stack_volumes_e2e_test
          stack_ha_e2e_test stack_manifests_e2e_test stack_provider_e2e_test
          stack_secret_keys_e2e_test)
  if(TARGET berth)
    add_dependencies(${t} berth)
  endif()
endforeach()
# imagePullSecrets against Debian's docker-registry on 127.0.0.1 (its own
# free port, its own image name).
berth_test(stack_registry_e2e_test
           SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_registry_e2e_test.cc
                   ${PROJECT_SOURCE_DIR}/test/docker/local_registry.cc
           LIBS berth_stack_e2e_support LABELS e2e)
if(TARGET berth)
  add_dependencies(stack_registry_e2e_test berth)
endif()
# Apply-time validation of bad Stacks through `berth apply` and a real
# `berth serve` (no containers but one small Stack on a free port).
berth_test(stack_admission_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stack_admission_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e)
if(TARGET berth)
  add_dependencies(stack_admission_e2e_test berth)
endif()
