# The ODR trap: an inline function or template instantiation that does not depend on the ISA,
# emitted as a weak symbol by an AVX translation unit, may be the copy the linker keeps for
# every caller, so SSE2 or scalar code could run AVX-512 instructions. Every weak or unique
# symbol defined by an AVX TU must carry that ISA in its name (our namespace or xsimd's arch).
set(allowed_avx2 "isa_avx2|xsimd::avx2|xsimd::fma3<xsimd::avx2>|xsimd::avx>|xsimd::sse")
set(allowed_avx512 "isa_avx512|xsimd::avx512")
set(bad "")
foreach(isa avx2 avx512)
  set(obj "${OBJ_DIR}/${isa}.cpp.o")
  if(NOT EXISTS "${obj}")
    message(FATAL_ERROR "missing object ${obj}")
  endif()
  execute_process(COMMAND ${NM} --defined-only -C "${obj}" OUTPUT_VARIABLE syms
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${obj}")
  endif()
  string(REPLACE "\n" ";" lines "${syms}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-f]+ [WVu] (.*)$")
      set(sym "${CMAKE_MATCH_1}")
      # DW.ref.__gxx_personality_v0: the EH personality pointer, data, identical in every TU.
      if(NOT sym MATCHES "${allowed_${isa}}" AND NOT sym MATCHES "^DW\\.ref\\.")
        string(APPEND bad "  ${isa}: ${sym}\n")
      endif()
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "ISA-independent weak symbols in AVX objects (ODR trap):\n${bad}")
endif()
message("odr check: no shared weak symbols in the AVX objects")
