// The elementwise math kernels exp and log1p over arrays (the cores are in math-inl.hpp).
#pragma once

#include "impl/elementwise-inl.hpp"
#include "tables/math.hpp"

namespace simdense::SIMDENSE_NS {

template <class Arch>
void exp_kernel(const float* x, float* y, std::size_t n) {
  map_unary<Arch>(x, y, n, [](vf<Arch> v) { return exp<Arch>(v); });
  leave_avx<Arch>();
}

template <class Arch>
void log1p_kernel(const float* x, float* y, std::size_t n) {
  map_unary<Arch>(x, y, n, [](vf<Arch> v) { return log1p<Arch>(v); });
  leave_avx<Arch>();
}

template <class Arch>
constexpr detail::MathKernels math_kernels() {
  return {&exp_kernel<Arch>, &log1p_kernel<Arch>};
}

}  // namespace simdense::SIMDENSE_NS
