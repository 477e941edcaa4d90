// Scalar reference dense kernels: obvious rather than fast, double accumulation.
#include "ref/ref.hpp"

namespace simdense::ref {

detail::DenseKernels dense_kernels() { return {}; }

}  // namespace simdense::ref
