# Runs one libFuzzer target for SECONDS seconds (ctest fuzz/<NAME>, see cmake/fuzz.cmake).
# New inputs go to WORK/corpus (the checked-in SEEDS are read, never written); a finding
# (crash, sanitizer report, differential mismatch, timeout, OOM) leaves WORK/artifacts/crash-*
# and fails the test; reproduce with `EXE WORK/artifacts/crash-...`.
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
set(ENV{ASAN_OPTIONS} "abort_on_error=1:detect_leaks=1:allocator_may_return_null=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
string(TIMESTAMP t0 "%s")
execute_process(
  COMMAND ${EXE} -max_total_time=${SECONDS} -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${SEEDS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(TIMESTAMP t1 "%s")
math(EXPR secs "${t1} - ${t0}")
set(all "${out}${err}")
string(REGEX MATCH "stat::number_of_executed_units: *([0-9]+)" m "${all}")
set(execs "${CMAKE_MATCH_1}")
if(NOT rc EQUAL 0)
  # The whole log: the mismatch report (function, ISA, n, index, input, got, want) and the
  # sanitizer stack are in it.
  message("${all}")
  file(WRITE ${WORK}/summary.txt "fuzz ${NAME}: FINDING (exit ${rc}) after ${secs} s\n")
  message(FATAL_ERROR "fuzz ${NAME}: FINDING (exit ${rc}) after ${secs} s; artifacts in ${WORK}/artifacts")
endif()
set(line "fuzz ${NAME}: ${execs} executions in ${secs} s, no finding")
file(WRITE ${WORK}/summary.txt "${line}\n")
message("${line}")
