// Scalar reference activations kernels: obvious rather than fast, double accumulation.
#include "ref/ref.hpp"

namespace simdense::ref {

detail::ActivationKernels activation_kernels() { return {}; }

}  // namespace simdense::ref
