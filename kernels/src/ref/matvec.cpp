// Scalar reference matvec kernels: obvious rather than fast, double accumulation.
#include "ref/ref.hpp"

namespace simdense::ref {

detail::MatvecKernels matvec_kernels() { return {}; }

}  // namespace simdense::ref
