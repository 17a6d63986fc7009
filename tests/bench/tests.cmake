# Benchmarks: every tests/bench/bench_<name>.c is an executable bench_<name>
# linked with the perfsql core. They are run by hand (README, "Benchmarks"),
# in a Release build without sanitizers; ctest only runs a tiny smoke run
# that checks results, never time.
file(GLOB BENCH_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/bench_*.c)
foreach(src ${BENCH_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} $<TARGET_OBJECTS:perfsql_core>)
  target_link_libraries(${name} PRIVATE perfsql_core)
endforeach()

# sliding_median vs the sorted-array anchor on 20,000 rows: the two must agree.
add_test(NAME bench.sliding_median_smoke
         COMMAND bench_sliding_median --rows 20000 --windows 1,11,101)
set_tests_properties(bench.sliding_median_smoke PROPERTIES ENVIRONMENT "${TEST_ENV}")

# bench_load.py (issue 15's table) on the small bundled captures and two copies of the
# KubeVirt sample: checks that the script runs end to end (needs perf for its anchor);
# the real run records its own captures (README, "Benchmarks").
find_program(PERF_EXE perf)
if(PERF_EXE)
  add_test(NAME bench.load_smoke
           COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/bench/bench_load.py ${CMAKE_BINARY_DIR} --runs 1
                   --sched-data ${CMAKE_SOURCE_DIR}/tests/data/traces/kvm_a.data
                   --kvm-data ${CMAKE_SOURCE_DIR}/tests/data/traces/kvm_b.data
                   --kubevirt ${CMAKE_SOURCE_DIR}/tests/data/kubevirt/ci-performance-benchmarks/results
                   --kv-copies 2)
  set_tests_properties(bench.load_smoke PROPERTIES ENVIRONMENT "${TEST_ENV}")
endif()
