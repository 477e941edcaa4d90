# Runs simdense_bench on a few tiny benchmarks with JSON output and checks that the run context
# (CPU model, ISAs, caches, build, version, date) is in the file and that summary.py turns it
# into table rows with a speedup vs scalar and a % of the memory bound.
execute_process(COMMAND ${EXE} "--benchmark_filter=^(exp/.*/1Ki|memory/copy/1Ki)$"
                        --benchmark_min_time=0.01 --benchmark_out=${OUT} --benchmark_out_format=json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "simdense_bench failed (${rc}): ${err}")
endif()
if(NOT err MATCHES "quick profile, [0-9]+ benchmarks")
  message(FATAL_ERROR "no progress header on stderr: ${err}")
endif()
if(NOT out MATCHES "\\[[ ]*1/[0-9]+\\] exp/scalar/1Ki")
  message(FATAL_ERROR "no [done/total] progress prefix: ${out}")
endif()
file(READ ${OUT} json)
foreach(key cpu_model isas_supported isas_measured cache_L1d_bytes cache_summary simdense_version
            simdense_build date_utc profile)
  if(NOT json MATCHES "\"${key}\": \"[^\"]+\"")
    message(FATAL_ERROR "context key ${key} missing from ${OUT}")
  endif()
endforeach()
execute_process(COMMAND ${PYTHON} ${TOOLS}/summary.py ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE summary ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "summary.py failed: ${err}")
endif()
if(NOT summary MATCHES "\\| exp \\| 1Ki \\| L1 \\| scalar \\| [0-9.]+ [kMG]/s \\| [0-9.]+ \\| 1.00x \\| [0-9]+% \\| copy ")
  message(FATAL_ERROR "summary has no scalar exp row with a % of the copy bound:\n${summary}")
endif()
if(NOT summary MATCHES "\\| exp \\| 1Ki \\| L1 \\| sse2 \\| [^|]+ \\| [^|]+ \\| [0-9.]+x \\|")
  message(FATAL_ERROR "summary has no sse2 row with a speedup:\n${summary}")
endif()
