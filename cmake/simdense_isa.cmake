# Per-file ISA flags: only the ISA translation units get -m flags; everything else is built for
# the baseline x86-64 (SSE2), so the library runs on any x86-64 CPU.
set(SIMDENSE_ISA_FLAGS_sse2 -msse2)
set(SIMDENSE_ISA_FLAGS_avx2 -mavx2 -mfma)
# GCC 12: -mavx512f alone does not define __FMA__; pass -mfma too.
set(SIMDENSE_ISA_FLAGS_avx512 -mavx512f -mavx512bw -mavx512dq -mavx512cd -mavx2 -mfma)
set(SIMDENSE_ISAS scalar sse2 avx2 avx512)
# GCC 12's own avx512fintrin.h trips -Wmaybe-uninitialized (the `__Y` of its undefined-vector
# helpers); silence it in the AVX-512 TU only.
# (clang has no -Wmaybe-uninitialized and warns about the unknown option.)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(SIMDENSE_ISA_WARN_avx512 -Wno-maybe-uninitialized -Wno-uninitialized)
endif()

function(simdense_set_isa_flags target isa_dir)
  foreach(isa sse2 avx2 avx512)
    set_source_files_properties(${isa_dir}/${isa}.cpp TARGET_DIRECTORY ${target}
      PROPERTIES COMPILE_OPTIONS "${SIMDENSE_ISA_FLAGS_${isa}};${SIMDENSE_ISA_WARN_${isa}}")
  endforeach()
endfunction()
