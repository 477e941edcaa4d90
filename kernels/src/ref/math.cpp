// Scalar reference exp and log1p: computed in double, rounded once to float.
#include <cmath>

#include "ref/ref.hpp"

namespace simdense::ref {

namespace {
void exp_ref(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(std::exp(double(x[i])));
}
void log1p_ref(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(std::log1p(double(x[i])));
}
}  // namespace

detail::MathKernels math_kernels() { return {&exp_ref, &log1p_ref}; }

}  // namespace simdense::ref
