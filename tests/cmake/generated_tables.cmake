# Runs a table generator (bench/tools/gen_*.cpp; sampled error check, exit code 0 when within its
# targets) and checks that its output, the C++ tables, appears verbatim in SRC: the tables in the
# kernels are the generator's, and the generator still meets its bounds.
execute_process(COMMAND ${GEN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GEN} failed (exit ${rc}):\n${err}")
endif()
file(READ ${SRC} src)
string(FIND "${src}" "${out}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "the tables ${GEN} prints are not in ${SRC} verbatim: regenerate them")
endif()
message(STATUS "${GEN}: tables match ${SRC}")
