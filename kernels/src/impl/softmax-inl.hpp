// SIMD softmax kernels, written once as templates over xsimd's Arch and instantiated in each
// isa/<isa>.cpp inside that ISA's namespace (SIMDENSE_NS). See isa/isa-inl.hpp.
//
// One row, in blocks of kBlock floats (a block stays in L1 between its two visits):
//   pass 1, per block: block max (and NaN / +inf detection), then e'_i = e^(x_i - L) against a
//     reference L near the running max m (see Ref / make_ref). |m| < 2^14 (Mode::grid): L = c =
//     m rounded to 2^-9, and exp's reduction r = x - (c + n C1) has c + n C1 exact (exp_grid).
//     Otherwise x - c is split exactly into dh + dl by Fast2Sum (3 operations; c is chosen so
//     that its exponent is never below that of a clamped x), dl enters exp's reduced argument,
//     and the scaling 2^s of L = c - s ln2 is folded into exp's 2^n. Either way the rounding of
//     x - m (|x - m| * 2^-24, e.g. 4e-6 at spread 100) never reaches e'. Sums in double: softmax over float pairs of depth-2
//     trees, log-softmax / cross-entropy over float pairs (one rounding per term), as S = k + T,
//     k = entries equal to m (counted apart), T = the rest, so log S = log k + log1p(T/k) keeps a
//     tiny non-max mass (recomputed in double with libm when it is below n 2^-99, where float
//     terms underflow). When the running max grows, T is moved to the new reference in double.
//   pass 2: softmax y = e' * (e^(L_block - L) / S) with that factor as a float hi + lo pair (one
//     rounding), or log-softmax y = x + K by TwoSum with K = -(M + log S) as a float pair, or
//     (x - M) - log S in double when log S is tiny next to |M| (one rounding); on AVX-512 for
//     |M| < 512 and log S >= 2^-6, y = (xh - CL) + (xl - Ll) with x and M + log S split on the
//     2^-14 grid (vreduceps, 5 operations; one rounding while |y| < 2^10).
// AVX-512 rows with |max| < 512 (Mode::gtab) compute e' by a 32-entry table exp (exp_tab_keep)
// on the same exact grid reduction; pass 1 prefetches the next block (or rows) into L2 when
// more data follows.
// Errors (relative, per element): e' one rounding + <= 0.2 of one from the polynomial + two
// 2^-26 roundings of r; S correlated with the same roundings; the product one rounding: the
// 2.5e-7 bound, measured <= 1.83e-7 (SSE2, rows [0, z x 31]; tests/test_softmax.cpp).
#pragma once

#include <cmath>  // std::exp/log/log1p on doubles: extern libm functions, no inline ODR risk

#include "impl/entry-inl.hpp"
#include "impl/math-inl.hpp"
#include "tables/softmax.hpp"

namespace simdense::SIMDENSE_NS {

template <class Arch>
using vd = xsimd::batch<double, Arch>;

namespace sm {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
// Floats per block: 16 KiB, so a block read by the max pass is still in L1 for the exp pass.
constexpr std::size_t kBlock = 4096;
// Blocks per row tracked on the stack (their running max); longer rows get longer blocks.
constexpr std::size_t kMaxBlocks = 256;

// Lanes [0, r) from p, the others `pad`; never touches memory at or past p + r (r < lanes).
template <class Arch>
inline vf<Arch> load_part(const float* p, std::size_t r, float pad) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_mask_loadu_ps(_mm512_set1_ps(pad), __mmask16((1u << r) - 1u), p);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(r)),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_blendv_ps(_mm256_set1_ps(pad), _mm256_maskload_ps(p, m),
                            _mm256_castsi256_ps(m));
  } else {
    alignas(64) float t[vf<Arch>::size];
    for (std::size_t k = 0; k < vf<Arch>::size; ++k) t[k] = k < r ? p[k] : pad;
    return vf<Arch>::load_aligned(t);
  }
}

// Stores lanes [0, r) of v to p (r < lanes).
template <class Arch>
inline void store_part(float* p, std::size_t r, vf<Arch> v) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    _mm512_mask_storeu_ps(p, __mmask16((1u << r) - 1u), v);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(r)),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(p, m, v);
  } else {
    alignas(64) float t[vf<Arch>::size];
    v.store_aligned(t);
    for (std::size_t k = 0; k < r; ++k) p[k] = t[k];
  }
}

// The two halves of v as doubles (exact).
template <class Arch>
inline void widen(vf<Arch> v, vd<Arch>& lo, vd<Arch>& hi) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    lo = _mm512_maskz_cvtps_pd(__mmask8(0xFF), _mm512_castps512_ps256(v));
    // (maskz shuffle, not extractf64x4 / shuffle_f32x4: GCC 12's unmasked forms use an
    // undefined pass-through and trip -Wuninitialized)
    hi = _mm512_maskz_cvtps_pd(
        __mmask8(0xFF), _mm512_castps512_ps256(_mm512_maskz_shuffle_f32x4(__mmask16(0xFFFF), v, v, 0xEE)));
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  } else {
    lo = _mm_cvtps_pd(v);
    hi = _mm_cvtps_pd(_mm_movehl_ps(v, v));
  }
}

// The float vector of two double halves (each rounded once).
template <class Arch>
inline vf<Arch> narrow(vd<Arch> lo, vd<Arch> hi) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi),
                              1);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)),
                                _mm256_cvtpd_ps(hi), 1);
  } else {
    return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
  }
}

// v where p != 0, else 0 (a zero target contributes 0 even where v is -inf or NaN).
template <class Arch>
inline vd<Arch> where_nonzero(vd<Arch> p, vd<Arch> v) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(p, _mm512_setzero_pd(), _CMP_NEQ_UQ), v);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return _mm256_and_pd(_mm256_cmp_pd(p, _mm256_setzero_pd(), _CMP_NEQ_UQ), v);
  } else {
    return _mm_and_pd(_mm_cmpneq_pd(p, _mm_setzero_pd()), v);
  }
}

// acc += v, in double.
template <class Arch>
inline void acc_add(vd<Arch>& a0, vd<Arch>& a1, vf<Arch> v) {
  vd<Arch> lo, hi;
  widen<Arch>(v, lo, hi);
  a0 += lo;
  a1 += hi;
}

// Sum of the lanes, as a shuffle tree (not xsimd::hadd: on AVX-512 it uses extractf64x4,
// whose GCC 12 header trips -Wuninitialized).
template <class Arch>
inline double hsum(vd<Arch> v) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    // 512 -> 256 with shuffle_f32x4 (the f64x2 / permute_pd forms trip GCC 12's
    // -Wuninitialized), then as AVX2.
    const __m512 f = _mm512_castpd_ps(v);
    __m256d a = _mm256_add_pd(_mm512_castpd512_pd256(v),
                              _mm256_castps_pd(_mm512_castps512_ps256(_mm512_maskz_shuffle_f32x4(__mmask16(0xFFFF), f, f, 0xEE))));
    a = _mm256_add_pd(a, _mm256_permute2f128_pd(a, a, 1));
    a = _mm256_add_pd(a, _mm256_permute_pd(a, 5));
    return _mm256_cvtsd_f64(a);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    __m256d a = v;
    a = _mm256_add_pd(a, _mm256_permute2f128_pd(a, a, 1));
    a = _mm256_add_pd(a, _mm256_permute_pd(a, 5));
    return _mm256_cvtsd_f64(a);
  } else {
    __m128d a = v;
    return _mm_cvtsd_f64(_mm_add_pd(a, _mm_unpackhi_pd(a, a)));
  }
}

// Max of the lanes, as a shuffle tree (no NaN in v here).
template <class Arch>
inline float hmax(vf<Arch> v) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    const __m512 f = v;
    __m256 a = _mm256_max_ps(_mm512_castps512_ps256(f),
                             _mm512_castps512_ps256(_mm512_maskz_shuffle_f32x4(__mmask16(0xFFFF), f, f, 0xEE)));
    a = _mm256_max_ps(a, _mm256_permute2f128_ps(a, a, 1));
    a = _mm256_max_ps(a, _mm256_permute_ps(a, 0x4E));
    a = _mm256_max_ps(a, _mm256_permute_ps(a, 0xB1));
    return _mm256_cvtss_f32(a);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    __m256 a = v;
    a = _mm256_max_ps(a, _mm256_permute2f128_ps(a, a, 1));
    a = _mm256_max_ps(a, _mm256_permute_ps(a, 0x4E));
    a = _mm256_max_ps(a, _mm256_permute_ps(a, 0xB1));
    return _mm256_cvtss_f32(a);
  } else {
    __m128 a = v;
    a = _mm_max_ps(a, _mm_shuffle_ps(a, a, 0x4E));
    a = _mm_max_ps(a, _mm_shuffle_ps(a, a, 0xB1));
    return _mm_cvtss_f32(a);
  }
}

// s + e = a + b exactly (Knuth's TwoSum; no FMA needed, so SSE2 gets it too).
template <class Arch>
inline void two_sum(vf<Arch> a, vf<Arch> b, vf<Arch>& s, vf<Arch>& e) {
  s = a + b;
  const vf<Arch> bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}

// A double as a float pair hi + lo (|lo| <= ulp(hi)/2).
struct Split {
  float hi, lo;
};
// v = hi + lo to float precision twice over. When v is not finite or beyond the float range, hi
// is +-inf or NaN and lo is 0 (not inf - inf = NaN), so an infinite row sum gives the limits the
// scalar reference gives (e.g. dx = -inf) rather than a NaN row.
inline Split split(double v) {
  const float hi = static_cast<float>(v);
  const double lo = v - double(hi);
  return {hi, lo - lo == 0.0 ? static_cast<float>(lo) : 0.0f};
}

// e^(dh + dl) * 2^s for |dl| <= ulp(dh)/2, with vshift = 1.5 * 2^23 + s (s a small integer).
// n = round(dh / ln2 + s) - s is computed from t's low mantissa bits, r = dh - n ln2 + dl (the
// Cody-Waite steps are exact: n has <= 9 bits, C1 has 9), then e^r by exp<Arch>'s polynomial
// (math-inl.hpp: 1 + r + r^2 P(r), Cephes expf), and the result is
// scaled by 2^(n + s) from t's bits: bits(t) = 0x4B400000 + (n + s), so bits(t) << 23 is
// (n + s) << 23. n + s is clamped to >= -127 (the bits of +0), and the callers clamp x at a vlo
// where n + s <= -127 under any rounding mode: clamped and masked entries become exactly 0
// without an underflow. (Under a caller's directed rounding mode n may differ by one from the
// nearest integer: |r| <= ~ln2, still within a rounding-sized error of e^(dh + dl).)
template <class Arch>
inline vf<Arch> exp_split(vf<Arch> dh, vf<Arch> dl, vf<Arch> vshift) {
  using B = vf<Arch>;
  const B t = fmadd<Arch>(dh, B(1.44269504088896341f), vshift);
  const B n = t - vshift;
  B r = fnmadd<Arch>(n, B(kLn2C1), dh);  // exact: C1 has 9 bits, |n| <= 255
  r = fnmadd<Arch>(n, B(kLn2C2), r);
  r = r + dl;
  // 1 + (r + r^2 P(r)): a Horner form over all 8 coefficients saves one operation but its extra
  // rounding of 1 + r P pushed log-softmax to 1.3e-7 (bound 1.2e-7) at spread 100.
  const B p = exp_poly<Arch>(r);
  // n + s clamped to >= -127 (bits of +0): under a caller's directed rounding mode t can be
  // one below the round-to-nearest value, and n + s = -128 would give the bits of -inf.
  const B tc = xsimd::max(t, B(12582912.0f - 127.0f));
  const B scale = as_float<Arch>((as_int<Arch>(tc) << 23) + vi<Arch>(127 << 23));
  return p * scale;
}

// AVX-512: the same e^(dh + dl) 2^s, but the scaling by vscalefps (1 + q) 2^(n + s), with the
// lanes outside `keep` zeroed by its mask instead of clamping x beforehand: 3 operations (compare,
// n + s, scalef) against 4 (clamp, shift, add, multiply). keep = x > L - 126.5 ln2 (or NaN), so
// n + s >= -127 in kept lanes (a result there below 2^-126 is the true subnormal value) and the
// dropped lanes (masked -inf, far below the max, padding) are exactly 0 without an underflow.
// kNoShift: the caller guarantees s = 0 (vshift = 1.5 * 2^23), so n + s is n (one operation
// less).
template <class Arch, bool kNoShift = false>
inline vf<Arch> exp_split_keep(vf<Arch> dh, vf<Arch> dl, vf<Arch> vshift, __mmask16 keep) {
  using B = vf<Arch>;
  const B t = fmadd<Arch>(dh, B(1.44269504088896341f), vshift);
  const B n = t - vshift;
  B r = fnmadd<Arch>(n, B(kLn2C1), dh);
  r = fnmadd<Arch>(n, B(kLn2C2), r);
  r = r + dl;
  const B p = exp_poly<Arch>(r);
  if constexpr (kNoShift) return _mm512_maskz_scalef_ps(keep, p, n);
  return _mm512_maskz_scalef_ps(keep, p, t - B(12582912.0f));  // t - 1.5 * 2^23 = n + s
}

// e^(x - c) for a reference c on the 2^-9 grid with |c| < 2^14 (Mode::grid), no split of
// x - c needed: n = round((x - c) / ln2) from the rounded difference, then c' = c + n C1 is
// exact (a multiple of 2^-9 below 2^15: <= 24 bits; C1 = 0.693359375 has 9), and r = x - c' is
// rounded once at |r| <= ~ln2/2 (absolute error <= 2^-26, as the Cody-Waite step's), so the
// rounding of x - c (up to 2^-18 at |x - c| ~ 100) never reaches e. 14 operations (+ the keep
// compare) against 17 for the Fast2Sum split and the 2^s shift. Lanes outside `keep` (AVX-512:
// x <= c - 126.5 ln2, masked -inf; NaN kept) are exactly 0; on the other ISAs the caller
// clamps x at c - 129 ln2, where the clamp of n to -127 in the scaling gives exactly 0.
// The grid reduction: t = (x - c)/ln2 + 1.5*2^23 (its low bits are n), n, and r = x - c'.
template <class Arch>
inline vf<Arch> grid_reduce(vf<Arch> x, vf<Arch> vc, vf<Arch>& t, vf<Arch>& n) {
  using B = vf<Arch>;
  const B vshift(12582912.0f);
  t = fmadd<Arch>(x - vc, B(1.44269504088896341f), vshift);
  n = t - vshift;
  const B cp = fmadd<Arch>(n, B(kLn2C1), vc);  // exact
  return fnmadd<Arch>(n, B(kLn2C2), x - cp);
}
template <class Arch>
inline vf<Arch> exp_grid_keep(vf<Arch> x, vf<Arch> vc, __mmask16 keep) {
  vf<Arch> t, n;
  const vf<Arch> r = grid_reduce<Arch>(x, vc, t, n);
  return _mm512_maskz_scalef_ps(keep, exp_poly<Arch>(r), n);
}
template <class Arch>
inline vf<Arch> exp_grid(vf<Arch> xc, vf<Arch> vc) {
  using B = vf<Arch>;
  B t, n;
  const B p = exp_poly<Arch>(grid_reduce<Arch>(xc, vc, t, n));
  // n clamped to >= -127 (bits of +0) as in exp_split: directed rounding cannot make -inf.
  const B tc = xsimd::max(t, B(12582912.0f - 127.0f));
  return p * as_float<Arch>((as_int<Arch>(tc) << 23) + vi<Arch>(127 << 23));
}

// AVX-512 table-driven e^(x - c) for a reference c on the 2^-9 grid with |c| < 2^9 (Mode::gtab):
// 12 operations + the keep compare, against exp_grid_keep's 14 + 1.
//   t = x log2e + vb, vb = 1.5 * 2^18 - c log2e rounded (a float near 2^18 has ulp 1/32, so t
//     holds (x - c) log2e rounded to a multiple of 1/32; vb's own rounding adds <= 1/64),
//   v = t - 1.5 * 2^18 = N/32 (exact), k = N mod 32 = the low 5 bits of t,
//   c' = c + v C1 exact (C1 = 355 2^-9, v C1 a multiple of 2^-14, |c'| < 2^10: <= 24 bits),
//   r = (x - c') - v C2: |x - c'| <= 0.05 rounded once (<= 2^-29), |r| <= ln2/32 (<= 2^-30),
//   l = 2^(k/32) from a 32-entry table (vpermt2ps of two registers indexed by t's bits),
//   e = l + (l r)(1 + r (a + b r)): minimax a, b for |r| <= 0.02175, relative error 1.6e-9
//     (0.03 of 2^-24); e' = e 2^floor(v) by vscalefps (which floors v), the lanes outside
//     `keep` zeroed as in exp_grid_keep.
// The table entries are rounded to float (relative error up to 0.93 * 2^-24, k = 22): their
// rounding errors come from a second table, added inside the l r product (fmadd(l, r, l_lo):
// the error l_lo r of folding it there is ~2^-30 relative), one permute more. Without it,
// softmax reached 1.81e-7 in the tests and 2.15e-7 on rows [0, z x 31] (bound 2.5e-7), and
// log-softmax / cross-entropy have no room for it at all (1.2e-7).
template <class Arch>
inline vf<Arch> exp_tab_keep(vf<Arch> x, vf<Arch> vb, vf<Arch> vc, __mmask16 keep) {
  using B = vf<Arch>;
  const B t = fmadd<Arch>(x, B(1.44269504088896341f), vb);
  const B v = t - B(393216.0f);
  const B cp = fmadd<Arch>(v, B(kLn2C1), vc);  // exact
  const B r = fnmadd<Arch>(v, B(kLn2C2), x - cp);
  const vi<Arch> idx = as_int<Arch>(t);
  const B l = lut32<Arch>(kExp2Frac32, idx);
  const B lr = fmadd<Arch>(l, r, lut32<Arch>(kExp2Frac32Lo, idx));
  const B q = fmadd<Arch>(fmadd<Arch>(B(0x1.555556p-3f), r, B(0x1.000224p-1f)), r, B(1.0f));
  return _mm512_maskz_scalef_ps(keep, fmadd<Arch>(lr, q, l), v);
}

// How a block's e are computed against its running max m (see Ref below).
enum class Mode { pos, neg, two, careful, grid, gtab };

// The reference of a block with running max m: the kernel returns e' = e^(xc - c) 2^s =
// e^(x - L) with L = c - s ln2, xc = max(x, vlo), and x - c split exactly into dh + dl by
// Fast2Sum (3 operations instead of TwoSum's 6). Fast2Sum(a, b) is exact when exponent(a) >=
// exponent(b), which each mode guarantees for every clamped xc in [vlo, m]:
//   |m| < 2^14    (grid, checked first): c = m rounded to 2^-9, s = 0, no split (exp_grid).
//                  |m| < 2^9 (gtab): the same c, and on AVX-512 the table exp (exp_tab_keep);
//                  the other ISAs compute gtab blocks as grid.
//   m <= 0        (neg): c = m, s = 0, a = xc (|xc| >= |m|).
//   m >= 88       (pos): c = m, s = 0, a = -m (xc >= m - 88.03 >= -m).
//   0 < m < 88    (pos): c = 88, s = round((88 - m) / ln2) in [0, 127], a = -88 (|xc| < 128, the
//                  exponent of 88); L is within ln2/2 of m, so e' stays within [0.7, 1.42] e^(x-m).
//   |m| >= 2^22   (careful): c = m, TwoSum, clamp after the split (m - 88 rounds coarsely).
//   two (short rows of log-softmax / cross-entropy, 0 < m < 88): c = m, s = 0, TwoSum (3 more
//                  operations per vector, but no libm exp to convert the sum from L to m).
// vlo = L - 128 ln2 (rounded: within 0.25 for |m| < 2^22): there n + s <= -127 under any MXCSR
// rounding mode, clamped to -127 by exp_split, so e' = 0 exactly (careful mode: dh >= -89).
struct Ref {
  Mode mode;
  float c, vlo, vshift;
  float vkeep;  // AVX-512 pos / neg: lanes with x > vkeep = vlo + ln2/2 are computed (exp_split_keep)
  float vb;     // gtab: 1.5 * 2^18 - c log2e, rounded (exp_tab_keep)
  double L;
};
// Float arithmetic for what block_exp needs (on the critical path of short rows); L in double.
inline Ref make_ref(float m) {
  constexpr double kLn2 = 0.693147180559945309417;
  constexpr float k127Ln2 = 88.0296919f;  // 127 ln2
  Ref r;
  if (!(m > -4194304.0f && m < 4194304.0f)) {  // 2^22
    r.mode = Mode::careful;
    r.c = m;
    r.L = m;
    r.vlo = -89.0f;  // the clamp of dh (careful mode clamps after the split; n <= -128)
    r.vshift = 12582912.0f;
    r.vkeep = -kInf;  // (unused)
    r.vb = 0.0f;      // (unused)
    return r;
  }
  if (m > -16384.0f && m < 16384.0f) {  // 2^14
    // Mode::grid: c = m rounded to a multiple of 2^-9 (|c - m| <= 2^-10 in any rounding mode
    // up to one grid step: e' <= e^(2^-9)), L = c.
    r.mode = m > -512.0f && m < 512.0f ? Mode::gtab : Mode::grid;
    r.c = ((m * 512.0f + 12582912.0f) - 12582912.0f) * 0x1p-9f;  // exact for |m| < 2^14
    r.vb = static_cast<float>(393216.0 - double(r.c) * double(1.44269504088896341f));
    r.L = r.c;
    r.vlo = r.c - 89.4159862f;   // 129 ln2: n <= -128 there (see exp_split)
    r.vkeep = r.c - 87.6831321f;  // 126.5 ln2: n >= -127 in kept lanes (AVX-512)
    r.vshift = 12582912.0f;
    return r;
  }
  float s = 0.0f;
  r.c = m;
  r.mode = m <= 0.0f ? Mode::neg : Mode::pos;
  if (m > 0.0f && m < 88.0f) {
    r.c = 88.0f;
    // s = round((88 - m) / ln2) in [0, 127] by the 1.5 * 2^23 shifter (no libm, no contraction)
    s = ((88.0f - m) * 1.44269504f + 12582912.0f) - 12582912.0f;
  }
  r.L = double(r.c) - double(s) * kLn2;
  // L - 127 ln2, within 2^-17 + ulp(m)/2 of exact (|m| < 2^22: <= 0.25, n + s = -127 there).
  r.vlo = r.c == m ? m - k127Ln2 : 88.0f - (s + 127.0f) * 0.693147182f;
  r.vshift = 12582912.0f + s;  // exact: s <= 127
  r.vkeep = r.vlo + 0.346573590f;
  r.vb = 0.0f;  // (unused)
  // Clamp one ln2 lower (n + s <= -128 there, clamped to -127 by exp_split): the clamped lanes
  // stay exactly 0 when a caller's directed rounding mode moves t by one.
  r.vlo -= 0.693147182f;
  return r;
}

// log1p(v) for v >= 0 (NaN and +inf propagate) by libm's log: glibc's log is table-driven and
// ~4x faster than its log1p (log1p was 45% of a 10-float log_softmax row). Goldberg's form
// log(u) * v / (u - 1), u = 1 + v rounded, is within 5 double epsilons of log1p(v) for
// 0 <= v < 3/4 (Goldberg 1991, Theorem 4); above, u's rounding is 2^-53 relative and
// log(u) >= 0.56, so the same holds. u = 1 (v < 2^-53): log1p(v) = v to double precision.
inline double log1p_pos(double v) {
  const double u = 1.0 + v;
  if (u == 1.0) return v;
  if (!(u < std::numeric_limits<double>::infinity())) return std::log(u);  // +inf, NaN
  return std::log(u) * (v / (u - 1.0));
}

// What pass 1 leaves for pass 2.
struct RowSum {
  bool pf = false;  // set by the caller: prefetch ahead (more rows follow, or n > kBlock)
  bool nan_row;
  float M;          // row max
  double k, T;      // S = k + T relative to e^(x - M) (see the header comment); kSplit only
  double P, D;      // soft targets: sum p, sum p (x - M)
  double sref, sden;  // pass 2 factor of a block with reference L: e^(L - sref) / sden
  std::size_t blk;  // block length
  std::size_t nb;   // blocks
  double Lb[kMaxBlocks];  // the reference L each block's e' were computed against
  double S() const { return k + T; }
  double logS() const { return k == 1.0 ? log1p_pos(T) : std::log(k) + log1p_pos(T / k); }
};

// Block max of x[0, n). NaN is skipped here (maxps returns its second operand when either is
// NaN, and the accumulator is that operand); it reaches S through the exp pass instead.
template <class Arch>
inline float block_max(const float* x, std::size_t n) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  B m0(-kInf), m1(-kInf), m2(-kInf), m3(-kInf);
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    m0 = xsimd::max(B::load_unaligned(x + i), m0);
    m1 = xsimd::max(B::load_unaligned(x + i + L), m1);
    m2 = xsimd::max(B::load_unaligned(x + i + 2 * L), m2);
    m3 = xsimd::max(B::load_unaligned(x + i + 3 * L), m3);
  }
  for (; i + L <= n; i += L) m0 = xsimd::max(B::load_unaligned(x + i), m0);
  if (i < n) m1 = xsimd::max(load_part<Arch>(x + i, n - i, -kInf), m1);
  return hmax<Arch>(xsimd::max(xsimd::max(m0, m1), xsimd::max(m2, m3)));
}

// Prefetches (into L2) the kBytes from x + kBlock onwards: the block that block_max reads next,
// or the rows after this one in a batch. The exp pass is compute-bound and the max pass
// memory-bound; without it the max pass waits for x from L3 with the arithmetic ports idle
// (1 Mi floats: ~30% of the time in block_max). Prefetches never fault, so addresses past the
// end of the row are harmless (formed as integers: no out-of-bounds pointer arithmetic).
template <class Arch, std::size_t kFloats>
inline void prefetch_next_block(const float* x) {
  const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(x) + kBlock * sizeof(float);
  for (std::size_t b = 0; b < kFloats * sizeof(float); b += 64)
    prefetch<PrefetchTo::kL2>(reinterpret_cast<const char*>(a + b));
}

// Pass 1 over one block [x, x + n) against the running max m and its reference rf: stores
// e' = e^(x - L) into y (kStore), adds e' to T (entries equal to m counted in k instead when
// kSplit), and for soft targets p adds p to P and p (x - m) to D (all in double). A NaN x
// propagates into T (so into S).
template <class Arch, bool kStore, bool kSplit, bool kSoft, Mode kMode>
inline void block_exp(const float* x, const float* p, float* y, std::size_t n, float m,
                      const Ref& rf, double& k, double& T, double& P, double& D, bool pf) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  const B vm(m), vc(rf.c), vnc(-rf.c), vlo(rf.vlo), vshift(rf.vshift), vkeep(rf.vkeep),
      vb(rf.vb), zero(0.0f), one(1.0f);
  const BD md = BD(double(m));
  BD t0(0.0), t1(0.0), p0(0.0), p1(0.0), d0(0.0), d1(0.0);
  B kc(0.0f);
  // e' for one vector (stored when kStore), with the max entries zeroed when kSplit.
  constexpr bool kAvx512 = std::is_base_of_v<xsimd::avx512f, Arch>;
  // AVX-512 without a store: the max entries of kSplit are dropped by exp_split_keep's mask
  // (counted by a masked add) instead of a compare and two selects on e.
  constexpr bool kMaskSplit = kAvx512 && kSplit && !kStore && kMode != Mode::careful;
  auto one_vec = [&](B xv, B pv, float* dst, std::size_t r) {
    auto finish = [&](B e) {
      if constexpr (kStore) {
        if (r == L)
          e.store_unaligned(dst);
        else
          store_part<Arch>(dst, r, e);
      }
      if constexpr (kSplit && !kMaskSplit) {
        const auto ismax = xv == vm;
        kc += xsimd::select(ismax, one, zero);
        e = xsimd::select(ismax, zero, e);
      }
      if constexpr (kSoft) {
        acc_add<Arch>(p0, p1, pv);
        BD xl, xh, pl, ph;
        widen<Arch>(xv, xl, xh);
        widen<Arch>(pv, pl, ph);
        // p = 0 contributes 0 even at a masked (-inf) logit.
        d0 += where_nonzero<Arch>(pl, pl * (xl - md));
        d1 += where_nonzero<Arch>(ph, ph * (xh - md));
      }
      return e;
    };
    B dh, dl;
    if constexpr (kMode == Mode::grid || kMode == Mode::gtab) {
      if constexpr (kAvx512) {
        __mmask16 keep = _mm512_cmp_ps_mask(xv, vkeep, _CMP_NLE_UQ);
        if constexpr (kMaskSplit) {
          const __mmask16 ismax = _mm512_cmp_ps_mask(xv, vm, _CMP_EQ_OQ);
          kc = _mm512_mask_add_ps(kc, ismax, kc, one);
          keep = _kandn_mask16(ismax, keep);
        }
        if constexpr (kMode == Mode::gtab) return finish(exp_tab_keep<Arch>(xv, vb, vc, keep));
        return finish(exp_grid_keep<Arch>(xv, vc, keep));
      } else {
        return finish(exp_grid<Arch>(xsimd::max(vlo, xv), vc));  // NaN stays (2nd operand)
      }
    } else if constexpr (kAvx512 && kMode != Mode::careful) {
      // No clamp: lanes at or below vkeep are dropped by exp_split_keep's mask (NaN kept: the
      // compare is unordered-true); the kept ones satisfy the Fast2Sum condition as above.
      __mmask16 keep = _mm512_cmp_ps_mask(xv, vkeep, _CMP_NLE_UQ);
      if constexpr (kMaskSplit) {
        const __mmask16 ismax = _mm512_cmp_ps_mask(xv, vm, _CMP_EQ_OQ);
        kc = _mm512_mask_add_ps(kc, ismax, kc, one);
        keep = _kandn_mask16(ismax, keep);
      }
      if constexpr (kMode == Mode::two) {
        two_sum<Arch>(xv, vnc, dh, dl);  // -inf: NaN in dropped lanes only
      } else {
        dh = xv - vc;
        if constexpr (kMode == Mode::pos)
          dl = xv - (dh + vc);
        else
          dl = vnc - (dh - xv);
      }
      // neg and two: s = 0 (see Ref).
      constexpr bool kNoShift = kMode == Mode::neg || kMode == Mode::two;
      return finish(exp_split_keep<Arch, kNoShift>(dh, dl, vshift, keep));
    } else if constexpr (kMode == Mode::two) {
      two_sum<Arch>(xsimd::max(vlo, xv), vnc, dh, dl);
    } else if constexpr (kMode == Mode::careful) {
      two_sum<Arch>(xv, vnc, dh, dl);
      const auto low = dh < vlo;  // -inf (dl NaN there) and far below the max; NaN stays
      dl = xsimd::select(low, zero, dl);
      dh = xsimd::select(low, vlo, dh);
    } else {
      // max(lo, x): -inf -> lo, NaN x stays NaN (maxps returns its second operand).
      const B xc = xsimd::max(vlo, xv);
      dh = xc - vc;
      if constexpr (kMode == Mode::pos)
        dl = xc - (dh + vc);  // Fast2Sum(-c, xc)
      else
        dl = vnc - (dh - xc);  // Fast2Sum(xc, -c)
    }
    return finish(exp_split<Arch>(dh, dl, vshift));
  };
  std::size_t i = 0;
  auto pload = [&](std::size_t j) { return kSoft ? B::load_unaligned(p + j) : zero; };
  auto at = [&](std::size_t j) { return kStore ? y + j : nullptr; };
  // Softmax: a float tree of depth 2 over 4 vectors, then the double sum: each e perturbed by
  // <= 2 roundings (2^-23 relative, a uniform error of S well inside the 2.5e-7 bound), one
  // widening per 4 vectors. kSplit (log-softmax, cross-entropy): T's relative error is the error
  // of log S ~ T and of the loss of a dominant entry (bound 1.2e-7), so each vector is widened
  // and summed in double (the tree measured 1.31e-7 on AVX2 at spread 100, n = 33).
  for (; i + 4 * L <= n; i += 4 * L) {
    if (pf) prefetch_next_block<Arch, 4 * L>(x + i);
    const B ea = one_vec(B::load_unaligned(x + i), pload(i), at(i), L);
    const B eb = one_vec(B::load_unaligned(x + i + L), pload(i + L), at(i + L), L);
    const B ec = one_vec(B::load_unaligned(x + i + 2 * L), pload(i + 2 * L), at(i + 2 * L), L);
    const B ed = one_vec(B::load_unaligned(x + i + 3 * L), pload(i + 3 * L), at(i + 3 * L), L);
    if constexpr (kSplit) {
      acc_add<Arch>(t0, t1, ea + eb);
      acc_add<Arch>(t0, t1, ec + ed);
    } else {
      acc_add<Arch>(t0, t1, (ea + eb) + (ec + ed));
    }
  }
  for (; i + 2 * L <= n; i += 2 * L) {
    const B ea = one_vec(B::load_unaligned(x + i), pload(i), at(i), L);
    const B eb = one_vec(B::load_unaligned(x + i + L), pload(i + L), at(i + L), L);
    acc_add<Arch>(t0, t1, ea + eb);
  }
  for (; i + L <= n; i += L) {
    B pa = zero;
    if constexpr (kSoft) pa = B::load_unaligned(p + i);
    acc_add<Arch>(t0, t1, one_vec(B::load_unaligned(x + i), pa, kStore ? y + i : nullptr, L));
  }
  if (i < n) {
    B pa = zero;
    if constexpr (kSoft) pa = load_part<Arch>(p + i, n - i, 0.0f);
    acc_add<Arch>(t0, t1, one_vec(load_part<Arch>(x + i, n - i, -kInf), pa,
                                  kStore ? y + i : nullptr, n - i));
  }
  T += hsum<Arch>(t0 + t1);
  if constexpr (kSplit) {
    BD c0, c1;
    widen<Arch>(kc, c0, c1);
    k += hsum<Arch>(c0 + c1);
  }
  if constexpr (kSoft) {
    P += hsum<Arch>(p0 + p1);
    D += hsum<Arch>(d0 + d1);
  }
}

// Pass 1 over a row (see the header comment). Returns s.nan_row set for a NaN row.
// During the pass T is the non-max mass in units of e^(x - Lr), Lr the current block reference;
// at the end it is converted to units of e^(x - M) (one exp when Lr != M) for kSplit callers.
template <class Arch, bool kStore, bool kSplit, bool kSoft>
inline void row_pass1(const float* x, const float* p, float* y, std::size_t n, RowSum& s) {
  s.nan_row = false;
  s.M = -kInf;
  s.k = s.T = s.P = s.D = 0.0;
  double Lr = 0.0;
  Ref rf{};
  std::size_t blk = kBlock;
  if (n > kBlock * kMaxBlocks) blk = ((n + kMaxBlocks - 1) / kMaxBlocks + 63) / 64 * 64;
  s.blk = blk;
  s.nb = 0;
  for (std::size_t i0 = 0; i0 < n; i0 += blk) {
    const std::size_t len = n - i0 < blk ? n - i0 : blk;
    const float mb = block_max<Arch>(x + i0, len);
    if (mb == kInf) {
      s.nan_row = true;
      return;
    }
    if (mb > s.M) {
      rf = make_ref(mb);
      // Short row: Mode::two (see Ref). Its TwoSum costs 3 operations per vector more than
      // Fast2Sum, which needs one libm exp per row at the end (T from L to M): cheaper up to
      // ~256 floats (16 AVX-512 vectors: ~50 operations, ~10 ns), dearer beyond (n = 1000 was
      // ~10% slower with Mode::two).
      // AVX-512 gtab blocks keep their reference: the table exp costs less than TwoSum with
      // exp_split_keep, and T moves from c to M by a Taylor polynomial (|c - M| <= 2^-10).
      constexpr bool kAvx512 = std::is_base_of_v<xsimd::avx512f, Arch>;
      if (kSplit && n <= 256 && rf.c != mb && !(kAvx512 && rf.mode == Mode::gtab)) {
        rf.mode = Mode::two;
        rf.c = mb;
        rf.L = mb;
        rf.vlo = mb - 89.4159862f;   // 129 ln2 (see make_ref)
        rf.vkeep = mb - 87.6831321f;  // 126.5 ln2 (AVX-512, see exp_split_keep)
        rf.vshift = 12582912.0f;
      }
      if (s.M != -kInf) {
        // Old mass to the new units; the old max entries (k of them) become non-max.
        s.T = s.T * std::exp(Lr - rf.L) + s.k * std::exp(double(s.M) - rf.L);
        if constexpr (kSoft)
          if (s.P != 0.0) s.D += (double(s.M) - double(mb)) * s.P;  // exact difference
      }
      s.k = 0.0;
      s.M = mb;
      Lr = rf.L;
    }
    s.Lb[s.nb++] = s.M == -kInf ? -double(kInf) : Lr;
    if (s.M == -kInf) {  // every entry so far is masked (or NaN)
      for (std::size_t i = 0; i < len; ++i)
        if (x[i0 + i] != x[i0 + i]) {
          s.nan_row = true;
          return;
        }
      if constexpr (kStore)
        for (std::size_t i = 0; i < len; ++i) y[i0 + i] = 0.0f;
      if constexpr (kSoft) {
        double ps = 0.0;
        for (std::size_t i = 0; i < len; ++i) ps += p[i0 + i];
        s.P += ps;
        if (ps != 0.0) s.D = -std::numeric_limits<double>::infinity();
      }
      continue;
    }
    const float* pb = kSoft ? p + i0 : nullptr;
    float* yb = kStore ? y + i0 : nullptr;
    switch (rf.mode) {
      case Mode::pos:
        block_exp<Arch, kStore, kSplit, kSoft, Mode::pos>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
        break;
      case Mode::neg:
        block_exp<Arch, kStore, kSplit, kSoft, Mode::neg>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
        break;
      case Mode::grid:
        block_exp<Arch, kStore, kSplit, kSoft, Mode::grid>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
        break;
      case Mode::gtab:
        if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>)
          block_exp<Arch, kStore, kSplit, kSoft, Mode::gtab>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
        else
          block_exp<Arch, kStore, kSplit, kSoft, Mode::grid>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
        break;
      case Mode::two:
        if constexpr (kSplit)  // (never chosen otherwise: no instantiation)
          block_exp<Arch, kStore, kSplit, kSoft, Mode::two>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
        break;
      default:
        block_exp<Arch, kStore, kSplit, kSoft, Mode::careful>(x + i0, pb, yb, len, s.M, rf, s.k, s.T, s.P, s.D, s.pf);
    }
  }
  // All masked, or a NaN somewhere (it reached T, or D for soft targets).
  if (s.M == -kInf || s.T != s.T || s.D != s.D) {
    s.nan_row = true;
    return;
  }
  if constexpr (kSplit) {
    const double Md = double(s.M);
    // e^(Lr - M), within [0.7, 1.42]; Mode::grid has |Lr - M| <= 2^-9, where the degree-5
    // Taylor polynomial for |z| < 2^-8 is exact to 5e-18 (z^6/720): no libm call (~15 ns a row).
    const double z = Lr - Md;
    const double g = z == 0.0 ? 1.0
                     : (z > -0x1p-8 && z < 0x1p-8)
                         ? 1.0 + z * (1.0 + z * (0.5 + z * (1.0 / 6 + z * (1.0 / 24 + z * (1.0 / 120)))))
                         : std::exp(z);
    s.T *= g;
    // A non-max mass below n 2^-99 may be dominated by entries whose e' were flushed (below
    // 2^-126 each), yet log S = log1p(T) ~ T is then a normal float that needs T to full
    // relative accuracy: recompute T in double (rare rows: every other logit >= ~68 below the
    // max; a scalar pass with libm's exp).
    // Not when y aliases x and was written (in-place fused gradient): x is gone; there the loss
    // of such a row keeps only ~n 2^-126 absolute accuracy (documented).
    if (s.T < double(n) * 0x1p-99 && !(kStore && static_cast<const void*>(y) == x)) {
      double t = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double d = double(x[i]) - Md;
        if (d > -746.0 && x[i] != s.M) t += std::exp(d);  // e^-746 is 0 in double; -inf skipped
      }
      s.T = t;
    }
    s.sref = Lr;  // e' of the last reference scaled by 1 / (S e^(M - Lr)): no exp per block
    s.sden = s.S() / g;
  } else {
    s.sref = Lr;
    s.sden = s.T;  // every entry in T (in units of e^(x - Lr))
  }
}

template <class Arch>
inline void fill(float* y, std::size_t n, float v) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  std::size_t i = 0;
  for (; i + L <= n; i += L) B(v).store_unaligned(y + i);
  if (i < n) store_part<Arch>(y + i, n - i, B(v));
}

// Pass 2 of softmax: y = e * f (f = fh + fl), minus p when kSoft (d = q - p).
template <class Arch, bool kSoft>
inline void scale_block(float* y, const float* p, std::size_t n, float fh, float fl) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  const B vh(fh), vl(fl);
  auto f = [&](B e, B pv) {
    if constexpr (kSoft) {
      return fmadd<Arch>(e, vh, fmadd<Arch>(e, vl, -pv));
    } else {
      // y = e fh + e fl formed at 2^64 times its size and scaled back (exact unless y is
      // subnormal): e fl is below 2^-126 for every e' < ~2^-101 fh, and a multiply with a
      // subnormal result costs a ~135-cycle microcode assist (N(0, 12) rows ran 14x slower).
      const B es = e * B(0x1p64f);
      return fmadd<Arch>(es, vh, es * vl) * B(0x1p-64f);
    }
  };
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    B pa(0.0f), pb(0.0f);
    if constexpr (kSoft) pa = B::load_unaligned(p + i), pb = B::load_unaligned(p + i + L);
    const B a = B::load_unaligned(y + i), b = B::load_unaligned(y + i + L);
    f(a, pa).store_unaligned(y + i);
    f(b, pb).store_unaligned(y + i + L);
  }
  for (; i + L <= n; i += L) {
    B pa(0.0f);
    if constexpr (kSoft) pa = B::load_unaligned(p + i);
    f(B::load_unaligned(y + i), pa).store_unaligned(y + i);
  }
  if (i < n) {
    B pa(0.0f);
    if constexpr (kSoft) pa = load_part<Arch>(p + i, n - i, 0.0f);
    store_part<Arch>(y + i, n - i, f(load_part<Arch>(y + i, n - i, 0.0f), pa));
  }
}

// Pass 2 of softmax over all blocks of a row: block b's e' = e^(x - L_b) times
// e^(L_b - sref) / sden (one rounding as a float pair). Last block first: pass 1 wrote the end
// of the row last, so that part is still in L2 (a 1 Mi row is 4 MiB of x and 4 MiB of y against
// 2 MiB of L2 here): softmax/avx512/1Mi 1.84 -> 2.00 Gelem/s (medians of 6 alternating runs).
template <class Arch, bool kSoft>
inline void row_scale(float* y, const float* p, std::size_t n, const RowSum& s) {
  for (std::size_t b = s.nb; b-- > 0;) {
    const std::size_t i0 = b * s.blk;
    const std::size_t len = n - i0 < s.blk ? n - i0 : s.blk;
    const double Lb = s.Lb[b];
    const double f = Lb == -double(kInf) ? 0.0 : (Lb == s.sref ? 1.0 : std::exp(Lb - s.sref)) / s.sden;
    const Split fs = split(f);
    scale_block<Arch, kSoft>(y + i0, kSoft ? p + i0 : nullptr, len, fs.hi, fs.lo);
  }
}

}  // namespace sm

namespace sm {

// Softmax of a row that fits one vector (n <= lanes), in registers: max, e = e^(x - m) with
// x - m split exactly by TwoSum (c = m: no reference shift, no block bookkeeping), S in double,
// y = e (1/S as a float pair). The same roundings as the general path (e one rounding, y one
// more), so the same bound. Returns false (nothing written) when |m| >= 2^22, where the clamp
// below would round too coarsely to keep masked entries exactly 0: the general path takes those.
template <class Arch>
inline bool short_softmax(const float* x, float* y, std::size_t n) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  const B xv = n == L ? B::load_unaligned(x) : load_part<Arch>(x, n, -kInf);
  const float m = hmax<Arch>(xv);  // a NaN may or may not win here; it reaches S below
  if (!(m > -4194304.0f && m < 4194304.0f)) {
    if (m > -kInf && m < kInf) return false;  // |m| >= 2^22
    fill<Arch>(y, n, kNaN);  // +inf, NaN, or every entry -inf: a NaN row
    return true;
  }
  // 129 ln2 below m (|m| < 2^22: within 0.25): n <= -128 there under any rounding mode, so
  // exp_split gives exactly 0 for clamped and masked lanes (see make_ref).
  const B vlo(m - 89.4159862f);
  B dh, dl;
  two_sum<Arch>(xsimd::max(vlo, xv), B(-m), dh, dl);  // NaN x stays NaN (second operand)
  const B e = exp_split<Arch>(dh, dl, B(12582912.0f));
  BD lo, hi;
  widen<Arch>(e, lo, hi);
  const double S = hsum<Arch>(lo + hi);
  if (S != S) {
    fill<Arch>(y, n, kNaN);
    return true;
  }
  const Split f = split(1.0 / S);
  const B v = fmadd<Arch>(e, B(f.hi), e * B(f.lo));
  if (n == L)
    v.store_unaligned(y);
  else
    store_part<Arch>(y, n, v);
  return true;
}

}  // namespace sm

template <class Arch>
void softmax_rows(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld) {
  sm::RowSum s;
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    if (n <= vf<Arch>::size && sm::short_softmax<Arch>(x, y, n)) continue;
    s.pf = r + 1 < rows || n > sm::kBlock;
    sm::row_pass1<Arch, true, false, false>(x, nullptr, y, n, s);
    if (s.nan_row) {
      sm::fill<Arch>(y, n, sm::kNaN);
      continue;
    }
    sm::row_scale<Arch, false>(y, nullptr, n, s);
  }
}

// y[i] = f(x[i]) over one row, the tail through masked loads and stores.
// Blocks of kBlock floats from the last to the first (each block in order), as row_scale: the
// end of the row, read last by pass 1, is the part still in L2.
template <class Arch, class F>
inline void log_pass(const float* x, float* y, std::size_t n, F f) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  for (std::size_t b0 = n == 0 ? 0 : (n - 1) / sm::kBlock * sm::kBlock;; b0 -= sm::kBlock) {
    const std::size_t e = n - b0 < sm::kBlock ? n : b0 + sm::kBlock;
    std::size_t i = b0;
    for (; i + 2 * L <= e; i += 2 * L) {
      const B a = B::load_unaligned(x + i), b = B::load_unaligned(x + i + L);
      f(a).store_unaligned(y + i);
      f(b).store_unaligned(y + i + L);
    }
    for (; i + L <= e; i += L) f(B::load_unaligned(x + i)).store_unaligned(y + i);
    if (i < e) sm::store_part<Arch>(y + i, e - i, f(sm::load_part<Arch>(x + i, e - i, 0.0f)));
    if (b0 == 0) break;
  }
}

namespace sm {

// Pass 1 of log-softmax for a row that fits one vector (n <= lanes), in registers: M, and
// S = k + T (k entries equal to M, T the rest in double) against c = M split by TwoSum, as
// Mode::two. Returns 1 with s.nan_row, s.M, s.k, s.T set, or 0 (nothing decided) when the
// general path must run: |M| >= 2^22 (see short_softmax) or a non-max mass below n 2^-99
// (the general path recomputes it in double).
template <class Arch>
inline int short_log_stats(const float* x, std::size_t n, RowSum& s) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  const B xv = n == L ? B::load_unaligned(x) : load_part<Arch>(x, n, -kInf);
  const float m = hmax<Arch>(xv);
  s.nan_row = false;
  if (!(m > -4194304.0f && m < 4194304.0f)) {
    if (m > -kInf && m < kInf) return 0;
    s.nan_row = true;
    return 1;
  }
  const B vm(m), vlo(m - 89.4159862f);  // 129 ln2 below m (see short_softmax)
  B dh, dl;
  two_sum<Arch>(xsimd::max(vlo, xv), -vm, dh, dl);
  const B e = exp_split<Arch>(dh, dl, B(12582912.0f));
  const auto ismax = xv == vm;
  BD lo, hi, kl, kh;
  widen<Arch>(xsimd::select(ismax, B(0.0f), e), lo, hi);
  widen<Arch>(xsimd::select(ismax, B(1.0f), B(0.0f)), kl, kh);
  const double T = hsum<Arch>(lo + hi);
  if (T != T) {
    s.nan_row = true;
    return 1;
  }
  if (T < double(n) * 0x1p-99) return 0;
  s.M = m;
  s.k = hsum<Arch>(kl + kh);
  s.T = T;
  return 1;
}

}  // namespace sm

template <class Arch>
void log_softmax_rows(const float* x, float* y, std::size_t rows, std::size_t n,
                      std::size_t ld) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  sm::RowSum s;
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    const int short_row = n <= B::size ? sm::short_log_stats<Arch>(x, n, s) : 0;
    s.pf = r + 1 < rows || n > sm::kBlock;
    if (short_row == 0) sm::row_pass1<Arch, false, true, false>(x, nullptr, nullptr, n, s);
    if (s.nan_row) {
      sm::fill<Arch>(y, n, sm::kNaN);
      continue;
    }
    const double lsd = s.logS();
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
      if (lsd >= 0x1p-6 && s.M > -512.0f && s.M < 512.0f) {
        // y = x - (M + log S) with M + log S = CL + Ll, CL on the 2^-14 grid (|CL| < 2^10, so
        // exact as a float), |Ll| <= 2^-15; x = xh + xl likewise (vreduceps: xl = x minus x
        // rounded to 2^-14, exact; xh = x - xl exact; -inf gives xl = 0, xh = -inf). Then
        // y = (xh - CL) + (xl - Ll): xh - CL is exact while |xh - CL| < 2^10, xl - Ll
        // (|.| <= 2^-14) rounds by <= 2^-38, and the sum rounds once: error <= 2^-24 |y| +
        // 1.5 * 2^-38 (<= 2^-24 |y| (1 + 0.006), as |y| >= log S >= 2^-6). Beyond (|y| > 2^10)
        // xh - CL rounds too: <= 2^-23 |y|, with log S's own error now negligible against |y|.
        // 5 operations per vector instead of TwoSum's 9; the same accuracy (one rounding plus
        // the error of log S from pass 1's sum).
        const double ML = double(s.M) + lsd;
        const double CLd = (ML + 0x1.8p38) - 0x1.8p38;  // rounded to 2^-14 (|ML| < 2^37)
        const B cl(static_cast<float>(CLd)), ll(static_cast<float>(ML - CLd));
        log_pass<Arch>(x, y, n, [&](B xv) {
          const B xl = _mm512_reduce_ps(xv, (14 << 4) | 0x08);  // RNE to 2^-14, no #P
          return ((xv - xl) - cl) + (xl - ll);
        });
        continue;
      }
    }
    const double K = -(double(s.M) + lsd);  // y = x + K
    if (lsd >= 0x1p-20 * (-K < 0 ? K : -K)) {
      // Float path: K as hi + lo (error <= 2^-47 |K| <= 2^-27 L <= 2^-27 |y|), y = x + K by
      // TwoSum, rounded once: <= 0.6 ULP. 10 operations per vector (9 on AVX-512, whose masked
      // add keeps -inf lanes) against 12 uops in double (the AVX-512 / AVX2 widening and
      // narrowing conversions are 2 uops each).
      const sm::Split ks = sm::split(K);
      const B kh(ks.hi), kl(ks.lo), ninf(-sm::kInf);
      log_pass<Arch>(x, y, n, [&](B xv) {
        B t, e;
        sm::two_sum<Arch>(xv, kh, t, e);
        if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
          // -inf lanes keep t = -inf + kh = -inf (e is NaN there)
          return B(_mm512_mask_add_ps(t, _mm512_cmp_ps_mask(xv, ninf, _CMP_NEQ_UQ), t, e + kl));
        } else {
          return xsimd::select(xv == ninf, ninf, t + (e + kl));  // -inf: e is NaN
        }
      });
    } else {
      // A dominant entry (log S tiny next to |M|): y = (x - M) - log S in double (x - M exact
      // there), rounded once; -inf stays -inf.
      const BD md = BD(double(s.M)), lsv = BD(lsd);
      log_pass<Arch>(x, y, n, [&](B xv) {
        BD lo, hi;
        sm::widen<Arch>(xv, lo, hi);
        return sm::narrow<Arch>((lo - md) - lsv, (hi - md) - lsv);
      });
    }
  }
}

template <class Arch>
double ce_label_rows(const float* x, const std::size_t* labels, float* d, std::size_t rows,
                     std::size_t n, std::size_t ld) {
  sm::RowSum s;
  double total = 0.0;
  for (std::size_t r = 0; r < rows; ++r, x += ld) {
    const std::size_t c = labels[r];
    const float xc = x[c];  // read before d (which may alias x) is written
    s.pf = r + 1 < rows || n > sm::kBlock;
    if (d != nullptr) {
      float* dr = d + r * ld;
      sm::row_pass1<Arch, true, true, false>(x, nullptr, dr, n, s);
      if (s.nan_row) {
        sm::fill<Arch>(dr, n, sm::kNaN);
        total += double(sm::kNaN);
        continue;
      }
      sm::row_scale<Arch, false>(dr, nullptr, n, s);
      // softmax_c - 1 = -(mass of the others) / S, without cancellation.
      const double others =
          xc == s.M ? (s.k - 1.0) + s.T : s.S() - std::exp(double(xc) - double(s.M));
      dr[c] = static_cast<float>(-others / s.S());
    } else {
      sm::row_pass1<Arch, false, true, false>(x, nullptr, nullptr, n, s);
      if (s.nan_row) {
        total += double(sm::kNaN);
        continue;
      }
    }
    total += s.logS() - (double(xc) - double(s.M));  // +inf for a masked label
  }
  return total;
}

template <class Arch>
double ce_soft_rows(const float* x, const float* p, float* d, std::size_t rows, std::size_t n,
                    std::size_t ld) {
  sm::RowSum s;
  double total = 0.0;
  for (std::size_t r = 0; r < rows; ++r, x += ld, p += ld) {
    s.pf = r + 1 < rows || n > sm::kBlock;
    if (d != nullptr) {
      float* dr = d + r * ld;
      sm::row_pass1<Arch, true, true, true>(x, p, dr, n, s);
      if (s.nan_row) {
        sm::fill<Arch>(dr, n, sm::kNaN);
        total += double(sm::kNaN);
        continue;
      }
      sm::row_scale<Arch, true>(dr, p, n, s);
    } else {
      sm::row_pass1<Arch, false, true, true>(x, p, nullptr, n, s);
      if (s.nan_row) {
        total += double(sm::kNaN);
        continue;
      }
    }
    // H = log S * sum p - sum p (x - M): two non-negative terms.
    total += s.logS() * s.P - s.D;
  }
  return total;
}

template <class Arch>
void softmax_backward_rows(const float* y, const float* dy, float* dx, std::size_t rows,
                           std::size_t n, std::size_t ld) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  for (std::size_t r = 0; r < rows; ++r, y += ld, dy += ld, dx += ld) {
    BD a0(0.0), a1(0.0);
    auto dot = [&](B yv, B gv) {
      BD yl, yh, gl, gh;
      sm::widen<Arch>(yv, yl, yh);
      sm::widen<Arch>(gv, gl, gh);
      a0 += yl * gl;
      a1 += yh * gh;
    };
    std::size_t i = 0;
    for (; i + L <= n; i += L) dot(B::load_unaligned(y + i), B::load_unaligned(dy + i));
    if (i < n) dot(sm::load_part<Arch>(y + i, n - i, 0.0f), sm::load_part<Arch>(dy + i, n - i, 0.0f));
    const sm::Split ss = sm::split(sm::hsum<Arch>(a0 + a1));
    const B sh(ss.hi), sl(ss.lo);
    // y dy - y <dy,y> with one rounding of the difference: no intermediate dy - <dy,y> that
    // could overflow (dy = +-FLT_MAX), since y dy and y <dy,y> are each at most |dy|, |<dy,y>|
    // for y in [0, 1].
    auto f = [&](B yv, B gv) { return fmadd<Arch>(yv, gv, -(yv * sh)) - yv * sl; };
    for (i = 0; i + L <= n; i += L)
      f(B::load_unaligned(y + i), B::load_unaligned(dy + i)).store_unaligned(dx + i);
    if (i < n)
      sm::store_part<Arch>(dx + i, n - i,
                           f(sm::load_part<Arch>(y + i, n - i, 0.0f),
                             sm::load_part<Arch>(dy + i, n - i, 0.0f)));
  }
}

namespace sm {

// e^y * 2^kb for an integer kb in [-200, 200] (as a float vector), one rounding for a normal
// result: exp<Arch>'s reduction and polynomial with kb added to the exponent before the two-step
// scaling, so e^y * 2^kb is neither flushed nor overflowed where e^y alone would be. NaN
// propagates; y = -inf gives 0.
template <class Arch>
inline vf<Arch> exp_scaled(vf<Arch> y, vf<Arch> kb) {
  using B = vf<Arch>;
  using I = vi<Arch>;
  // |y| <= 250: n within +-361, where the two-constant reduction below is exact.
  const B yc = xsimd::min(xsimd::max(y, B(-250.0f)), B(250.0f));
  const B n = round_nearest<Arch>(yc * B(1.44269504088896341f));
  B r = fnmadd<Arch>(n, B(kLn2C1), yc);  // exact: |n| <= 361
  r = fnmadd<Arch>(n, B(kLn2C2), r);
  B p(1.9875691500e-4f);
  p = fmadd<Arch>(p, r, B(1.3981999507e-3f));
  p = fmadd<Arch>(p, r, B(8.3334519073e-3f));
  p = fmadd<Arch>(p, r, B(4.1665795894e-2f));
  p = fmadd<Arch>(p, r, B(1.6666665459e-1f));
  p = fmadd<Arch>(p, r, B(5.0000001201e-1f));
  p = fmadd<Arch>(p * r, r, r) + B(1.0f);
  // 2^N in two normal factors, N = n + kb clamped to [-252, 254] (beyond: 0 or +inf anyway).
  const B N = xsimd::min(xsimd::max(n + kb, B(-252.0f)), B(254.0f));
  const I ni = xsimd::batch_cast<std::int32_t>(N);
  const I n1 = ni >> 1;
  const I n2 = ni - n1;
  const B v = (p * pow2i<Arch>(n1)) * pow2i<Arch>(n2);
  return xsimd::select(xsimd::isnan(y), y + y, v);
}

}  // namespace sm

template <class Arch>
void log_softmax_backward_rows(const float* y, const float* dy, float* dx, std::size_t rows,
                               std::size_t n, std::size_t ld) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  for (std::size_t r = 0; r < rows; ++r, y += ld, dy += ld, dx += ld) {
    BD a0(0.0), a1(0.0);
    std::size_t i = 0;
    for (; i + L <= n; i += L) sm::acc_add<Arch>(a0, a1, B::load_unaligned(dy + i));
    if (i < n) sm::acc_add<Arch>(a0, a1, sm::load_part<Arch>(dy + i, n - i, 0.0f));
    // sum dy = Sm 2^kb with |Sm| in [0.5, 1): e^y sum dy = (e^y 2^kb) Sm, where e^y 2^kb is
    // computed without flushing a tiny e^y (y < -87) or overflowing a sum above FLT_MAX.
    // Per lane, where e^y |sum| >= ~2^99 ("big" lanes), dx is computed at half scale,
    // dx = 2 (dy/2 - (e^y 2^(kb-2)) (2 Sm)): both factors and the product are then at most
    // |e^y sum| / 2 <= FLT_MAX whenever dx and dy are finite (|e^y sum| = |dy - dx| <= 2 FLT_MAX),
    // so a finite true dx is never lost to an infinite factor or product (e^y 2^kb alone
    // overflows up to 2x below |e^y sum|: dx = -2.8e38 came out -inf; SSE2 rounds the product
    // on its own). Halving and doubling are exact there (|dy/2| only loses bits far below the
    // result's rounding). Elsewhere the factor e^y 2^kb stays >= |e^y sum| (never subnormal
    // while the product is normal).
    const double sum = sm::hsum<Arch>(a0 + a1);
    int kb = 0;
    (void)std::frexp(sum, &kb);  // 0, inf, NaN: kb = 0 (glibc), sum kept as is below
    if (kb > 200) kb = 200;      // |sum| <= n FLT_MAX < 2^200 for any n here
    if (kb < -200) kb = -200;
    const sm::Split ss = sm::split(std::ldexp(sum, -kb));
    const B sh(ss.hi), sl(ss.lo), vk(static_cast<float>(kb));
    const B sh2 = sh + sh, sl2 = sl + sl, vk2 = vk - B(2.0f), half(0.5f), one(1.0f), two(2.0f),
        flt_max(std::numeric_limits<float>::max());
    // e^y 2^kb >= 2^100 (so e^y |sum| >= 2^99) from y >= (100 - kb) ln2.
    const B big_from(static_cast<float>((100 - kb) * 0.6931471805599453));
    // An infinite sum (an infinite dy): e^y sum is +-inf for every y > -inf however small e^y
    // (the limit the long double reference gives), NaN for y = -inf (0 * inf) or NaN.
    const bool inf_sum = sum - sum != 0.0 && sum == sum;
    const B vsum(static_cast<float>(sum)), ninf(-sm::kInf), nan(sm::kNaN);
    auto f = [&](B yv, B gv) {
      if (inf_sum) return gv - xsimd::select(yv > ninf, vsum, nan);
      const auto big = yv >= big_from;
      const B q = sm::exp_scaled<Arch>(yv, xsimd::select(big, vk2, vk));
      // q = inf (big lanes, |e^y sum| > 2 FLT_MAX: dx is +-inf) must not meet sl = 0 as
      // inf * 0 = NaN: the lo term takes q clamped to FLT_MAX (q finite: unchanged).
      const B d = fnmadd<Arch>(q, xsimd::select(big, sh2, sh), gv * xsimd::select(big, half, one)) -
                  xsimd::min(q, flt_max) * xsimd::select(big, sl2, sl);
      return d * xsimd::select(big, two, one);
    };
    for (i = 0; i + L <= n; i += L)
      f(B::load_unaligned(y + i), B::load_unaligned(dy + i)).store_unaligned(dx + i);
    if (i < n)
      sm::store_part<Arch>(dx + i, n - i,
                           f(sm::load_part<Arch>(y + i, n - i, 0.0f),
                             sm::load_part<Arch>(dy + i, n - i, 0.0f)));
  }
}

template <class Arch>
double sigmoid_bce_kernel(const float* s, const float* t, float* ds, float* loss, std::size_t n) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  const B zero(0.0f), one(1.0f);
  BD a0(0.0), a1(0.0);
  auto f = [&](B sv, B tv, std::size_t i, std::size_t r) {
    const B e = exp<Arch>(-xsimd::abs(sv));  // e^-|s| never overflows
    // softplus(s) - t s = [s >= 0 ? s (1 - t) : t (-s)] + log1p(e^-|s|), both terms >= 0;
    // 0 * inf counts as 0 (s = +inf with t = 1, s = -inf with t = 0).
    const B omt = one - tv;
    B lin = xsimd::select(sv >= zero, xsimd::select(omt == zero, zero, sv * omt),
                          xsimd::select(tv == zero, zero, tv * (-sv)));
    lin = xsimd::select(xsimd::isnan(sv), sv, lin);
    const B l = lin + log1p<Arch>(e);
    sm::acc_add<Arch>(a0, a1, l);
    if (loss != nullptr) {
      if (r == L) l.store_unaligned(loss + i); else sm::store_part<Arch>(loss + i, r, l);
    }
    if (ds != nullptr) {
      const B inv = one / (one + e);
      const B g = xsimd::select(sv >= zero, inv, e * inv) - tv;
      if (r == L) g.store_unaligned(ds + i); else sm::store_part<Arch>(ds + i, r, g);
    }
  };
  std::size_t i = 0;
  for (; i + L <= n; i += L) f(B::load_unaligned(s + i), B::load_unaligned(t + i), i, L);
  // Tail lanes padded with s = -inf, t = 0: loss exactly 0 there.
  if (i < n)
    f(sm::load_part<Arch>(s + i, n - i, -sm::kInf), sm::load_part<Arch>(t + i, n - i, 0.0f), i,
      n - i);
  return sm::hsum<Arch>(a0 + a1);
}

template <class Arch>
std::size_t first_bad_target_kernel(const float* t, std::size_t n) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  const B zero(0.0f), one(1.0f);
  std::size_t i = 0;
  for (; i + L <= n; i += L) {
    const B v = B::load_unaligned(t + i);
    if (!xsimd::all((v >= zero) & (v <= one))) break;
  }
  for (; i < n; ++i)
    if (!(t[i] >= 0.0f && t[i] <= 1.0f)) return i;
  return n;
}

template <class Arch>
constexpr detail::SoftmaxKernels softmax_kernels() {
  return {entry<Arch, &softmax_rows<Arch>>,           entry<Arch, &log_softmax_rows<Arch>>,
          entry<Arch, &softmax_backward_rows<Arch>>,  entry<Arch, &log_softmax_backward_rows<Arch>>,
          entry<Arch, &ce_label_rows<Arch>>,          entry<Arch, &ce_soft_rows<Arch>>,
          entry<Arch, &sigmoid_bce_kernel<Arch>>,     entry<Arch, &first_bad_target_kernel<Arch>>};
}

}  // namespace simdense::SIMDENSE_NS
