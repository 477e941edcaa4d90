# SIMDENSE_ISA=avx9 must exit non-zero with a message naming the value and the available ISAs.
execute_process(COMMAND ${CMAKE_COMMAND} -E env SIMDENSE_ISA=avx9 ${EXE} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("exit ${rc}: ${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "SIMDENSE_ISA=avx9 was accepted")
endif()
if(NOT "${out}${err}" MATCHES "avx9" OR NOT "${out}${err}" MATCHES "available: scalar")
  message(FATAL_ERROR "the message does not name avx9 and the available ISAs")
endif()
