# libFuzzer targets: tests/fuzz/fuzz_<name>.c, each with a seed corpus in
# tests/fuzz/corpus/<name>/ (fixtures). They are built by a nested CMake build of
# this project with clang (-DPERFSQL_FUZZ=ON) in <build>/fuzz, and each runs
# for a few seconds as the ctest "fuzz.<name>" (PERFSQL_FUZZ_SECONDS, default 10).
# Run one longer by hand: <build>/fuzz/fuzz_<name> -max_total_time=600 tests/fuzz/corpus/<name>
find_program(CLANG_FOR_FUZZ clang)
file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fuzz_*.c)
if(CLANG_FOR_FUZZ AND FUZZ_SOURCES)
  set(FUZZ_BUILD ${CMAKE_BINARY_DIR}/fuzz)
  add_custom_target(fuzz_targets ALL
    COMMAND ${CMAKE_COMMAND} -S ${CMAKE_SOURCE_DIR} -B ${FUZZ_BUILD} -DCMAKE_C_COMPILER=${CLANG_FOR_FUZZ}
            -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERFSQL_FUZZ=ON > /dev/null
    COMMAND ${CMAKE_COMMAND} --build ${FUZZ_BUILD} -j2
    COMMENT "Building the libFuzzer targets with clang"
    VERBATIM)
  foreach(src ${FUZZ_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    string(REGEX REPLACE "^fuzz_" "" short ${name})
    set(corpus_seed ${CMAKE_CURRENT_LIST_DIR}/corpus/${short})
    set(corpus_work ${CMAKE_BINARY_DIR}/fuzz-corpus/${short})
    # The seed corpus is copied so the run's new inputs never touch the source tree.
    add_test(NAME fuzz.${short}
      COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run_fuzz.sh ${FUZZ_BUILD}/${name} ${corpus_seed} ${corpus_work})
    set_tests_properties(fuzz.${short} PROPERTIES ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1" TIMEOUT 300)
  endforeach()
endif()
