// The softmax kernels one ISA provides: filled by impl/softmax-inl.hpp (SIMD ISAs) and ref/ (scalar).
// Every matrix argument is rows x n with row stride ld (>= n); the public wrappers
// (kernels/src/softmax.cpp) check arguments, labels and targets before calling.
#pragma once

#include <cstddef>

namespace simdense::detail {

struct SoftmaxKernels {
  void (*softmax)(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld);
  void (*log_softmax)(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld);
  void (*softmax_backward)(const float* y, const float* dy, float* dx, std::size_t rows,
                           std::size_t n, std::size_t ld);
  void (*log_softmax_backward)(const float* y, const float* dy, float* dx, std::size_t rows,
                               std::size_t n, std::size_t ld);
  // Sum of the row losses -log softmax(x)_label; writes softmax - onehot when d is not null.
  double (*ce_label)(const float* x, const std::size_t* labels, float* d, std::size_t rows,
                     std::size_t n, std::size_t ld);
  // Sum of the row losses H(p, softmax(x)); writes softmax - p when d is not null.
  double (*ce_soft)(const float* x, const float* p, float* d, std::size_t rows, std::size_t n,
                    std::size_t ld);
  // Sum of softplus(s) - t s; per-element losses when loss is not null, sigmoid(s) - t when ds
  // is not null.
  double (*sigmoid_bce)(const float* s, const float* t, float* ds, float* loss, std::size_t n);
  // Index of the first t that is NaN or outside [0, 1]; n when there is none.
  std::size_t (*first_bad_target)(const float* t, std::size_t n);
};

}  // namespace simdense::detail
