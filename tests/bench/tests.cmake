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
