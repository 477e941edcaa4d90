// The dense kernels one ISA provides: filled by impl/dense-inl.hpp (SIMD ISAs) and ref/ (scalar).
#pragma once

#include <cstddef>

namespace simdense::detail {

struct DenseKernels {
  int unused_ = 0;  // (kernel pointers added by the dense issue)
};

}  // namespace simdense::detail
