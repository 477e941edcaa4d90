# SIMDENSE_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer, aborting on the first report.
# SIMDENSE_TSAN: ThreadSanitizer. Applied to the library, tests and benchmarks alike.
if(SIMDENSE_SANITIZE AND SIMDENSE_TSAN)
  message(FATAL_ERROR "SIMDENSE_SANITIZE and SIMDENSE_TSAN are exclusive")
endif()
set(SIMDENSE_SAN_FLAGS "")
if(SIMDENSE_SANITIZE)
  set(SIMDENSE_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                         -fno-omit-frame-pointer)
elseif(SIMDENSE_TSAN)
  set(SIMDENSE_SAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
endif()

function(simdense_apply_sanitizers target)
  if(SIMDENSE_SAN_FLAGS)
    target_compile_options(${target} PRIVATE ${SIMDENSE_SAN_FLAGS})
    target_link_options(${target} PUBLIC ${SIMDENSE_SAN_FLAGS})
  endif()
endfunction()
