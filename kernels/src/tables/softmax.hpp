// The softmax kernels one ISA provides: filled by impl/softmax-inl.hpp (SIMD ISAs) and ref/ (scalar).
#pragma once

#include <cstddef>

namespace simdense::detail {

struct SoftmaxKernels {
  int unused_ = 0;  // (kernel pointers added by the softmax issue)
};

}  // namespace simdense::detail
