# SIMDENSE_FUZZ: differential libFuzzer targets (tests/fuzz/fuzz_<family>.cpp), clang only.
#
# The library is rebuilt with -fsanitize=fuzzer-no-link,address,undefined (coverage for the
# fuzzer, ASan + UBSan aborting on the first report), each target links -fsanitize=fuzzer.
# Use a build dir of its own:
#   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
#         -DSIMDENSE_FUZZ=ON -DSIMDENSE_BUILD_TESTS=OFF -DSIMDENSE_BUILD_BENCH=OFF
#   cmake --build build/fuzz -j2 && (cd build/fuzz && ctest -L fuzz --output-on-failure)
# Each ctest entry fuzz/<target> runs the target for SIMDENSE_FUZZ_SECONDS seconds from its
# checked-in seed corpus (tests/fuzz/corpus/<target>) and fails on any finding.
option(SIMDENSE_FUZZ "Build the libFuzzer differential targets (clang; implies ASan + UBSan)" OFF)
set(SIMDENSE_FUZZ_SECONDS 12 CACHE STRING "Seconds each fuzz/<target> ctest entry fuzzes")

if(SIMDENSE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SIMDENSE_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++ "
                        "(Debian: clang and libclang-rt-14-dev)")
  endif()
  if(SIMDENSE_TSAN)
    message(FATAL_ERROR "SIMDENSE_FUZZ and SIMDENSE_TSAN are exclusive")
  endif()
  # Replaces the flags of cmake/sanitizers.cmake for every target simdense_apply_sanitizers()
  # touches (the library): coverage instrumentation without libFuzzer's main, ASan + UBSan.
  set(SIMDENSE_SAN_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                         -fno-omit-frame-pointer)
  set(SIMDENSE_FUZZ_LINK_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
  enable_testing()
endif()

# simdense_add_fuzzer(<source>): an executable named after the source (fuzz_math.cpp ->
# fuzz_math) and its ctest entry fuzz/<name> (label `fuzz`).
function(simdense_add_fuzzer src)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE simdense::simdense)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-missing-field-initializers ${SIMDENSE_SAN_FLAGS})
  target_link_options(${name} PRIVATE ${SIMDENSE_FUZZ_LINK_FLAGS})
  add_test(NAME fuzz/${name}
           COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:${name}> -DNAME=${name}
                   -DSEEDS=${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name}
                   -DWORK=${PROJECT_BINARY_DIR}/fuzz-work/${name}
                   -DSECONDS=${SIMDENSE_FUZZ_SECONDS}
                   -P ${PROJECT_SOURCE_DIR}/tests/fuzz/run_fuzzer.cmake)
  set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz TIMEOUT 600)
endfunction()
