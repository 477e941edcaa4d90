// Scalar reference softmax kernels: obvious rather than fast, double accumulation.
#include "ref/ref.hpp"

namespace simdense::ref {

detail::SoftmaxKernels softmax_kernels() { return {}; }

}  // namespace simdense::ref
