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

// The activations and their derivatives in double, stable over the whole float range (e^-|x|
// forms, erfc, x sigmoid(v) for gelu_tanh: never 1 + erf or 1 + tanh), shared by every scalar
// reference that applies one (activations, matvec_act, the dense layers). ref/activations.cpp.
double act_f(Activation f, double x, double alpha);
double act_df(Activation f, double x, double alpha);

}  // namespace simdense::ref
