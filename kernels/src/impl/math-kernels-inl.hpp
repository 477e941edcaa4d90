// The elementwise math kernels exp and log1p over arrays (the cores are in math-inl.hpp).
#pragma once

#include "impl/elementwise-inl.hpp"
#include "impl/entry-inl.hpp"
#include "tables/math.hpp"

namespace simdense::SIMDENSE_NS {

template <class Arch>
void exp_kernel(const float* x, float* y, std::size_t n) {
  map_unary<Arch>(x, y, n, [](vf<Arch> v) { return exp<Arch>(v); });
}

template <class Arch>
void log1p_kernel(const float* x, float* y, std::size_t n) {
  map_unary<Arch>(x, y, n, [](vf<Arch> v) { return log1p<Arch>(v); });
}

template <class Arch>
constexpr detail::MathKernels math_kernels() {
  return {entry<Arch, &exp_kernel<Arch>>, entry<Arch, &log1p_kernel<Arch>>};
}

}  // namespace simdense::SIMDENSE_NS
