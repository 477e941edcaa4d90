// SIMD softmax kernels, written once as templates over xsimd's Arch and instantiated in each
// isa/<isa>.cpp inside that ISA's namespace (SIMDENSE_NS). See isa/isa-inl.hpp.
//
// One row, in blocks of kBlock floats (a block stays in L1 between its two visits):
//   pass 1, per block: block max (and NaN / +inf detection), then e_i = e^(x_i - m) with m the
//     running max of the row so far. x - m is split exactly into dh + dl (TwoSum), and dl enters
//     exp's reduced argument, so the rounding of x - m (|x - m| * 2^-24, e.g. 4e-6 at spread 100)
//     never reaches e_i. The e_i are summed in double as S = k + T, k = entries equal to m (each
//     exactly 1), T = the rest, so log S = log k + log1p(T/k) keeps a tiny non-max mass. When the
//     running max grows, k + T is rescaled by e^(m_old - m_new) in double.
//   pass 2: softmax y = e * (e^(m_block - M) / S) with that factor as a float hi + lo pair (one
//     rounding), or log-softmax y = ((x - M) - log S) as double-float sums (one rounding).
// Errors (relative, per element): e_i one rounding + <= 0.2 of one from the polynomial; S
// correlated with the same roundings; the product one rounding: <= 2.5e-7 measured bound.
#pragma once

#include <cmath>  // std::exp/log/log1p on doubles: extern libm functions, no inline ODR risk

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
inline Split split(double v) {
  const float hi = static_cast<float>(v);
  return {hi, static_cast<float>(v - double(hi))};
}

// e^(dh + dl) for dh in [kLow - 0.25, 0] and |dl| <= ulp(dh)/2, rounded once (the scaling by
// 2^n is exact for normal results). The polynomial and reduction are those of exp<Arch> in
// math-inl.hpp.
template <class Arch>
inline vf<Arch> exp_split(vf<Arch> dh, vf<Arch> dl) {
  using B = vf<Arch>;
  const B shifter(12582912.0f);  // 1.5 * 2^23: t's low mantissa bits hold n
  const B t = fmadd<Arch>(dh, B(1.44269504088896341f), shifter);
  const B n = t - shifter;
  B r = fnmadd<Arch>(n, B(0.693359375f), dh);  // exact: C1 has 9 bits, |n| <= 127
  r = fnmadd<Arch>(n, B(-2.12194440e-4f), r);
  r = r + dl;
  B p(1.9875691500e-4f);
  p = fmadd<Arch>(p, r, B(1.3981999507e-3f));
  p = fmadd<Arch>(p, r, B(8.3334519073e-3f));
  p = fmadd<Arch>(p, r, B(4.1665795894e-2f));
  p = fmadd<Arch>(p, r, B(1.6666665459e-1f));
  p = fmadd<Arch>(p, r, B(5.0000001201e-1f));
  const B q = fmadd<Arch>(p * r, r, r);
  // Elsewhere 2^n from t's bits: (bits(t) << 23) = n << 23 since bits(t) = 0x4B400000 + n;
  // n >= -127, and n = -127 gives the bits of +0: clamped and masked entries become exactly 0
  // without an underflow.
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    // (1 + q) 2^n in one instruction; lanes with n = -127 are zeroed by the mask (NaN kept: the
    // compare is unordered-true), so nothing
    // underflows there (an underflowing vscalefps costs an FP assist: 3x slower rows).
    return _mm512_maskz_scalef_ps(_mm512_cmp_ps_mask(n, B(-126.5f), _CMP_NLE_UQ), B(1.0f) + q, n);
  } else {
    const B scale = as_float<Arch>((as_int<Arch>(t) << 23) + vi<Arch>(127 << 23));
    return (B(1.0f) + q) * scale;
  }
}

// The clamp of x - max: exp_split is exactly 0 at and below it (n = -127: e^-87.7 < 2^-126.5,
// below the normal range, flushed).
template <class Arch>
constexpr float kLow = -88.0f;

// What pass 1 leaves for pass 2.
struct RowSum {
  bool nan_row;
  float M;          // row max
  double k, T;      // S = k + T (see the header comment)
  double P, D;      // soft targets: sum p, sum p (x - M)
  std::size_t blk;  // block length
  std::size_t nb;   // blocks
  float mused[kMaxBlocks];  // the running max each block's e were computed against
  double S() const { return k + T; }
  double logS() const { return k == 1.0 ? std::log1p(T) : std::log(k) + std::log1p(T / k); }
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

// Pass 1 over one block [x, x + n) against the running max m: stores e into y (kStore), adds
// e to T (entries equal to m counted in k instead when kSplit), and for soft targets p adds p
// to P and p (x - m) to D (all in double). A NaN x propagates into T (so into S).
// kCareful (|m| >= 2^22, where m - 88 rounds too coarsely): clamp x - m after the split
// instead of x before it (2 more operations per vector).
template <class Arch, bool kStore, bool kSplit, bool kSoft, bool kCareful>
inline void block_exp(const float* x, const float* p, float* y, std::size_t n, float m,
                      double& k, double& T, double& P, double& D) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  // Entries below m + kLow are clamped there, where exp_split returns exactly 0 (|m| < 2^22:
  // m + kLow is within 0.25 of exact).
  const B vm(m), vneg(-m), vlo(m + kLow<Arch>), vdlo(kLow<Arch>), zero(0.0f), one(1.0f);
  const BD md = BD(double(m));
  BD t0(0.0), t1(0.0), p0(0.0), p1(0.0), d0(0.0), d1(0.0);
  B kc(0.0f);
  // e for one vector (stored when kStore), with the max entries zeroed when kSplit.
  auto one_vec = [&](B xv, B pv, float* dst, std::size_t r) {
    B dh, dl;
    if constexpr (kCareful) {
      two_sum<Arch>(xv, vneg, dh, dl);
      const auto low = dh < vdlo;  // -inf (dl NaN there) and far below the max; NaN stays
      dl = xsimd::select(low, zero, dl);
      dh = xsimd::select(low, vdlo, dh);
    } else {
      // max(lo, x): -inf -> lo, NaN x stays NaN (maxps returns its second operand).
      two_sum<Arch>(xsimd::max(vlo, xv), vneg, dh, dl);
    }
    B e = exp_split<Arch>(dh, dl);
    if constexpr (kStore) {
      if (r == L)
        e.store_unaligned(dst);
      else
        store_part<Arch>(dst, r, e);
    }
    if constexpr (kSplit) {
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
  std::size_t i = 0;
  auto pload = [&](std::size_t j) { return kSoft ? B::load_unaligned(p + j) : zero; };
  auto at = [&](std::size_t j) { return kStore ? y + j : nullptr; };
  // A float tree of depth 2 over 4 vectors, then the double sum: each e perturbed by <= 2
  // roundings (2^-23 relative), and one widening per 4 vectors instead of per vector.
  for (; i + 4 * L <= n; i += 4 * L) {
    const B ea = one_vec(B::load_unaligned(x + i), pload(i), at(i), L);
    const B eb = one_vec(B::load_unaligned(x + i + L), pload(i + L), at(i + L), L);
    const B ec = one_vec(B::load_unaligned(x + i + 2 * L), pload(i + 2 * L), at(i + 2 * L), L);
    const B ed = one_vec(B::load_unaligned(x + i + 3 * L), pload(i + 3 * L), at(i + 3 * L), L);
    acc_add<Arch>(t0, t1, (ea + eb) + (ec + ed));
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
template <class Arch, bool kStore, bool kSplit, bool kSoft>
inline void row_pass1(const float* x, const float* p, float* y, std::size_t n, RowSum& s) {
  s.nan_row = false;
  s.M = -kInf;
  s.k = s.T = s.P = s.D = 0.0;
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
      if (s.M != -kInf) {
        const double dm = double(s.M) - double(mb);  // exact
        s.T = (s.k + s.T) * std::exp(dm);
        if constexpr (kSoft)
          if (s.P != 0.0) s.D += dm * s.P;
      }
      s.k = 0.0;
      s.M = mb;
    }
    s.mused[s.nb++] = s.M;
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
    if (s.M > -4194304.0f && s.M < 4194304.0f)  // 2^22
      block_exp<Arch, kStore, kSplit, kSoft, false>(x + i0, pb, yb, len, s.M, s.k, s.T, s.P, s.D);
    else
      block_exp<Arch, kStore, kSplit, kSoft, true>(x + i0, pb, yb, len, s.M, s.k, s.T, s.P, s.D);
  }
  // All masked, or a NaN somewhere (it reached T, or D for soft targets).
  if (s.M == -kInf || s.T != s.T || s.D != s.D) s.nan_row = true;
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
    if constexpr (kSoft)
      return fmadd<Arch>(e, vh, fmadd<Arch>(e, vl, -pv));
    else
      return fmadd<Arch>(e, vh, e * vl);
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

// Pass 2 of softmax over all blocks of a row.
template <class Arch, bool kSoft>
inline void row_scale(float* y, const float* p, std::size_t n, const RowSum& s) {
  const double S = s.S();
  for (std::size_t b = 0; b < s.nb; ++b) {
    const std::size_t i0 = b * s.blk;
    const std::size_t len = n - i0 < s.blk ? n - i0 : s.blk;
    const float mb = s.mused[b];
    const double f = mb == -kInf ? 0.0 : (mb == s.M ? 1.0 : std::exp(double(mb) - double(s.M))) / S;
    const Split fs = split(f);
    scale_block<Arch, kSoft>(y + i0, kSoft ? p + i0 : nullptr, len, fs.hi, fs.lo);
  }
}

}  // namespace sm

template <class Arch>
void softmax_rows(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld) {
  sm::RowSum s;
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    sm::row_pass1<Arch, true, false, false>(x, nullptr, y, n, s);
    if (s.nan_row) {
      sm::fill<Arch>(y, n, sm::kNaN);
      continue;
    }
    sm::row_scale<Arch, false>(y, nullptr, n, s);
  }
}

// y[i] = f(x[i]) over one row, the tail through masked loads and stores.
template <class Arch, class F>
inline void log_pass(const float* x, float* y, std::size_t n, F f) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const B a = B::load_unaligned(x + i), b = B::load_unaligned(x + i + L);
    f(a).store_unaligned(y + i);
    f(b).store_unaligned(y + i + L);
  }
  for (; i + L <= n; i += L) f(B::load_unaligned(x + i)).store_unaligned(y + i);
  if (i < n) sm::store_part<Arch>(y + i, n - i, f(sm::load_part<Arch>(x + i, n - i, 0.0f)));
}

template <class Arch>
void log_softmax_rows(const float* x, float* y, std::size_t rows, std::size_t n,
                      std::size_t ld) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  sm::RowSum s;
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    sm::row_pass1<Arch, false, true, false>(x, nullptr, nullptr, n, s);
    if (s.nan_row) {
      sm::fill<Arch>(y, n, sm::kNaN);
      continue;
    }
    const double lsd = s.logS();
    const double K = -(double(s.M) + lsd);  // y = x + K
    if (lsd >= 0x1p-20 * (-K < 0 ? K : -K)) {
      // Float path: K as hi + lo (error <= 2^-47 |K| <= 2^-27 L <= 2^-27 |y|), y = x + K by
      // TwoSum, rounded once: <= 0.6 ULP. 10 operations per vector against 14 in double.
      const sm::Split ks = sm::split(K);
      const B kh(ks.hi), kl(ks.lo), ninf(-sm::kInf);
      log_pass<Arch>(x, y, n, [&](B xv) {
        B t, e;
        sm::two_sum<Arch>(xv, kh, t, e);
        return xsimd::select(xv == ninf, ninf, t + (e + kl));  // -inf: e is NaN
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
    auto f = [&](B yv, B gv) { return yv * ((gv - sh) - sl); };
    for (i = 0; i + L <= n; i += L)
      f(B::load_unaligned(y + i), B::load_unaligned(dy + i)).store_unaligned(dx + i);
    if (i < n)
      sm::store_part<Arch>(dx + i, n - i,
                           f(sm::load_part<Arch>(y + i, n - i, 0.0f),
                             sm::load_part<Arch>(dy + i, n - i, 0.0f)));
  }
}

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
    const sm::Split ss = sm::split(sm::hsum<Arch>(a0 + a1));
    const B sh(ss.hi), sl(ss.lo);
    auto f = [&](B yv, B gv) {
      const B q = exp<Arch>(yv);
      return fnmadd<Arch>(q, sh, gv) - q * sl;
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
  return {&softmax_rows<Arch>,           &log_softmax_rows<Arch>,
          &softmax_backward_rows<Arch>,  &log_softmax_backward_rows<Arch>,
          &ce_label_rows<Arch>,          &ce_soft_rows<Arch>,
          &sigmoid_bce_kernel<Arch>,     &first_bad_target_kernel<Arch>};
}

}  // namespace simdense::SIMDENSE_NS
