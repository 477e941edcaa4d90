// The matvec kernels one ISA provides: filled by impl/matvec-inl.hpp (SIMD ISAs) and ref/ (scalar).
#pragma once

#include <cstddef>

namespace simdense::detail {

struct MatvecKernels {
  int unused_ = 0;  // (kernel pointers added by the matvec issue)
};

}  // namespace simdense::detail
