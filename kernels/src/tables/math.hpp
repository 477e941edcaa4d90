// The elementwise math kernels one ISA provides (exp, log1p): filled by impl/math-kernels-inl.hpp
// and ref/math.cpp.
#pragma once

#include <cstddef>

namespace simdense::detail {

using UnaryFn = void (*)(const float* x, float* y, std::size_t n);
using BinaryFn = void (*)(const float* a, const float* b, float* out, std::size_t n);

struct MathKernels {
  UnaryFn exp;
  UnaryFn log1p;
};

}  // namespace simdense::detail
