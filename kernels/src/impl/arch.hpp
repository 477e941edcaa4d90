// Included first by every isa/<isa>.cpp: xsimd and the intrinsics, at global scope, before the
// impl headers open the ISA's namespace.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <simdense/isa.hpp>
#include <xsimd/xsimd.hpp>

// Every per-vector helper and activation body (math-inl.hpp, act-inl.hpp) is force-inlined, as
// Highway's HWY_INLINE, and so are the lambdas handed to the loop drivers (map_unary,
// map_binary): in these large translation units GCC 12's inliner stops at its unit-growth and
// stack-frame limits and then calls e.g. Act<silu>::f, or a whole backward lambda, out of line
// once per vector (measured with -fopt-info-inline-missed). Forcing it gained silu 6 %,
// gelu_tanh and softplus 4 % at 1Ki on avx512, the rest within 3 % (bench/tools/ab,
// bench/activations-history.md "Session 5"); the cold rare-lane helpers stay noinline. Sanitizer builds keep GCC's own choice: instrumenting the flattened
// bodies took the ASan compile of isa/avx2.cpp from minutes to over 16 (same code, only the
// inlining differs).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIMDENSE_NO_FORCE_INLINE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIMDENSE_NO_FORCE_INLINE 1
#endif
#endif
#if defined(SIMDENSE_NO_FORCE_INLINE)
#define SIMDENSE_INLINE inline
#define SIMDENSE_LAMBDA_INLINE
#else
#define SIMDENSE_INLINE inline __attribute__((always_inline))
#define SIMDENSE_LAMBDA_INLINE __attribute__((always_inline))
#endif
