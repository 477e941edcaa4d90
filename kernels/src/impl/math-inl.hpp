// Shared SIMD math for every kernel family: a true FMA where the ISA has one, and the exp and
// log1p cores with the range reductions the accuracy bounds need (xsimd 8.1's exp overflows from
// 88.376 and never returns subnormals; its fma is not fused on AVX-512).
//
// Everything here is a template over Arch inside the ISA's namespace simdense::SIMDENSE_NS.
//
// xsimd 8.1 traps measured here: `a != b` is an *ordered* compare on AVX/AVX-512 (_CMP_NEQ_OQ),
// so `x != x` is false for NaN there (true on SSE2): test NaN with xsimd::isnan. xsimd::fma is
// a*b+c (two roundings) on AVX-512: use fmadd below. Unary minus is 0 - x on AVX-512 (a sign
// XOR elsewhere), so -x of +0 is +0 there: use neg() below where a zero's sign matters.
#pragma once

#include "impl/arch.hpp"

namespace simdense::SIMDENSE_NS {

template <class Arch>
using vf = xsimd::batch<float, Arch>;
template <class Arch>
using vi = xsimd::batch<std::int32_t, Arch>;

// True when fmadd below is a fused multiply-add (one rounding). xsimd 8.1's avx512 archs do not
// derive from avx2, so both are named.
template <class Arch>
constexpr bool kHasFma =
    std::is_base_of_v<xsimd::avx2, Arch> || std::is_base_of_v<xsimd::avx512f, Arch>;

// a*b + c, fused (one rounding) on AVX2+FMA and AVX-512; two roundings on SSE2.
template <class Arch>
SIMDENSE_INLINE vf<Arch> fmadd(vf<Arch> a, vf<Arch> b, vf<Arch> c) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_fmadd_ps(a, b, c);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return _mm256_fmadd_ps(a, b, c);
  } else {
    return a * b + c;
  }
}

// -(a*b) + c, same rounding as fmadd.
template <class Arch>
SIMDENSE_INLINE vf<Arch> fnmadd(vf<Arch> a, vf<Arch> b, vf<Arch> c) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_fnmadd_ps(a, b, c);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return _mm256_fnmadd_ps(a, b, c);
  } else {
    return c - a * b;
  }
}

// a*b - c, same rounding as fmadd.
template <class Arch>
SIMDENSE_INLINE vf<Arch> fmsub(vf<Arch> a, vf<Arch> b, vf<Arch> c) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_fmsub_ps(a, b, c);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return _mm256_fmsub_ps(a, b, c);
  } else {
    return a * b - c;
  }
}

// a*b - p exactly, where p = a*b rounded (the error of a product): one FMA on AVX2/AVX-512,
// Dekker's split on SSE2 (exact while |a|, |b| < 2^100 and no underflow).
template <class Arch>
SIMDENSE_INLINE vf<Arch> prod_err(vf<Arch> a, vf<Arch> b, vf<Arch> p) {
  if constexpr (kHasFma<Arch>) {
    return fmsub<Arch>(a, b, p);
  } else {
    const vf<Arch> k(4097.0f);  // 2^12 + 1: splits 24 bits into 12 + 12
    const vf<Arch> ca = k * a, cb = k * b;
    const vf<Arch> ah = ca - (ca - a), al = a - ah;
    const vf<Arch> bh = cb - (cb - b), bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }
}

template <class Arch>
SIMDENSE_INLINE vf<Arch> splat(float v) {
  return vf<Arch>(v);
}

// Bit casts.
template <class Arch>
SIMDENSE_INLINE vi<Arch> as_int(vf<Arch> x) {
  return xsimd::bitwise_cast<vi<Arch>>(x);
}
template <class Arch>
SIMDENSE_INLINE vf<Arch> as_float(vi<Arch> x) {
  return xsimd::bitwise_cast<vf<Arch>>(x);
}

// Round to nearest integer (ties to even) for |x| < 2^22: the 1.5*2^23 shifter trick.
template <class Arch>
SIMDENSE_INLINE vf<Arch> round_nearest(vf<Arch> x) {
  const vf<Arch> shifter(12582912.0f);  // 1.5 * 2^23
  return (x + shifter) - shifter;
}

// 2^n as a float for integer-valued n in [-126, 127].
template <class Arch>
SIMDENSE_INLINE vf<Arch> pow2i(vi<Arch> n) {
  return as_float<Arch>((n + vi<Arch>(127)) << 23);
}

// min(hi, max(lo, x)) that keeps a NaN x (x86 min/max return the second operand when either
// is NaN, so the constant goes first).
template <class Arch>
SIMDENSE_INLINE vf<Arch> clamp_nan(vf<Arch> x, float lo, float hi) {
  return xsimd::min(vf<Arch>(hi), xsimd::max(vf<Arch>(lo), x));
}

// p * 2^n for integer-valued n in [-300, 129] (p in [0.7, 1.5]), rounded once (subnormal
// results included). AVX-512: vscalefps does exactly this. Elsewhere one multiply by 2^n when
// every lane has n in [-126, 127] (typical data), else (a rare branch) two factors
// 2^n1 * 2^n2, n1 = n/2, both normal, the first product exact.
template <class Arch>
SIMDENSE_INLINE vf<Arch> scale2(vf<Arch> p, vf<Arch> n) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_maskz_scalef_ps(__mmask16(0xffff), p, n);  // maskz: no GCC 12 -Wuninitialized noise
  } else {
    const vi<Arch> ni = xsimd::batch_cast<std::int32_t>(xsimd::max(vf<Arch>(-300.0f), n));
    const auto out = (ni < vi<Arch>(-126)) || (ni > vi<Arch>(127));
    if (!xsimd::any(out)) return p * pow2i<Arch>(ni);
    const vi<Arch> n1 = ni >> 1;
    const vi<Arch> n2 = ni - n1;
    return (p * pow2i<Arch>(n1)) * pow2i<Arch>(n2);
  }
}

// scale2 for callers whose results may be subnormal or underflow to 0 on some lanes (any p; the
// test n < -120 catches every subnormal result of a |p| >= 2^-4, a smaller |p| with n >= -120
// still goes through vscalefps: the same value, with an assist). On AVX-512 a vscalefps whose result is subnormal or
// underflows costs a microcode assist of ~215 cycles (a multiply or FMA with a subnormal
// result or operand ~135; bench/tools/assist_probe.cpp, FTZ off; a masked-off lane costs nothing):
// gelu's tails ran 13x slower on N(0, 12) inputs than on N(0, 3). So when some lane has
// n < -120 (a branch per vector; typical data never takes it), those lanes are rounded by
// integer arithmetic: t = |p| 2^(n + 149) is a normal float, t + 2^23 rounds it to an integer
// (ties to even: the subnormal rounding), and that integer is the subnormal's bit pattern
// (2^23 itself gives FLT_MIN's); lanes whose result is normal use a masked vscalefps. NaN and
// +-inf propagate as in scale2. n may be fractional on AVX-512 (floored, as vscalefps does:
// exp_fast's table form passes multiples of 1/32); scale2_tiny_lanes_generic (no AVX-512: the
// same idea with exponent-field factors) needs integer-valued n, which its callers give.
template <class Arch>
SIMDENSE_INLINE vf<Arch> scale2_tiny_lanes(vf<Arch> p, vf<Arch> n) {
  const __m512 nn = _mm512_max_ps(_mm512_set1_ps(-200.0f), n);  // NaN n kept
  const __m512 t = _mm512_maskz_scalef_ps(__mmask16(0xffff), p, _mm512_add_ps(nn, _mm512_set1_ps(149.0f)));
  const __m512 at = _mm512_abs_ps(t);
  const __mmask16 small = _mm512_cmp_ps_mask(at, _mm512_set1_ps(0x1p23f), _CMP_LT_OQ);
  const __m512 big = _mm512_maskz_scalef_ps(__mmask16(~small), p, nn);
  const __m512i k = _mm512_sub_epi32(_mm512_castps_si512(_mm512_add_ps(at, _mm512_set1_ps(0x1p23f))),
                                     _mm512_set1_epi32(0x4B000000));
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(p), _mm512_set1_epi32(INT32_MIN));
  return _mm512_mask_blend_ps(small, big, _mm512_castsi512_ps(_mm512_or_si512(k, sign)));
}

// The same without AVX-512 (no vscalefps, no masks): 2^k factors built in the exponent field,
// the normal lanes by scale2's two normal factors, the subnormal lanes' inputs replaced by 1
// there so that no multiply forms a subnormal.
template <class Arch>
SIMDENSE_INLINE vf<Arch> scale2_tiny_lanes_generic(vf<Arch> p, vf<Arch> n) {
  using B = vf<Arch>;
  using I = vi<Arch>;
  const I ni = xsimd::batch_cast<std::int32_t>(xsimd::max(B(-200.0f), n));  // NaN: garbage, p NaN
  // t = |p| 2^(n + 149), normal (or +inf: then the lane is normal), by two factors since
  // n + 149 ranges over [-51, 278]: a lane with a small |p| and n > -22 may be subnormal too.
  const I k = ni + I(149);
  const I k1 = xsimd::min(k, I(127));
  const B t = (xsimd::abs(p) * pow2i<Arch>(k1)) * pow2i<Arch>(xsimd::min(k - k1, I(127)));
  const auto small = t < B(0x1p23f);
  const B sub = as_float<Arch>((as_int<Arch>(t + B(0x1p23f)) - I(0x4B000000)) |
                               (as_int<Arch>(p) & I(std::int32_t(0x80000000u))));
  const I nb = xsimd::select(xsimd::bool_cast(small), I(0), ni);
  const I n1 = nb >> 1;
  const B pb = xsimd::select(small, B(1.0f), p);
  const B big = (pb * pow2i<Arch>(n1)) * pow2i<Arch>(nb - n1);  // each factor normal, nb >= -200
  return xsimd::select(small, sub, big);
}

// The integer-rounding path of this ISA (callers have found a lane that needs it).
template <class Arch>
SIMDENSE_INLINE vf<Arch> scale2_rounded_lanes(vf<Arch> p, vf<Arch> n) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return scale2_tiny_lanes<Arch>(p, n);
  } else {
    return scale2_tiny_lanes_generic<Arch>(p, n);
  }
}

template <class Arch>
SIMDENSE_INLINE vf<Arch> scale2_tiny(vf<Arch> p, vf<Arch> n) {
  if (!xsimd::any(n < vf<Arch>(-120.0f))) return scale2<Arch>(p, n);
  return scale2_rounded_lanes<Arch>(p, n);
}

// scale2_tiny (kTiny) or scale2, chosen at compile time: exp_fast<..., kTiny>, and the gelu
// family's wide and narrow vectors (Act<gelu>::narrow, Act<gelu_tanh>::narrow: no lane with
// n < -120 there, so no subnormal result).
template <class Arch, bool kTiny>
SIMDENSE_INLINE vf<Arch> scale2_of(vf<Arch> p, vf<Arch> n) {
  if constexpr (kTiny) {
    return scale2_tiny<Arch>(p, n);
  } else {
    return scale2<Arch>(p, n);
  }
}

// Round to the nearest integer (ties to even), any magnitude on AVX-512 (vrndscaleps), the
// shifter trick elsewhere (|x| < 2^22, which the callers' clamps guarantee).
template <class Arch>
SIMDENSE_INLINE vf<Arch> round_int(vf<Arch> x) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_maskz_roundscale_ps(__mmask16(0xffff), x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  } else {
    return round_nearest<Arch>(x);
  }
}

// n = round(z / ln2) for |z| < 2^21: the 1.5*2^23 shifter folded into the FMA that multiplies
// by 1/ln2 (one operation and a subtract; no vrndscaleps, which is 2 uops on AVX-512).
template <class Arch>
SIMDENSE_INLINE vf<Arch> round_log2e(vf<Arch> z) {
  const vf<Arch> shifter(12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer
  return fmadd<Arch>(z, vf<Arch>(1.44269504088896341f), shifter) - shifter;
}

// z - n ln2, ln2 = C1 + C2 (two-constant Cody-Waite): C1 = 0.693359375 has 9 significant bits,
// so n*C1 and z - n*C1 are exact for the |n| <= 255 the callers use; the C2 step rounds once.
constexpr float kLn2C1 = 0.693359375f;
constexpr float kLn2C2 = -2.12194440e-4f;
template <class Arch>
SIMDENSE_INLINE vf<Arch> reduce_ln2(vf<Arch> z, vf<Arch> n) {
  const vf<Arch> r = fnmadd<Arch>(n, vf<Arch>(kLn2C1), z);
  return fnmadd<Arch>(n, vf<Arch>(kLn2C2), r);
}

// e^r - 1 = r + r^2 P(r) for |r| <= ln2/2 + 2e-4, P of degree 4, minimax with float
// coefficients: relative error of 1 + (r + r^2 P) 1.1e-8 (0.18 ULP). Callers add the 1 (one
// rounding, exp_poly) or fold it into their own product (gelu's exp_parts).
template <class Arch>
SIMDENSE_INLINE vf<Arch> expm1_poly(vf<Arch> r) {
  using B = vf<Arch>;
  B p(1.392621896e-03f);
  p = fmadd<Arch>(p, r, B(8.363207802e-03f));
  p = fmadd<Arch>(p, r, B(4.166655615e-02f));
  p = fmadd<Arch>(p, r, B(1.666657627e-01f));
  p = fmadd<Arch>(p, r, B(0.5f));
  return fmadd<Arch>(p * r, r, r);
}

// expm1_poly's polynomial by Estrin instead of Horner: the same coefficients and operation
// count, a dependency chain of 4 operations instead of 6 (r^2 is computed beside the first
// pair). For the gelu family (exp_parts), whose long serial chains leave the vector ports idle.
template <class Arch>
SIMDENSE_INLINE vf<Arch> expm1_poly_estrin(vf<Arch> r) {
  using B = vf<Arch>;
  const B r2 = r * r;
  const B pa = fmadd<Arch>(r, B(1.666657627e-01f), B(0.5f));
  const B pb = fmadd<Arch>(r, B(8.363207802e-03f), B(4.166655615e-02f));
  return fmadd<Arch>(r2, fmadd<Arch>(r2, fmadd<Arch>(r2, B(1.392621896e-03f), pb), pa), r);
}

// e^r = 1 + expm1_poly(r), the final + 1 rounding once.
template <class Arch>
SIMDENSE_INLINE vf<Arch> exp_poly(vf<Arch> r) {
  return expm1_poly<Arch>(r) + vf<Arch>(1.0f);
}

// e^(hi + lo) = 2^n (1 + q), hi <= 0 (or NaN), |lo| <= ulp(hi): exp_impl's reduction and
// polynomial (relative error 1.1e-8), stopped before the final "+ 1" and the scaling so the
// caller folds both into its own product, X e^(hi+lo) = scale2(X + X q, n): one rounding for
// X (1 + q) and one (only if subnormal) for the scaling, instead of rounding e^(hi+lo), then the
// product, then an intermediate that may itself be subnormal. The callers clamp hi at -136 or
// above: n >= -197 stays in scale2_tiny's range (-200) and n*C1 is exact.
template <class Arch>
SIMDENSE_INLINE void exp_parts(vf<Arch> hi, vf<Arch> lo, vf<Arch>& n, vf<Arch>& q) {
  n = round_log2e<Arch>(hi);  // |hi| < 2^21
  q = expm1_poly_estrin<Arch>(reduce_ln2<Arch>(hi, n) + lo);
}

// e^(x y + x yl) = 2^n (1 + q) for x y <= 0 (or NaN) and |x yl| <= ulp(x y) (kYl; else e^(x y)):
// exp_parts of hi = x y, lo = the product's error (+ x yl), with the product's error folded
// into the reduction on FMA ISAs: r = fmsub(x, y, n C1) is x y - n C1 (exact: n C1 is) rounded
// once, then - n C2 and + x yl (one FMA), instead of forming lo = fmsub(x, y, hi) and adding it
// (one operation fewer, and one rounding of r fewer). Session 12: gelu and gelu_tanh. Without
// FMA: exp_parts(hi, prod_err(x, y, hi) + x yl).
template <class Arch, bool kYl = false>
SIMDENSE_INLINE void exp_parts_prod(vf<Arch> x, vf<Arch> y, vf<Arch> yl, vf<Arch>& n, vf<Arch>& q) {
  using B = vf<Arch>;
  const B hi = x * y;
  if constexpr (kHasFma<Arch>) {
    n = round_log2e<Arch>(hi);  // |hi| < 2^21
    B r = fmsub<Arch>(x, y, n * B(kLn2C1));
    r = fnmadd<Arch>(n, B(kLn2C2), r);
    if constexpr (kYl) r = fmadd<Arch>(x, yl, r);
    q = expm1_poly_estrin<Arch>(r);
  } else {
    const B lo = prod_err<Arch>(x, y, hi);
    exp_parts<Arch>(hi, kYl ? B(fmadd<Arch>(x, yl, lo)) : lo, n, q);
  }
}

// Software prefetch of the line holding p: into L1 and below (kL1, prefetcht0) or L2 and below
// (kL2, prefetcht1). Inline asm, not _mm_prefetch: GCC 12 silently deleted the
// __builtin_prefetch from the streaming loops of silu, gelu, gelu_tanh and softplus once their
// bodies were force-inlined (impl/arch.hpp); silu/avx512/4Mi took 1.8-2.3 ms per call without
// them, 1.3 with. A volatile asm is never deleted. p may point past an array (never faults).
enum class PrefetchTo { kL1, kL2 };
template <PrefetchTo kTo>
SIMDENSE_INLINE void prefetch(const void* p) {
  if constexpr (kTo == PrefetchTo::kL1) {
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
  } else {
    asm volatile("prefetcht1 %0" : : "m"(*static_cast<const char*>(p)));
  }
}

// xsimd::all(m) in one kortestw on AVX-512 (xsimd 8.1's moves the mask to a general register
// and compares it with 0xffff: two operations).
template <class Arch>
SIMDENSE_INLINE bool all_lanes(xsimd::batch_bool<float, Arch> m) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _kortestc_mask16_u8(__mmask16(m), __mmask16(m)) != 0;
  } else {
    return xsimd::all(m);
  }
}

// -x by flipping the sign bit. xsimd 8.1's unary minus is 0 - x on AVX-512 (a sign XOR
// elsewhere), which gives +0 for x = +0: use this where the sign of a zero matters.
template <class Arch>
SIMDENSE_INLINE vf<Arch> neg(vf<Arch> x) {
  return x ^ vf<Arch>(-0.0f);
}

// t[idx & 31] per lane from a 32-float table (64-byte aligned): one vpermt2ps over two
// registers (AVX-512 only; the table-driven exps and the tanh / gelu polynomial tables).
template <class Arch>
SIMDENSE_INLINE vf<Arch> lut32(const float* t, vi<Arch> idx) {
  static_assert(std::is_base_of_v<xsimd::avx512f, Arch>, "lut32 needs AVX-512");
  return _mm512_permutex2var_ps(_mm512_load_ps(t), idx, _mm512_load_ps(t + 16));
}

// c0[idx] + r (c1[idx] + r (... + r cn[idx])) per lane, by Horner (fmadd) from the top: the
// piecewise polynomial tables (tanh_table, gelu's G_of, act_detail::poly_table32). Coefficient
// tables lowest degree first, each 32 floats read by lut32.
template <class Arch>
SIMDENSE_INLINE vf<Arch> lut32_horner(vi<Arch> idx, vf<Arch>, const float* cn) {
  return lut32<Arch>(cn, idx);
}
template <class Arch, class... T>
SIMDENSE_INLINE vf<Arch> lut32_horner(vi<Arch> idx, vf<Arch> r, const float* c0, const float* c1, T... rest) {
  return fmadd<Arch>(lut32_horner<Arch>(idx, r, c1, rest...), r, lut32<Arch>(c0, idx));
}

// 2^(k/32) = kExp2Frac32[k] + kExp2Frac32Lo[k] (the second: the first's rounding error, so the
// pair carries ~48 bits) for the table-driven exps (exp_fast in act-inl.hpp, exp_tab_keep in
// softmax-inl.hpp), indexed by lut32 with the low 5 bits of a 1.5*2^18-shifted argument.
alignas(64) inline constexpr float kExp2Frac32[32] = {
    1.000000000e+00f, 1.021897197e+00f, 1.044273734e+00f, 1.067140460e+00f,
    1.090507746e+00f, 1.114386797e+00f, 1.138788581e+00f, 1.163724899e+00f,
    1.189207077e+00f, 1.215247393e+00f, 1.241857767e+00f, 1.269050956e+00f,
    1.296839595e+00f, 1.325236678e+00f, 1.354255557e+00f, 1.383909941e+00f,
    1.414213538e+00f, 1.445180774e+00f, 1.476826191e+00f, 1.509164453e+00f,
    1.542210817e+00f, 1.575980902e+00f, 1.610490322e+00f, 1.645755529e+00f,
    1.681792855e+00f, 1.718619347e+00f, 1.756252170e+00f, 1.794709086e+00f,
    1.834008098e+00f, 1.874167681e+00f, 1.915206552e+00f, 1.957144141e+00f};
alignas(64) inline constexpr float kExp2Frac32Lo[32] = {
    0.000000000e+00f, -4.811559862e-08f, 4.833470157e-08f, -5.933751979e-08f,
    -1.307753994e-08f, -5.435540018e-08f, 5.386222313e-08f, -4.051441493e-08f,
    3.797635273e-08f, -3.267394888e-08f, 4.496838102e-08f, 1.419333318e-09f,
    -4.018999533e-08f, -3.496373324e-08f, -1.012334927e-08f, -5.875577358e-08f,
    2.420323497e-08f, 3.324199938e-08f, -4.500898854e-08f, -2.495937323e-08f,
    8.070904833e-09f, -5.661025426e-08f, 9.836217174e-09f, -5.124972091e-08f,
    -2.475532668e-08f, -4.849617596e-08f, -9.235770371e-09f, -1.141504491e-08f,
    -1.123927795e-08f, -4.663005626e-08f, 9.845328108e-09f, -1.702180441e-08f};

// e^(hi + lo) * 2^k; the shared core of exp and exp_ext (kLo: lo is used; kK: k is used;
// kNeg: the caller guarantees hi <= 0 or NaN, so only the lower clamp is needed).
template <class Arch, bool kLo, bool kK, bool kNeg = false>
SIMDENSE_INLINE vf<Arch> exp_impl(vf<Arch> hi, vf<Arch> lo, vf<Arch> k) {
  using B = vf<Arch>;
  // Outside [-150, 89] the result is 0 (even after a 2^64 pre-scaling) or +inf. NaN is kept by
  // the clamp and flows through to the result.
  const B xc = kNeg ? xsimd::max(B(-150.0f), hi) : clamp_nan<Arch>(hi, -150.0f, 89.0f);
  // n = round(x / ln2); r = x - n*ln2 with ln2 = C1 + C2, C1 = 0.693359375 has 9 significant
  // bits so n*C1 and x - n*C1 are exact (|n| <= 217); |r| <= ln2/2 + tiny.
  const B n = round_int<Arch>(xc * B(1.44269504088896341f));
  B r = reduce_ln2<Arch>(xc, n);
  if constexpr (kLo) r = r + lo;
  const B p = exp_poly<Arch>(r);
  if constexpr (kK) {
    return scale2<Arch>(p, n + k);
  } else {
    return scale2<Arch>(p, n);
  }
}

// e^x for x <= 0 (or NaN): one clamp less.
template <class Arch>
SIMDENSE_INLINE vf<Arch> exp_neg(vf<Arch> x) {
  return exp_impl<Arch, false, false, true>(x, x, x);
}

// e^x over the whole float range, subnormal results included; NaN propagates, e^-inf = 0,
// e^+inf = +inf, overflow (x > 88.7228) gives +inf, never NaN. <= 1 ULP (FMA ISAs; measured
// by tests/test_math.cpp over all floats).
template <class Arch>
SIMDENSE_INLINE vf<Arch> exp(vf<Arch> x) {
  return exp_impl<Arch, false, false>(x, x, x);
}

// e^(hi + lo) * 2^k: exp for an argument carried in two floats (|lo| <= ulp(hi), e.g. -x^2/2
// split exactly by an FMA) and a result pre-scaled by 2^k (k = 0 or 64, as a float) so a
// caller keeps full precision where e^(hi+lo) itself would be subnormal and scales back once.
// Same polynomial and bound as exp (<= 1 ULP of e^(hi+lo)*2^k on FMA ISAs). NaN propagates.
template <class Arch>
SIMDENSE_INLINE vf<Arch> exp_ext(vf<Arch> hi, vf<Arch> lo, vf<Arch> k) {
  return exp_impl<Arch, true, true>(hi, lo, k);
}

// An approximation of 1/d for d in [1, 2^64] good to ~2^-14 (AVX-512 vrcp14ps) or ~2^-22
// (rcpps + one Newton step) or exact-rounded (SSE2 division). Callers follow it with an FMA
// correction step (a Newton step on the residual), which squares the error.
template <class Arch>
SIMDENSE_INLINE vf<Arch> recip_approx(vf<Arch> d) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_maskz_rcp14_ps(__mmask16(0xffff), d);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    const vf<Arch> r = _mm256_rcp_ps(d);
    return fmadd<Arch>(r, fnmadd<Arch>(r, d, vf<Arch>(1.0f)), r);
  } else {
    return vf<Arch>(1.0f) / d;
  }
}

// e^x - 1 without the cancellation of exp(x) - 1 near 0: <= 1 ULP on FMA ISAs for x <= 0 (what
// elu needs; measured by tests/test_activations.cpp over every float), subnormal x returned as
// is, expm1(-inf) = -1, NaN propagates. Positive x is supported up to overflow (+inf above
// 88.72) with the same construction; its bound is not separately tested.
template <class Arch>
SIMDENSE_INLINE vf<Arch> expm1(vf<Arch> x) {
  using B = vf<Arch>;
  // Below -17.5, e^x < 2^-25 and e^x - 1 rounds to -1; above 88.8 the result is +inf.
  const B xc = xsimd::min(xsimd::max(x, B(-17.5f)), B(88.8f));
  // n = round(x/ln2) clamped to [-24, 128] (so 2^(n-1) - 1/2 below is exact); when the clamp
  // bites (x < -16.6) |r| grows to 0.87 but the term it feeds is scaled by 2^-25.
  const B n = xsimd::max(round_nearest<Arch>(xc * B(1.44269504088896341f)), B(-24.0f));
  // r + lo = x - n*ln2 with lo the rounding error of r (ln2 = C1 + C2 + C3).
  const B r1 = fnmadd<Arch>(n, B(kLn2C1), xc);  // exact
  const B ch = n * B(kLn2C2);
  const B cl = B(0.0f) - prod_err<Arch>(n, B(kLn2C2), ch);  // ch - n*C2, exact
  const B r = r1 - ch;
  const B lo = fnmadd<Arch>(n, B(1.646594970e-12f), ((r1 - r) - ch) + cl);
  // expm1(r) = r + r^2 (1/2 + r P(r)), minimax on |r| <= ln2/2 (rel. error 5e-9).
  B p(1.988281001e-4f);
  p = fmadd<Arch>(p, r, B(1.391879981e-3f));
  p = fmadd<Arch>(p, r, B(8.333317935e-3f));
  p = fmadd<Arch>(p, r, B(4.166657478e-2f));
  p = fmadd<Arch>(p, r, B(1.666666716e-1f));
  p = fmadd<Arch>(p, r, B(0.5f));
  const B em = r + fmadd<Arch>(r * r, p, lo);
  // e^x - 1 = 2 * (s*em + (s - 1/2)), s = 2^(n-1): s - 1/2 is exact for n >= -24, the FMA
  // rounds once, and the doubling is exact (or overflows to +inf when it must).
  const B s = pow2i<Arch>(xsimd::batch_cast<std::int32_t>(n) - vi<Arch>(1));
  const B y = B(2.0f) * fmadd<Arch>(s, em, s - B(0.5f));
  const B y1 = xsimd::select(xsimd::abs(x) < B(0x1p-25f), x, y);  // tiny x (and +-0): x
  return xsimd::select(xsimd::isnan(x), x + x, y1);
}

// k ln2 + log1p(f) + c for the reduced f = m - 1 (m in [sqrt(1/2), sqrt(2))), s = f/(2 + f) and
// c the correction for the rounding of 1 + x: log1p(f) = f - f^2/2 + s (f^2/2 + R(s^2)) (musl's
// logf polynomial), ln2 = hi + lo. Shared by log1p and the activations' log1p_unit.
template <class Arch>
SIMDENSE_INLINE vf<Arch> log1p_reduced(vf<Arch> f, vf<Arch> s, vf<Arch> kf, vf<Arch> c) {
  using B = vf<Arch>;
  const B z = s * s;
  const B w = z * z;
  const B t1 = w * fmadd<Arch>(w, B(0.24279078841f), B(0.40000972152f));
  const B t2 = z * fmadd<Arch>(w, B(0.28498786688f), B(0.66666662693f));
  const B R = t2 + t1;
  const B hfsq = B(0.5f) * f * f;
  const B ln2_hi(6.9313812256e-01f), ln2_lo(9.0580006145e-06f);
  const B y = fmadd<Arch>(s, hfsq + R, fmadd<Arch>(kf, ln2_lo, c)) - hfsq + f;
  return fmadd<Arch>(kf, ln2_hi, y);
}

// log(1 + x) for x >= -1: <= 1 ULP (FMA ISAs). log1p(-1) = -inf, x < -1 gives NaN,
// log1p(+inf) = +inf, NaN propagates, log1p(-0) = -0.
template <class Arch>
SIMDENSE_INLINE vf<Arch> log1p(vf<Arch> x) {
  using B = vf<Arch>;
  using I = vi<Arch>;
  // u = 1 + x rounded; u = 2^k * m with m in [sqrt(1/2), sqrt(2)) (musl's logf reduction).
  const B u = x + B(1.0f);
  I iu = as_int<Arch>(u) + I(0x3f800000 - 0x3f3504f3);
  const I k = (iu >> 23) - I(127);
  iu = (iu & I(0x007fffff)) + I(0x3f3504f3);
  const B kf = xsimd::batch_cast<float>(k);
  const auto k0 = k == I(0);
  // f = m - 1, exact. When k == 0 the reduction is the identity and f = x itself.
  const B f = xsimd::select(xsimd::bool_cast(k0), x, as_float<Arch>(iu) - B(1.0f));
  // c/u corrects the rounding of 1 + x (musl log1pf); none needed when k == 0 or u >= 2^25.
  B c = xsimd::select(xsimd::bool_cast(k >= I(2)), B(1.0f) - (u - x),
                      x - (u - B(1.0f))) / u;
  c = xsimd::select(xsimd::bool_cast(k0 || (k >= I(25))), B(0.0f), c);
  B y = log1p_reduced<Arch>(f, f / (B(2.0f) + f), kf, c);
  // Special values: x = -1 -> -inf; x < -1 -> NaN; +inf -> +inf; NaN -> NaN.
  y = xsimd::select(x == B(-1.0f), B(-std::numeric_limits<float>::infinity()), y);
  y = xsimd::select(x < B(-1.0f), B(std::numeric_limits<float>::quiet_NaN()), y);
  y = xsimd::select(x == B(std::numeric_limits<float>::infinity()), x, y);
  y = xsimd::select(x == B(0.0f), x, y);  // keeps the sign of -0
  return xsimd::select(xsimd::isnan(x), x + x, y);
}

}  // namespace simdense::SIMDENSE_NS
