// The body of every isa/<isa>.cpp: includes each family's SIMD templates inside the ISA's own
// namespace simdense::SIMDENSE_NS and instantiates them for `arch` into that ISA's table.
//
// ODR safety: everything an impl header defines lives in simdense::SIMDENSE_NS (isa_sse2,
// isa_avx2, isa_avx512), so no inline function compiled with one TU's -m flags can be picked
// by the linker for another ISA's code path. xsimd's own templates carry the Arch in their
// signature. The ctest `odr_isa_symbols` checks the objects with nm.
#pragma once

#ifndef SIMDENSE_NS
#error "define SIMDENSE_NS (isa_sse2, isa_avx2, isa_avx512) before including isa-inl.hpp"
#endif

#include "impl/activations-inl.hpp"
#include "impl/dense-inl.hpp"
#include "impl/math-kernels-inl.hpp"
#include "impl/matvec-inl.hpp"
#include "impl/softmax-inl.hpp"
#include "table.hpp"

namespace simdense::SIMDENSE_NS {

static_assert(arch::supported(), "this TU must be compiled with the ISA flags of its arch");

// constexpr: constant-initialized, usable from any static initializer.
constexpr detail::KernelTable make_table() {
  return {kIsa, math_kernels<arch>(), activation_kernels<arch>(), softmax_kernels<arch>(), matvec_kernels<arch>(),
          dense_kernels<arch>()};
}
extern const detail::KernelTable table;
const detail::KernelTable table = make_table();

}  // namespace simdense::SIMDENSE_NS
