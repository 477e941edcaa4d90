// SIMD matvec kernels (y = W x + b, the fused activation epilogue, y (+)= W^T v, W += a u v^T,
// dot, axpy), written once as templates over xsimd's Arch and instantiated in each
// isa/<isa>.cpp inside that ISA's namespace (SIMDENSE_NS). See isa/isa-inl.hpp.
//
// W is row-major, m rows of n floats, row stride ld >= n (checked by the public wrappers).
// All of these are memory-bound beyond L1: each element of W is loaded once per call, and the
// vectors (x, v, y) stay in L1/L2 while W streams. Column tails (n % L) use masked loads/stores
// on AVX2 and AVX-512 (fault-suppressing: never touch a byte past the row) and a zero-padded
// copy on SSE2; zero lanes add exactly 0, so the tail has the bulk's error bound and never
// hides a NaN (no coefficient is ever skipped because it is zero).
#pragma once

#include "impl/act-inl.hpp"
#include "impl/elementwise-inl.hpp"
#include "impl/entry-inl.hpp"
#include "impl/math-inl.hpp"
#include "tables/matvec.hpp"

namespace simdense::SIMDENSE_NS {

// The first r < L floats at p, zero in the other lanes; reads nothing at p[r] or beyond.
template <class Arch>
inline vf<Arch> load_part(const float* p, std::size_t r) {
  using B = vf<Arch>;
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_maskz_loadu_ps(__mmask16((1u << r) - 1u), p);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(int(r)), lane));
  } else {
    alignas(64) float t[B::size] = {};
    for (std::size_t k = 0; k < r; ++k) t[k] = p[k];
    return B::load_aligned(t);
  }
}

// Stores the first r < L lanes of v at p; writes nothing at p[r] or beyond.
template <class Arch>
inline void store_part(float* p, vf<Arch> v, std::size_t r) {
  using B = vf<Arch>;
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    _mm512_mask_storeu_ps(p, __mmask16((1u << r) - 1u), v);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(int(r)), lane), v);
  } else {
    alignas(64) float t[B::size];
    v.store_aligned(t);
    for (std::size_t k = 0; k < r; ++k) p[k] = t[k];
  }
}

// The four row sums of four 8-lane vectors: two rounds of pairwise adds, then the halves.
// Compiled only in ISA TUs with AVX (the caller's if constexpr); the SIMDENSE_NS namespace keeps
// it per ISA (ODR).
template <class V>
inline void hsum4_256(V r0, V r1, V r2, V r3, float* out) {
  const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(r0, r1), _mm256_hadd_ps(r2, r3));
  // h = [r0 r1 r2 r3 (low 128-bit halves) | r0 r1 r2 r3 (high halves)]
  _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
}

// out[0..4) = the lane sums of r0..r3, reduced together (transposing adds): 4 separate
// xsimd::hadd calls cost ~40 instructions per 4 rows against ~150 in the column loop at
// n = 256. Measured gain at 256x256 avx512: 28.7-31.0 vs 27.2-30.9 G elem/s (within the noise).
template <class Arch>
inline void hsum4(vf<Arch> r0, vf<Arch> r1, vf<Arch> r2, vf<Arch> r3, float* out) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    // 512 -> 256 bits per row, then the AVX2 reduction.
    const auto half = [](__m512 r) {
      return _mm256_add_ps(_mm512_castps512_ps256(r), _mm512_extractf32x8_ps(r, 1));
    };
    hsum4_256(half(r0), half(r1), half(r2), half(r3), out);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    hsum4_256(r0, r1, r2, r3, out);
  } else {
    __m128 a = r0, b = r1, c = r2, d = r3;
    _MM_TRANSPOSE4_PS(a, b, c, d);
    _mm_storeu_ps(out, _mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, d)));
  }
}

// ---------------------------------------------------------------------------------------------
// y = W x: R rows at a time, two column accumulators per row (2R independent FMA chains: 8 on
// the 4-row block, enough to cover FMA latency x throughput on every ISA). x is loaded once per
// R rows. The horizontal sums happen once per row, after the column loop.
// Error: each row sum runs as L (or 2L) lane chains of <= n/L terms, then a log2(2L) tree, so
// |y - Wx| <= (n/L + log2(2L) + 1) u sum|W x| (FMA) -- well inside the documented 2 n u sum.
template <class Arch, std::size_t R>
inline void dot_rows(const float* W, std::size_t ld, const float* x, std::size_t n, float* out) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  B a0[R], a1[R];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < R; ++r) a0[r] = a1[r] = B(0.0f);
  std::size_t j = 0;
  for (; j + 2 * L <= n; j += 2 * L) {
    const B x0 = B::load_unaligned(x + j), x1 = B::load_unaligned(x + j + L);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) {
      a0[r] = fmadd<Arch>(B::load_unaligned(W + r * ld + j), x0, a0[r]);
      a1[r] = fmadd<Arch>(B::load_unaligned(W + r * ld + j + L), x1, a1[r]);
    }
  }
  if (j + L <= n) {
    const B x0 = B::load_unaligned(x + j);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) a0[r] = fmadd<Arch>(B::load_unaligned(W + r * ld + j), x0, a0[r]);
    j += L;
  }
  if (j < n) {
    const std::size_t t = n - j;
    const B x0 = load_part<Arch>(x + j, t);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) a1[r] = fmadd<Arch>(load_part<Arch>(W + r * ld + j, t), x0, a1[r]);
  }
  if constexpr (R == 4) {
    hsum4<Arch>(a0[0] + a1[0], a0[1] + a1[1], a0[2] + a1[2], a0[3] + a1[3], out);
  } else {
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) out[r] = xsimd::hadd(a0[r] + a1[r]);
  }
}

// Rows [0, m) of W x into s[0, m) (the bias is the caller's epilogue).
// 4 rows per block. Measured (avx512, 256x256 in L2, best of 2000 runs on the loaded 2-core
// box): 4 rows 31.1 G elem/s, 8 rows 28.7, 2 rows 20.1, read stream of the same bytes 32-34;
// at 1024x1024 (L3) all three are within 3% of the stream (7.7 G/s).
template <class Arch>
inline void matvec_rows(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                        float* s) {
  constexpr std::size_t R = 4;
  std::size_t i = 0;
  for (; i + R <= m; i += R) dot_rows<Arch, R>(W + i * ld, ld, x, n, s + i);
  for (; i < m; ++i) dot_rows<Arch, 1>(W + i * ld, ld, x, n, s + i);
}

// y = W x + b. s holds a block of rows' sums so the bias adds with one rounding each
// (b is read before y is written: y == b, in place, is fine).
template <class Arch>
void matvec(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
            const float* b, float* y) {
  constexpr std::size_t C = 64;  // rows per block: s stays in registers/L1
  alignas(64) float s[C];
  for (std::size_t i0 = 0; i0 < m; i0 += C) {
    const std::size_t c = m - i0 < C ? m - i0 : C;
    matvec_rows<Arch>(W + i0 * ld, c, n, ld, x, s);
    if (b != nullptr) {
      for (std::size_t k = 0; k < c; ++k) y[i0 + k] = s[k] + b[i0 + k];
    } else {
      for (std::size_t k = 0; k < c; ++k) y[i0 + k] = s[k];
    }
  }
}

// z = W x + b and h = f(z) in one pass over W: per block of 64 rows, the sums, the bias, then
// the activation over the block while it is in L1 (the same vector functor the elementwise
// activation kernels use, so h is bit-identical to activation(z)).
template <class Arch>
void matvec_act(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                const float* b, Activation f, float alpha, float* z, float* h) {
  using B = vf<Arch>;
  constexpr std::size_t C = 64;
  alignas(64) float s[C];
  const B av(alpha);
  with_activation<Arch>(f, [&](auto act) {
    using A = decltype(act);
    for (std::size_t i0 = 0; i0 < m; i0 += C) {
      const std::size_t c = m - i0 < C ? m - i0 : C;
      matvec_rows<Arch>(W + i0 * ld, c, n, ld, x, s);
      if (b != nullptr)
        for (std::size_t k = 0; k < c; ++k) s[k] += b[i0 + k];
      if (z != nullptr)
        for (std::size_t k = 0; k < c; ++k) z[i0 + k] = s[k];
      map_unary<Arch>(s, h + i0, c, [av](B v) { return A::f(v, av); });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// y (+)= W^T v: a block of R rows per sweep over y, so y is loaded and stored once per R rows
// of W (y of n floats stays in L1/L2). Per column vector the R products are summed as a tree
// (v0 W0 + v1 W1) + (v2 W2 + v3 W3) before touching y, which shortens each y_j's chain to
// m/R + log2(R) + 1 roundings: |y - W^T v| <= (m/R + 3) u sum|W v| on FMA ISAs, within 2 m u.
// kFirst: y is written, not accumulated (the first block of y = W^T v).
// Measured (avx512, best of 2000 runs): 256x256 4 rows 32.3 G elem/s, 8 rows 32.2, 2 rows 29.5
// (stream 32-34); software prefetch 8 lines ahead in each row: 26.3 (4 rows), 24.5 (8 rows),
// and no gain at 1024x1024 (7.6 vs 7.9): the hardware prefetchers already follow 4-8 rows.
// Not kept either: holding a 128-float strip of y in registers over all m rows (no y traffic)
// measured 30.4-32.8 vs 28.0-31.8 at 256x256 (+3%, within noise), with chains m long instead of
// m/4 and a strided walk over W that would need a size switch.
template <class Arch, bool kFirst, bool kPrefetch>
inline void axpy_rows4(const float* W, std::size_t ld, const float* v, float* y, std::size_t n) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  // Software prefetch kPrefetchAhead floats (16 cache lines) ahead in each of the 4 rows, one
  // prefetch per line the iteration consumes (2L floats).
  constexpr std::size_t kLines = (2 * L * sizeof(float) + 63) / 64;
  constexpr std::size_t kPrefetchAhead = 256;
  const B v0(v[0]), v1(v[1]), v2(v[2]), v3(v[3]);
  const float *w0 = W, *w1 = W + ld, *w2 = W + 2 * ld, *w3 = W + 3 * ld;
  auto block = [&](B a0, B a1, B a2, B a3) {
    return fmadd<Arch>(v1, a1, v0 * a0) + fmadd<Arch>(v3, a3, v2 * a2);
  };
  std::size_t j = 0;
  for (; j + 2 * L <= n; j += 2 * L) {
    if constexpr (kPrefetch) {
      for (std::size_t k = 0; k < kLines; ++k) {
        const std::size_t o = j + kPrefetchAhead + 16 * k;
        prefetch<PrefetchTo::kL1>(w0 + o);
        prefetch<PrefetchTo::kL1>(w1 + o);
        prefetch<PrefetchTo::kL1>(w2 + o);
        prefetch<PrefetchTo::kL1>(w3 + o);
      }
    }
    B t0 = block(B::load_unaligned(w0 + j), B::load_unaligned(w1 + j), B::load_unaligned(w2 + j),
                 B::load_unaligned(w3 + j));
    B t1 = block(B::load_unaligned(w0 + j + L), B::load_unaligned(w1 + j + L),
                 B::load_unaligned(w2 + j + L), B::load_unaligned(w3 + j + L));
    if constexpr (!kFirst) {
      t0 = B::load_unaligned(y + j) + t0;
      t1 = B::load_unaligned(y + j + L) + t1;
    }
    t0.store_unaligned(y + j);
    t1.store_unaligned(y + j + L);
  }
  for (; j + L <= n; j += L) {
    B t = block(B::load_unaligned(w0 + j), B::load_unaligned(w1 + j), B::load_unaligned(w2 + j),
                B::load_unaligned(w3 + j));
    if constexpr (!kFirst) t = B::load_unaligned(y + j) + t;
    t.store_unaligned(y + j);
  }
  if (j < n) {
    const std::size_t r = n - j;
    B t = block(load_part<Arch>(w0 + j, r), load_part<Arch>(w1 + j, r), load_part<Arch>(w2 + j, r),
                load_part<Arch>(w3 + j, r));
    if constexpr (!kFirst) t = load_part<Arch>(y + j, r) + t;
    store_part<Arch>(y + j, t, r);
  }
}

// y (+)= a w over n floats (one row of W^T v, or axpy). kFirst: y = a w.
template <class Arch, bool kFirst>
inline void axpy_row(float a, const float* w, float* y, std::size_t n) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  const B av(a);
  auto step = [&](B wv, B yv) {
    if constexpr (kFirst) {
      (void)yv;
      return av * wv;
    } else {
      return fmadd<Arch>(av, wv, yv);
    }
  };
  std::size_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    const B w0 = B::load_unaligned(w + j), w1 = B::load_unaligned(w + j + L);
    const B w2 = B::load_unaligned(w + j + 2 * L), w3 = B::load_unaligned(w + j + 3 * L);
    B y0(0.0f), y1(0.0f), y2(0.0f), y3(0.0f);
    if constexpr (!kFirst) {
      y0 = B::load_unaligned(y + j), y1 = B::load_unaligned(y + j + L);
      y2 = B::load_unaligned(y + j + 2 * L), y3 = B::load_unaligned(y + j + 3 * L);
    }
    step(w0, y0).store_unaligned(y + j);
    step(w1, y1).store_unaligned(y + j + L);
    step(w2, y2).store_unaligned(y + j + 2 * L);
    step(w3, y3).store_unaligned(y + j + 3 * L);
  }
  for (; j + L <= n; j += L) {
    B yv(0.0f);
    if constexpr (!kFirst) yv = B::load_unaligned(y + j);
    step(B::load_unaligned(w + j), yv).store_unaligned(y + j);
  }
  if (j < n) {
    const std::size_t r = n - j;
    B yv(0.0f);
    if constexpr (!kFirst) yv = load_part<Arch>(y + j, r);
    store_part<Arch>(y + j, step(load_part<Arch>(w + j, r), yv), r);
  }
}

template <class Arch, bool kPrefetch>
void matvec_t_body(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
                   float* y, bool acc);

template <class Arch>
void matvec_t(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v, float* y,
              bool acc) {
  if (m == 0) {
    if (!acc)
      for (std::size_t j = 0; j < n; ++j) y[j] = 0.0f;
    return;
  }
  // Software prefetch only when W is far beyond L2 (>= 4 MiB). Measured avx512, ratio to a
  // read stream of the same bytes measured alongside (medians of 30-3000 paired runs on the
  // loaded box): 256x256 (L2) 1.09 without vs 0.89 with; 1024x1024 1.04 vs 1.06;
  // 4096x4096 0.93 vs 1.13. (Wx + b's 4-row dot kernel reached 1.19 at 4096x4096 without.)
  const bool far = m * ld * sizeof(float) >= (std::size_t(4) << 20);
  if (far)
    matvec_t_body<Arch, true>(W, m, n, ld, v, y, acc);
  else
    matvec_t_body<Arch, false>(W, m, n, ld, v, y, acc);
}

template <class Arch, bool kPrefetch>
void matvec_t_body(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
                   float* y, bool acc) {
  std::size_t i = 0;
  if (!acc) {
    if (m >= 4) {
      axpy_rows4<Arch, true, kPrefetch>(W, ld, v, y, n);
      i = 4;
    } else {
      axpy_row<Arch, true>(v[0], W, y, n);
      i = 1;
    }
  }
  for (; i + 4 <= m; i += 4) axpy_rows4<Arch, false, kPrefetch>(W + i * ld, ld, v + i, y, n);
  for (; i < m; ++i) axpy_row<Arch, false>(v[i], W + i * ld, y, n);
}

// ---------------------------------------------------------------------------------------------
// W += a u v^T: row i gets W_i = fma(a u_i, v, W_i). a u_i is rounded once to float; the
// product with v_j and the sum round once together (FMA ISAs; twice on SSE2).
template <class Arch>
void add_outer(float* W, std::size_t m, std::size_t n, std::size_t ld, float a, const float* u,
               const float* v) {
  for (std::size_t i = 0; i < m; ++i) {
    float* w = W + i * ld;
    // axpy_row's "y += s v" with y = the row of W.
    axpy_row<Arch, false>(a * u[i], v, w, n);
  }
}

// x . y: four accumulators (4 independent FMA chains), one horizontal sum at the end.
template <class Arch>
float dot(const float* x, const float* y, std::size_t n) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  B a0(0.0f), a1(0.0f), a2(0.0f), a3(0.0f);
  std::size_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    a0 = fmadd<Arch>(B::load_unaligned(x + j), B::load_unaligned(y + j), a0);
    a1 = fmadd<Arch>(B::load_unaligned(x + j + L), B::load_unaligned(y + j + L), a1);
    a2 = fmadd<Arch>(B::load_unaligned(x + j + 2 * L), B::load_unaligned(y + j + 2 * L), a2);
    a3 = fmadd<Arch>(B::load_unaligned(x + j + 3 * L), B::load_unaligned(y + j + 3 * L), a3);
  }
  for (; j + L <= n; j += L) a0 = fmadd<Arch>(B::load_unaligned(x + j), B::load_unaligned(y + j), a0);
  if (j < n) a1 = fmadd<Arch>(load_part<Arch>(x + j, n - j), load_part<Arch>(y + j, n - j), a1);
  return xsimd::hadd((a0 + a1) + (a2 + a3));
}

// y += a x (one rounding per element on FMA ISAs: correctly rounded). x == y is fine.
template <class Arch>
void axpy(float a, const float* x, float* y, std::size_t n) {
  axpy_row<Arch, false>(a, x, y, n);
}

template <class Arch>
constexpr detail::MatvecKernels matvec_kernels() {
  return {entry<Arch, &matvec<Arch>>, entry<Arch, &matvec_act<Arch>>, entry<Arch, &matvec_t<Arch>>,
          entry<Arch, &add_outer<Arch>>, entry<Arch, &dot<Arch>>,         entry<Arch, &axpy<Arch>>};
}

}  // namespace simdense::SIMDENSE_NS
