# Instances end to end (issue 5): the berth binary with its controllers, the
# real dockerd and the real nginx router of manifests/test/beaver.yaml. Each
# test runs in a namespace, network and ports of its own; they run one at a
# time (each starts containers and a router), beside the other suites.
# TIMEOUT above the deadlines of its longest test (scripts/test's default is
# 600 s): the Stack Ready 180 s, twenty Instances 240 s, their routes 20 s
# each, 60+60 s more, the teardown 120 s: ~1,060 s.
berth_test(instance_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/instance_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e RESOURCE_LOCK berth_instance_e2e
           WEIGHT 2 COST 200 TIMEOUT 1200)
if(TARGET berth)
  add_dependencies(instance_e2e_test berth)
endif()
# Part 2: a route that turns bad, `berth diff` of a Provider switch, loop
# refusals, the per-namespace quota and slug collisions.
berth_test(instance_router_e2e_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/instance_router_e2e_test.cc
           LIBS berth_stack_e2e_support LABELS e2e RESOURCE_LOCK berth_instance_e2e
           WEIGHT 2 COST 200)
if(TARGET berth)
  add_dependencies(instance_router_e2e_test berth)
endif()
