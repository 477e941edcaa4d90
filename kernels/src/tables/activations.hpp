// The activations kernels one ISA provides: filled by impl/activations-inl.hpp (SIMD ISAs) and
// ref/activations.cpp (scalar). Indexed by Activation (kActivationCount entries).
#pragma once

#include <cstddef>

#include <simdense/activations.hpp>

namespace simdense::detail {

inline constexpr std::size_t kActivationCount = 10;

// y = f(x); alpha is the leaky slope / elu alpha (ignored by the others).
using ActFwdFn = void (*)(const float* x, float* y, std::size_t n, float alpha);
// dx = dy * f'(x) (or, for the from-output table, dy * f'(x) computed from y = f(x)).
using ActBwdFn = void (*)(const float* x, const float* dy, float* dx, std::size_t n, float alpha);

struct ActivationKernels {
  ActFwdFn fwd[kActivationCount];
  ActBwdFn bwd[kActivationCount];
  // Backward from the forward output y; null where there is none (see has_grad_from_output).
  ActBwdFn bwd_from_y[kActivationCount];
};

}  // namespace simdense::detail
