// The activations kernels one ISA provides: filled by impl/activations-inl.hpp (SIMD ISAs) and ref/ (scalar).
#pragma once

#include <cstddef>

namespace simdense::detail {

struct ActivationKernels {
  int unused_ = 0;  // (kernel pointers added by the activations issue)
};

}  // namespace simdense::detail
