// The dense kernels one ISA provides: filled by impl/dense-inl.hpp (SIMD ISAs) and ref/dense.cpp
// (scalar). Matrices are row-major with a row stride (ld, ldx, ...) in floats. Kernels never
// check arguments (the public wrappers in dense.cpp / dense_layer.cpp / network.cpp do) and never
// allocate: scratch space comes from the caller. "+=" kernels accumulate; callers zero first.
#pragma once

#include <cstddef>

#include <simdense/activations.hpp>

namespace simdense::detail {

struct DenseKernels {
  // z = W y + b (b may be null: no bias). One pass reading W.
  void (*forward)(const float* W, std::size_t ld, std::size_t m, std::size_t n, const float* y,
                  const float* b, float* z);
  // Z[k] = W X[k] + b for k < count (rows of X, ldx; rows of Z, ldz). W is read from memory
  // once: each block of rows stays in L1 while every sample is dotted with it.
  void (*forward_batch)(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                        const float* X, std::size_t ldx, std::size_t count, const float* b,
                        float* Z, std::size_t ldz);
  // dx += W^T dz. One pass reading W.
  void (*matvec_t_acc)(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                       const float* dz, float* dx);
  // W -= lr dz x^T (row i: W[i] -= (lr dz[i]) x). One pass reading and writing W.
  void (*sgd_update)(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                     float lr, const float* x);
  // Fused: dx += W_old^T dz (dx may be null) and W -= lr dz x^T in one pass over W.
  void (*backward_sgd)(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                       float lr, const float* x, float* dx);
  // Streaming: dx += W_old^T dz (dx may be null), W -= lr dz x^T, then z = W_new y + b, all in
  // one pass over W (load row, update it, dot it with y, store it).
  void (*sgd_forward)(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                      float lr, const float* x, float* dx, const float* y, const float* b,
                      float* z);
  // Mini-batch fused: dX[k] += W_old^T dZ[k] (dX may be null) and W -= lr sum_k dZ[k] X[k]^T,
  // one pass over W.
  void (*backward_sgd_batch)(float* W, std::size_t ld, std::size_t m, std::size_t n,
                             const float* dZ, std::size_t ldz, const float* X, std::size_t ldx,
                             std::size_t count, float lr, float* dX, std::size_t lddx);
  // G += a x^T (G m x n, row stride ldg).
  void (*outer_acc)(const float* a, const float* x, float* G, std::size_t ldg, std::size_t m,
                    std::size_t n);
  // h = f(z).
  void (*act_forward)(const float* z, float* h, std::size_t m, Activation f, float alpha);
  // dz = dh * f'(z); dh null: dz = f'(z). dz may alias dh or z exactly.
  void (*act_grad)(const float* z, const float* dh, float* dz, std::size_t m, Activation f,
                   float alpha);
  // The lecture network's whole SGD step (see simdense/dense.hpp); returns J before the
  // update. scratch: 3m floats. dx (nullable) receives dJ/dx = W_old^T dz.
  float (*binary_step)(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                       std::size_t n, Activation f, float alpha, const float* x, float t,
                       float lr, float* dx, float* scratch);
  // The same step composed of separate passes (3 reads + 1 write of W with dx, 2 + 1 without).
  float (*binary_step_unfused)(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                               std::size_t n, Activation f, float alpha, const float* x, float t,
                               float lr, float* dx, float* scratch);
  // count steps, the update of sample k sharing its pass over W with the forward of sample
  // k+1. Returns the SUM of the per-sample losses. scratch: 3m floats.
  double (*binary_train)(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                         std::size_t n, Activation f, float alpha, const float* X,
                         std::size_t ldx, const float* t, std::size_t count, float lr,
                         float* scratch);
};

}  // namespace simdense::detail
