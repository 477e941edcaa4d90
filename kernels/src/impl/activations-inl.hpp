// SIMD activations kernels, written once as templates over xsimd's Arch and instantiated in each
// isa/<isa>.cpp inside that ISA's namespace (SIMDENSE_NS). See isa/isa-inl.hpp.
#pragma once

#include "impl/act-inl.hpp"
#include "impl/math-inl.hpp"
#include "tables/activations.hpp"

namespace simdense::SIMDENSE_NS {

template <class Arch>
constexpr detail::ActivationKernels activation_kernels() {
  return {};
}

}  // namespace simdense::SIMDENSE_NS
