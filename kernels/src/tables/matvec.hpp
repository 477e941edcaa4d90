// The matvec kernels one ISA provides: filled by impl/matvec-inl.hpp (SIMD ISAs) and
// ref/matvec.cpp (scalar). Arguments are checked by the public wrappers (kernels/src/matvec.cpp)
// before any of these runs: sizes consistent, pointers non-null where they address elements.
#pragma once

#include <cstddef>

#include <simdense/activations.hpp>

namespace simdense::detail {

struct MatvecKernels {
  // y = W x + b (b may be null); W is m x n, row stride ld.
  void (*matvec)(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                 const float* b, float* y);
  // z = W x + b (z may be null), h = f(z) in the same pass over W.
  void (*matvec_act)(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                     const float* b, Activation f, float alpha, float* z, float* h);
  // y = W^T v (acc false) or y += W^T v (acc true); n outputs.
  void (*matvec_t)(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
                   float* y, bool acc);
  // W += a u v^T.
  void (*add_outer)(float* W, std::size_t m, std::size_t n, std::size_t ld, float a,
                    const float* u, const float* v);
  float (*dot)(const float* x, const float* y, std::size_t n);
  // y += a x.
  void (*axpy)(float a, const float* x, float* y, std::size_t n);
};

}  // namespace simdense::detail
