// The scalar reference: plain C++, no intrinsics, compiled without ISA flags. It is the
// `scalar` ISA of the dispatch, so tests and benchmarks compare SIMD paths with it through the
// public API. Functions compute in double (or long double) and round once to float.
#pragma once

#include "table.hpp"

namespace simdense::ref {

detail::MathKernels math_kernels();
detail::ActivationKernels activation_kernels();
detail::SoftmaxKernels softmax_kernels();
detail::MatvecKernels matvec_kernels();
detail::DenseKernels dense_kernels();

}  // namespace simdense::ref
