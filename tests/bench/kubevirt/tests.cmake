# KubeVirt import benchmark (not a timed test): builds bench_kubevirt, and runs it
# once on a small history as a smoke test (ctest "bench.kubevirt_smoke"; it asserts
# nothing about time). The real run: see README "Benchmarks".
add_executable(bench_kubevirt ${CMAKE_CURRENT_LIST_DIR}/bench_kubevirt.c $<TARGET_OBJECTS:perfsql_core>)
target_link_libraries(bench_kubevirt PRIVATE perfsql_core)
target_include_directories(bench_kubevirt PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit ${CMAKE_SOURCE_DIR}/loaders)
add_test(NAME bench.kubevirt_smoke COMMAND bench_kubevirt --runs 60 --metrics 40)
set_tests_properties(bench.kubevirt_smoke PROPERTIES ENVIRONMENT "${TEST_ENV}")
