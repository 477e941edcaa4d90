// simdense/matvec.hpp: matrix-vector kernels for dense layers (float32).
//
// W is row-major: m rows of n floats, row i at W + i*ld, stride ld >= n (ld < n is refused,
// naming `ld`, when m > 0). Any m, n >= 0, any alignment, any stride. Every element of W that a
// call reads is read exactly once, in a single streaming pass.
//
// Accuracy (u = 2^-24, tested against double references on every ISA). For a sum of k
// products p_t (k = n for W x, k = m for W^T v, k = n for dot) each output satisfies
//     |y - sum_t p_t| <= 2 k u sum_t |p_t|,
// the standard forward-error bound of a float sum; with a bias b (or the prior y of
// matvec_t_acc) that value counts as one more term: 2 (k+1) u (sum|p_t| + |b_i|). The bound is
// relative to sum|p_t|, not to |y|: cancellation-heavy rows get a small absolute error, not a
// small relative one. Measured errors are far below it (SIMD lanes or 4-row blocks split each
// sum into chains of k/32 to k/4 terms): tests see at most ~5 u sum|p_t| on every ISA.
//
// Special values: NaN or inf in W, x, v, b, u propagate to every output they touch, as IEEE
// arithmetic gives them (0 * inf = NaN); no zero coefficient is ever skipped.
//
// Aliasing: W must not overlap any vector argument (refused with std::invalid_argument). The
// output must not overlap the input vectors (x, v, u) either; it may be exactly the bias
// (y == b, in place) but not partially overlap it. Overlap checks are address-range tests,
// done on every call (O(1)).
//
// Errors: std::invalid_argument naming the argument for a null pointer with a non-zero count,
// ld < n, a bad Activation or an overlap; std::out_of_range when m*ld overflows size_t.
#pragma once

#include <cstddef>

#include <simdense/activations.hpp>

namespace simdense {

// y = W x + b (m outputs; b may be null: y = W x). Bound: 2 n u sum_j|W_ij x_j|, or
// 2 (n+1) u (sum_j|W_ij x_j| + |b_i|) with a bias. y may equal b (in place).
void matvec(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
            const float* b, float* y);

// The fused epilogue: z = W x + b (kept for the backward pass; z may be null) and h = f(z)
// (alpha: the leaky-relu slope / elu alpha, ignored by the others) in one pass over W.
// z has matvec's bound; h is exactly the activation's vector functor applied to that z (the
// activation's own ULP bound, see activations.hpp). z and h must not overlap each other or x;
// each may equal b. A non-finite alpha for leaky_relu or elu is refused (std::invalid_argument),
// as by the elementwise activations.
void matvec_act(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                const float* b, Activation f, float alpha, float* z, float* h);

// y = W^T v (n outputs; y_j = sum_i W_ij v_i). Bound: 2 m u sum_i|W_ij v_i|. m = 0 gives y = 0.
void matvec_t(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
              float* y);

// y += W^T v. Bound: 2 (m+1) u (|y_j| + sum_i|W_ij v_i|).
void matvec_t_acc(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
                  float* y);

// W += a u v^T (the rank-1 update of a gradient step; u has m floats, v has n). Each element
// W_ij <- W_ij + (a u_i) v_j with a u_i rounded to float, then one fused rounding (AVX2,
// AVX-512; two on SSE2): |err| <= u (|W_ij + a u_i v_j| + 2 |a u_i v_j|) on FMA ISAs,
// u (|W_ij + a u_i v_j| + 3 |a u_i v_j|) on SSE2; scalar rounds once. a = 0 still multiplies
// (NaN or inf in u, v reach W). u and v may overlap each other, not W.
void add_outer(float* W, std::size_t m, std::size_t n, std::size_t ld, float a, const float* u,
               const float* v);

// sum_i x_i y_i. Bound: 2 n u sum_i|x_i y_i|. x and y may overlap freely. n = 0 gives 0.
float dot(const float* x, const float* y, std::size_t n);

// y += a x. One rounding per element on AVX2/AVX-512 and scalar (correctly rounded,
// <= 0.5 ULP), two on SSE2: |err| <= u (|a x_i + y_i| + |a x_i|). y may equal x exactly.
void axpy(float a, const float* x, float* y, std::size_t n);

}  // namespace simdense
