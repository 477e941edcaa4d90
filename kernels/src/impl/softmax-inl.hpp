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
    lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    // (shuffle, not extractf64x4: GCC 12's version of that trips -Wuninitialized)
    hi = _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_shuffle_f32x4(v, v, 0xEE)));
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  } else {
    lo = _mm_cvtps_pd(v);
    hi = _mm_cvtps_pd(_mm_movehl_ps(v, v));
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

// Sum of the lanes (not xsimd::hadd: on AVX-512 it uses extractf64x4, whose GCC 12 header
// trips -Wuninitialized).
template <class Arch>
inline double hsum(vd<Arch> v) {
  alignas(64) double t[vd<Arch>::size];
  v.store_aligned(t);
  double s = 0.0;
  for (std::size_t k = 0; k < vd<Arch>::size; ++k) s += t[k];
  return s;
}

template <class Arch>
inline float hmax(vf<Arch> v) {
  alignas(64) float t[vf<Arch>::size];
  v.store_aligned(t);
  float m = t[0];
  for (std::size_t k = 1; k < vf<Arch>::size; ++k) m = t[k] > m ? t[k] : m;
  return m;
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

// e^(dh + dl) for dh in [-88, 0] and |dl| <= ulp(dh)/2, rounded once (the product 2^n (1 + q)
// is exact). 0 when dh * log2(e) rounds to -127 (true value < 2^-126.5: below the normal range,
// flushed). The polynomial and reduction are those of exp<Arch> in math-inl.hpp.
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
  // 2^n from t's bits: (bits(t) << 23) = n << 23 since bits(t) = 0x4B400000 + n; n >= -127.
  const B scale = as_float<Arch>((as_int<Arch>(t) << 23) + vi<Arch>(127 << 23));
  return (B(1.0f) + q) * scale;
}

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
  double logS() const { return std::log(k) + std::log1p(T / k); }
};

// Block max of x[0, n) and whether a NaN or +inf is in it.
template <class Arch>
inline float block_max(const float* x, std::size_t n, bool& bad) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  B m0(-kInf), m1(-kInf);
  auto nan = xsimd::isnan(m0);
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const B a = B::load_unaligned(x + i), b = B::load_unaligned(x + i + L);
    m0 = xsimd::max(m0, a);
    m1 = xsimd::max(m1, b);
    nan = nan | xsimd::isnan(a) | xsimd::isnan(b);
  }
  for (; i + L <= n; i += L) {
    const B a = B::load_unaligned(x + i);
    m0 = xsimd::max(m0, a);
    nan = nan | xsimd::isnan(a);
  }
  if (i < n) {
    const B a = load_part<Arch>(x + i, n - i, -kInf);
    m0 = xsimd::max(m0, a);
    nan = nan | xsimd::isnan(a);
  }
  const float m = hmax<Arch>(xsimd::max(m0, m1));
  bad = xsimd::any(nan) || m == kInf;
  return m;
}

// Pass 1 over one block [x, x + n) against the running max m: stores e into y (kStore), adds
// e to kv/tv (entries equal to m counted in kv when kSplit), and for soft targets p adds p to
// pacc and p (x - m) to dacc (all in double).
template <class Arch, bool kStore, bool kSplit, bool kSoft>
inline void block_exp(const float* x, const float* p, float* y, std::size_t n, float m,
                      double& k, double& T, double& P, double& D) {
  using B = vf<Arch>;
  using BD = vd<Arch>;
  constexpr std::size_t L = B::size;
  const B vm(m), vneg(-m), vlo(-88.0f), zero(0.0f), one(1.0f);
  const BD md = BD(double(m));
  BD t0(0.0), t1(0.0), t2(0.0), t3(0.0), p0(0.0), p1(0.0), d0(0.0), d1(0.0);
  B kc(0.0f);
  auto one_vec = [&](B xv, B pv, float* dst, std::size_t r, BD& a0, BD& a1) {
    B dh, dl;
    two_sum<Arch>(xv, vneg, dh, dl);
    const auto keep = dh >= vlo;  // false for -inf (where dl is NaN) and far below the max
    dl = xsimd::select(keep, dl, zero);
    dh = xsimd::select(keep, dh, vlo);
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
    acc_add<Arch>(a0, a1, e);
    if constexpr (kSoft) {
      acc_add<Arch>(p0, p1, pv);
      BD xl, xh, pl, ph;
      widen<Arch>(xv, xl, xh);
      widen<Arch>(pv, pl, ph);
      // p = 0 contributes 0 even at a masked (-inf) logit.
      d0 += xsimd::select(pl == BD(0.0), BD(0.0), pl * (xl - md));
      d1 += xsimd::select(ph == BD(0.0), BD(0.0), ph * (xh - md));
    }
  };
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    B pa = zero, pb = zero;
    if constexpr (kSoft) pa = B::load_unaligned(p + i), pb = B::load_unaligned(p + i + L);
    one_vec(B::load_unaligned(x + i), pa, kStore ? y + i : nullptr, L, t0, t1);
    one_vec(B::load_unaligned(x + i + L), pb, kStore ? y + i + L : nullptr, L, t2, t3);
  }
  for (; i + L <= n; i += L) {
    B pa = zero;
    if constexpr (kSoft) pa = B::load_unaligned(p + i);
    one_vec(B::load_unaligned(x + i), pa, kStore ? y + i : nullptr, L, t0, t1);
  }
  if (i < n) {
    B pa = zero;
    if constexpr (kSoft) pa = load_part<Arch>(p + i, n - i, 0.0f);
    one_vec(load_part<Arch>(x + i, n - i, -kInf), pa, kStore ? y + i : nullptr, n - i, t0, t1);
  }
  T += hsum<Arch>((t0 + t2) + (t1 + t3));
  if constexpr (kSplit) k += double(xsimd::hadd(kc));
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
    bool bad = false;
    const float mb = block_max<Arch>(x + i0, len, bad);
    if (bad) {
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
    if (s.M == -kInf) {  // every entry so far is masked
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
    block_exp<Arch, kStore, kSplit, kSoft>(x + i0, kSoft ? p + i0 : nullptr,
                                           kStore ? y + i0 : nullptr, len, s.M, s.k, s.T, s.P,
                                           s.D);
  }
  if (s.M == -kInf) s.nan_row = true;  // all masked
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

template <class Arch>
void log_softmax_rows(const float* x, float* y, std::size_t rows, std::size_t n,
                      std::size_t ld) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  sm::RowSum s;
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    sm::row_pass1<Arch, false, true, false>(x, nullptr, nullptr, n, s);
    if (s.nan_row) {
      sm::fill<Arch>(y, n, sm::kNaN);
      continue;
    }
    const sm::Split ls = sm::split(s.logS());
    const B vneg(-s.M), lh(-ls.hi), ll(ls.lo), ninf(-sm::kInf);
    // y = ((x - M) - L) as double-float sums, rounded once; masked entries -inf.
    auto f = [&](B xv) {
      B dh, dl, t, te;
      sm::two_sum<Arch>(xv, vneg, dh, dl);
      sm::two_sum<Arch>(dh, lh, t, te);
      const B v = t + ((te + dl) - ll);
      return xsimd::select(xv == ninf, ninf, v);
    };
    std::size_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
      const B a = B::load_unaligned(x + i), b = B::load_unaligned(x + i + L);
      f(a).store_unaligned(y + i);
      f(b).store_unaligned(y + i + L);
    }
    for (; i + L <= n; i += L) f(B::load_unaligned(x + i)).store_unaligned(y + i);
    if (i < n) sm::store_part<Arch>(y + i, n - i, f(sm::load_part<Arch>(x + i, n - i, 0.0f)));
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
