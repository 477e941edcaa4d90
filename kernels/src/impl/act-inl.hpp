// Activation functors f(x) and f'(x) over one batch, shared by the elementwise activation
// kernels (activations-inl.hpp) and the fused dense kernels (matvec epilogues, dense-inl.hpp).
//
// Interface (kept stable; the activations issue owns the bodies and their accuracy):
//   Act<Activation::F, Arch>::f(x, alpha)   -> f(x)
//   Act<Activation::F, Arch>::df(x, alpha)  -> f'(x), computed from x
//   with_activation<Arch>(Activation, g)    -> g(Act<F, Arch>{}) for the runtime value
//   Act<F, Arch>::grad(x, dy, alpha)        -> dy * f'(x), optional (sigmoid, tanh, elu, silu,
//                                              softplus): used by act_bwd_kernel when present
// alpha is the leaky-relu slope or the elu alpha (ignored by the others).
//
// Accuracy (ULP vs the correctly rounded value, every finite x, FMA ISAs; measured over all
// 2^32 floats by tests/test_activations.cpp; the public header lists the figures per ISA):
// sigmoid <= 2 (subnormal results included), tanh <= 1, relu/leaky exact, elu <= 1 (alpha = 1),
// silu <= 4, gelu <= 4, gelu_tanh <= 16 (<= 4 for x >= -4), softplus <= 2; derivatives: sigmoid',
// tanh' <= 4, elu' <= 1, silu'/gelu'/gelu_tanh' <= 16 away from their roots (absolute <= 1e-7
// within 0.1 of the root).
//
// How: every function is built on e = e^-|x| (or e^(-x^2/2) for gelu), which never overflows;
// the sums 1 + e are compensated (their exact rounding error is carried), divisions are
// corrected with the FMA residual, arguments such as -x^2/2 and the gelu_tanh argument
// sqrt(8/pi)(x + 0.044715 x^3) are carried as two floats into exp_ext, and where a result is
// subnormal but an intermediate is not (x * e^x), the exponential is computed pre-scaled by 2^64
// and the product scaled back once, so no precision is lost to a coarse subnormal intermediate.
//
// Throughput forms (FMA ISAs; SSE2 keeps the forms above): sigmoid, tanh, silu, softplus,
// elu and the derivatives of sigmoid, tanh, silu, elu use act_detail::exp_fast (the shifter
// round folded into an FMA, Estrin polynomial, vscalefps) and q = sigmoid(-|x|) = e/(1 + e)
// <= 1/2, from which sigmoid = q or 1 - q, sigmoid' = q(1 - q), tanh' = 4 sigmoid'(2x), silu' =
// s(1 + x(1 - s)) are formed without cancellation; the compensation of 1 + e is kept only
// where the bound needs it (silu, tanh on AVX2); elu uses expm1_neg_table. tanh on AVX-512
// uses no exp: a table of 30 degree-5 polynomials (tanh_detail); nor do, on AVX-512, the
// backward passes of sigmoid, tanh, silu and softplus and the forward sigmoid, silu and
// softplus for |x| < 19.2 / 9.6 / 9.6 and x in [-9.9, 9.3) (act_detail::by_table, tables of
// 32 degree-6 polynomials). The bound-to-measurement margins this spends are listed in the public header. The fused backward (grad) computes
// dy * f'(x) in double on the rare lanes where f'(x) is near or below float's normal range.
#pragma once

#include <simdense/activations.hpp>

#include "impl/math-inl.hpp"

namespace simdense::SIMDENSE_NS {

namespace act_detail {

template <class Arch>
SIMDENSE_INLINE vf<Arch> scale_k(xsimd::batch_bool<float, Arch> m) {
  // 64 where m (the lanes whose result may be subnormal), else 0.
  return xsimd::select(m, vf<Arch>(64.0f), vf<Arch>(0.0f));
}

// y 2^-64 where m. A multiply with a subnormal result costs a ~135-cycle microcode assist
// (AVX-512, measured; AVX2 likewise), so when some m lane has |y| < 2^-62 (a result below
// 2^-126), the scaling goes through scale2_tiny_lanes (integer rounding of the subnormal
// lanes, the same value; scale2_tiny's own trigger, n < -120, assumes |p| >= 2^-4).
template <class Arch>
SIMDENSE_INLINE vf<Arch> unscale(vf<Arch> y, xsimd::batch_bool<float, Arch> m) {
  using B = vf<Arch>;
  if (xsimd::any(m && (xsimd::abs(y) < B(0x1p-62f))))
    return scale2_rounded_lanes<Arch>(y, xsimd::select(m, B(-64.0f), B(0.0f)));
  return xsimd::select(m, y * B(0x1p-64f), y);
}

// The pieces of sigmoid from e = e^-|v| (the caller may pass it pre-scaled by 2^k as `es`):
// d = 1 + e rounded, derr its exact rounding error, p0 = 1/d rounded and p = 1/(1 + e) to
// ~0.5 ULP (the division residual and derr folded back in by one FMA).
template <class Arch>
struct SigParts {
  using B = vf<Arch>;
  B d, derr, p0;
  SigParts() = default;
  SIMDENSE_INLINE explicit SigParts(B e) {
    d = B(1.0f) + e;
    derr = (B(1.0f) - d) + e;  // exact: 1 >= e
    p0 = recip_approx<Arch>(d);
  }
  // 1/(1 + e) to ~0.5 ULP.
  SIMDENSE_INLINE B p() const { return quot(B(1.0f)); }
  // num / (1 + e) to ~0.5 ULP of the quotient: q = num*p0, then q + (num - q d - q derr)/d
  // with 1/d ~ p0 (the residual num - q d is exact by FMA). This is a Newton step: it squares
  // the relative error of p0 (2^-14 from vrcp14ps gives 2^-28), so p0 need not be exact.
  SIMDENSE_INLINE B quot(B num) const {
    const B q = num * p0;
    const B res = fnmadd<Arch>(q, derr, fnmadd<Arch>(q, d, num));
    return fmadd<Arch>(res, p0, q);
  }
};

// sigmoid(v) (times 2^64 on `deep` lanes, which must have v < 0), v = vh + vl carried in two
// floats; also returns e^-|v| (same scaling) and the SigParts for derivative formulas.
template <class Arch>
SIMDENSE_INLINE vf<Arch> sigmoid_hl(vf<Arch> vh, vf<Arch> vl, xsimd::batch_bool<float, Arch> deep,
                           vf<Arch>& out_es, SigParts<Arch>& sp) {
  using B = vf<Arch>;
  const auto neg = vh < B(0.0f);
  // e^-|v|: exponent -|vh| - sign(vh)*vl.
  const B hi = -xsimd::abs(vh);
  const B lo = xsimd::select(neg, vl, -vl);
  const B es = exp_ext<Arch>(hi, lo, scale_k<Arch>(deep));
  // Deep lanes (v < -64): e < 2^-92, so 1 + e rounds to 1 and e's share of the residual is
  // below 2^-92 relative: SigParts of 0 there, with no subnormal e (each operation on one
  // costs a microcode assist).
  sp = SigParts<Arch>(xsimd::select(deep, B(0.0f), es));
  out_es = es;
  // v >= 0: 1/(1+e); v < 0: e/(1+e).
  return sp.quot(xsimd::select(neg, es, B(1.0f)));
}

// log(1 + e) for e in [0, 1] (or NaN): log1p's construction (musl's logf reduction and
// polynomial, <= 1 ULP) specialised to its only two cases, k = 0 (1 + e < sqrt 2: f = e exactly)
// and k = 1 (f = (1 + e)/2 - 1, exact; c/u corrects the rounding of 1 + e), with no special-value
// selects: c/u is a correction below 2^-24 relative (an approximate 1/u suffices on FMA ISAs)
// and s = f/(2 + f) one division (session 9: vdivps in place of vrcp14ps/vrcpps and a Newton
// step on the residual). NaN propagates.
template <class Arch>
SIMDENSE_INLINE vf<Arch> log1p_unit(vf<Arch> e) {
  using B = vf<Arch>;
  const B u = B(1.0f) + e;
  const auto k1 = u >= B(0x1.6a09e6p+0f);  // k = 1 in musl's reduction (m = u/2)
  const B kf = xsimd::select(k1, B(1.0f), B(0.0f));
  const B f = xsimd::select(k1, fmsub<Arch>(u, B(0.5f), B(1.0f)), e);
  const B s = f / (B(2.0f) + f);
  const B err = e - (u - B(1.0f));  // the rounding error of u = 1 + e, exact
  B c;
  if constexpr (kHasFma<Arch>) {
    c = xsimd::select(k1, err * recip_approx<Arch>(u), B(0.0f));
  } else {
    c = xsimd::select(k1, err / u, B(0.0f));
  }
  return log1p_reduced<Arch>(f, s, kf, c);
}

// |x| beyond which e^-|x| leaves float's normal range (87.34): the tails of sigmoid', elu',
// silu' and softplus' (exp_grad_tail) start here and their float path clamps |x| here, so one
// constant serves both (tanh', whose exponent is 2|x|, clamps 2|x| here and starts its tail
// at 43).
inline constexpr float kRareX = 87.0f;

// Backward on rare lanes: dx = dy * f'(x) recomputed in double on the lanes in m (plain scalar
// code on at most one batch, behind an xsimd::any test, so typical data never comes here).
// It costs ~15-40 ns per lane, so the tails where f'(x) is at or below float's normal range
// take float paths first (grad_tail_lanes: dy f'(x) scaled last) and come here only where
// those cannot hold: |dy| beyond their limit, x = +-inf, and elu' with a tiny alpha. A float
// f'(x) would be rounded to a coarse subnormal (or 0) before the product with dy, which loses
// dx whenever |dy| > 1 (elu'(-104) with dy = 4.2, alpha = -1e19: 0 instead of -2.9e-26), and
// dy = +-inf would meet 0 (NaN instead of the true +-inf). In double nothing underflows before
// the one final rounding: fd clamps |x| so that e^-|x| stays a normal double (e^-700 = 1e-304:
// dx still rounds to 0 for every finite dy, and to +-inf for an infinite one); f'(+-inf) = 0.
template <class Arch, class FD>
__attribute__((noinline, cold)) vf<Arch> grad_rare_lanes(vf<Arch> r, vf<Arch> x, vf<Arch> dy, vf<Arch> a,
                                xsimd::batch_bool<float, Arch> m, FD fd) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  alignas(64) float xr[L], dr[L], ar[L], rr[L], mr[L];
  x.store_aligned(xr);
  dy.store_aligned(dr);
  a.store_aligned(ar);
  r.store_aligned(rr);
  xsimd::select(m, B(1.0f), B(0.0f)).store_aligned(mr);
  for (std::size_t k = 0; k < L; ++k)
    if (mr[k] != 0.0f) rr[k] = static_cast<float>(fd(double(xr[k]), double(dr[k]), double(ar[k])));
  return B::load_aligned(rr);
}

// e^(-k|v|) in double for the rare lanes above, |v| clamped to 700/k for finite v (no std::min
// or std::isinf here: non-template inline helpers are an ODR hazard in ISA TUs), 0 at +-inf.
template <class Arch>
SIMDENSE_INLINE double rare_exp_neg(double v, double k) {
  const double av = std::fabs(v);
  if (av > 1e300) return 0.0;  // +-inf
  return std::exp(-k * (av < 700.0 / k ? av : 700.0 / k));
}

// min(x, 60) without AVX-512 (NaN kept), x itself with it: the positive side of silu' and
// softplus' (both round to 1 from x = 21) kept off a subnormal e = e^-|x| (x > 87.3), whose
// quotient or product costs a microcode assist per vector. (Until q_of_e divided, AVX2's Newton
// residual e - q0 d, ~2^-12 e with vrcpps, was subnormal already below e = 2^-114: avx2
// silu'(90) ran 11x slower than silu'(20), sse2 19x.)
template <class Arch>
SIMDENSE_INLINE vf<Arch> below_60(vf<Arch> x) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return x;
  } else {
    return xsimd::min(vf<Arch>(60.0f), x);
  }
}

// The backward passes' float path on their tail lanes (taken by exp_grad_tail, which discards
// the value formed here) must form no subnormal: each costs a microcode assist per vector. Their
// input is clamped where e^-|x| stays normal (87), and then:
// - AVX-512: the final product dy * v, subnormal for |dy| < 0.7 at e^-87, is masked off on
//   those lanes (mul_off: a zero-masked vmulps, no extra operation); off_input leaves the input.
// - AVX2 and SSE2 (no masks, so dy * v would be subnormal as above; SSE2's SigParts also
//   squares e): off_input replaces the input by 0 on those lanes (one blend; e^-0 = 1) and
//   mul_off is dy * v.
// Both take `keep`, the lanes outside the tail (not_beyond: NaN lanes are kept).
template <class Arch>
SIMDENSE_INLINE vf<Arch> off_input(xsimd::batch_bool<float, Arch> keep, vf<Arch> v) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return v;
  } else {
    return xsimd::select(keep, v, vf<Arch>(0.0f));
  }
}
template <class Arch>
SIMDENSE_INLINE vf<Arch> mul_off(xsimd::batch_bool<float, Arch> keep, vf<Arch> dy, vf<Arch> v) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_maskz_mul_ps(__mmask16(keep), dy, v);
  } else {
    return dy * v;
  }
}

// !(x < c) (kAbove = false) or !(x > c) (kAbove = true) per lane, true for NaN (one unordered
// compare): the lanes outside a tail x < c or |x| > c (not_beyond<Arch, true>(|x|, c)), as the
// mask that mul_off, off_input and exp_grad_tail take (AVX-512 masks with it directly; its
// complement would cost a knotw per vector).
template <class Arch, bool kAbove>
SIMDENSE_INLINE xsimd::batch_bool<float, Arch> not_beyond(vf<Arch> x, float c) {
  constexpr int kPred = kAbove ? _CMP_NGT_UQ : _CMP_NLT_UQ;
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_cmp_ps_mask(x, _mm512_set1_ps(c), kPred);
  } else if constexpr (std::is_base_of_v<xsimd::avx, Arch>) {
    return _mm256_cmp_ps(x, _mm256_set1_ps(c), kPred);
  } else {
    return kAbove ? _mm_cmpngt_ps(x, _mm_set1_ps(c)) : _mm_cmpnlt_ps(x, _mm_set1_ps(c));
  }
}

// dy * f'(x) on a vector with tail lanes (`tail`), where dy f'(x) = gP 2^n, gP = g P rounded,
// g = dy times a factor of f'(x) (dy itself for most) and P a normal float; r: the result on the
// other lanes. The tail lanes take scale2_tiny(gP, n): rounded once more, and only if
// subnormal, so neither a subnormal f'(x) nor a subnormal operand is formed (each costs a
// microcode assist of 135-215 cycles on AVX-512: N(0, 12) inputs ran gelu' 18x slower than
// N(0, 3), and |x| > 87 ran sigmoid' 88x slower than x = -1, when such lanes went to double).
// Only the lanes where that is not enough go to grad_rare_lanes in double: |g| > gmax (g P may
// overflow, or x lies beyond the caller's clamp of its exponent, where the clamped value times
// |g| <= gmax still rounds to 0, as the true one does) and x = +-inf (f'(+-inf) = 0: dy = inf
// must give NaN).
template <class Arch, class FD>
SIMDENSE_INLINE vf<Arch> grad_tail_lanes(vf<Arch> r, vf<Arch> x, vf<Arch> dy, vf<Arch> a, vf<Arch> g, vf<Arch> gP,
                                         vf<Arch> n, xsimd::batch_bool<float, Arch> tail, float gmax, FD fd) {
  using B = vf<Arch>;
  r = xsimd::select(tail, scale2_tiny<Arch>(gP, n), r);
  const auto rare =
      tail && ((xsimd::abs(g) > B(gmax)) || (xsimd::abs(x) == B(std::numeric_limits<float>::infinity())));
  return xsimd::any(rare) ? grad_rare_lanes<Arch>(r, x, dy, a, rare, fd) : r;
}

// gelu' and gelu_tanh', whose f'(x) on the tail x < lim (< 0) is P 2^n; fp = f'(x) as float
// (within its bound on every lane but the tail, where f'(x) is near or below float's normal
// range): typical data pays dy * fp; the tail lanes (inlined: at N(0, 12) most vectors have
// one; out of line it cost 1.5x there) take grad_tail_lanes with g = dy, gP = dy P.
template <class Arch, class FD>
SIMDENSE_INLINE vf<Arch> grad_tail(vf<Arch> x, vf<Arch> dy, vf<Arch> a, vf<Arch> fp, vf<Arch> P, vf<Arch> n, float lim,
                                   float dymax, FD fd) {
  using B = vf<Arch>;
  const auto tail = x < B(lim);
  if (!xsimd::any(tail)) return dy * fp;
  return grad_tail_lanes<Arch>(dy * xsimd::select(tail, B(1.0f), fp), x, dy, a, dy, dy * P, n, tail, dymax, fd);
}

// The clamp of k|x| in exp_grad_tail and the |g| beyond which its lanes go to double: past the
// clamp, |g| 2^s e^-136 <= 2^(40 + 2 - 196.2) < 2^-150 rounds to 0, as the true value does.
inline constexpr float kTailExpClamp = 136.0f;
inline constexpr float kTailMaxG = 0x1p40f;

// sigmoid', tanh', elu', silu' and softplus', whose f'(x) on the tail (|x| > 87: 43 for tanh')
// is c 2^s e^-k|x| to within 2^-124 relative (sigmoid' = e/(1 + e)^2 with e < 2^-125, tanh' =
// 4E/(1 + E)^2, softplus' = e/(1 + e), silu' = e (1 + x + e)/(1 + e)^2, elu' = alpha e):
// g = dy c (the caller's, c = 1, alpha or 1 + x), e^-k|x| = 2^n (1 + q) by exp_parts (k|x|
// clamped at kTailExpClamp), gP = g + g q (one rounding), scaled by 2^(n + s) through
// grad_tail_lanes. r: the caller's result, kept on the other lanes (its value on the tail
// lanes, discarded here, is formed without subnormals: off_input, mul_off).
template <class Arch, class GF, class FD>
__attribute__((noinline, cold)) vf<Arch> exp_grad_tail_lanes(vf<Arch> r, vf<Arch> x, vf<Arch> dy, vf<Arch> a,
                                                             xsimd::batch_bool<float, Arch> keep, float k, float s,
                                                             GF gf, FD fd) {
  using B = vf<Arch>;
  const auto tail = !keep;
  const B g = gf(x, dy, a);
  B n, q;
  exp_parts<Arch>(-xsimd::min(B(k) * xsimd::abs(x), B(kTailExpClamp)), B(0.0f), n, q);
  const B gt = xsimd::select(tail, g, B(0.0f));  // the other lanes: no subnormal operand
  return grad_tail_lanes<Arch>(r, x, dy, a, g, fmadd<Arch>(gt, q, gt), n + B(s), tail, kTailMaxG, fd);
}
template <class Arch, class GF, class FD>
SIMDENSE_INLINE vf<Arch> exp_grad_tail(vf<Arch> r, vf<Arch> x, vf<Arch> dy, vf<Arch> a,
                                       xsimd::batch_bool<float, Arch> keep, float k, float s, GF gf, FD fd) {
  return all_lanes<Arch>(keep) ? r : exp_grad_tail_lanes<Arch>(r, x, dy, a, keep, k, s, gf, fd);
}

// The g of exp_grad_tail: dy (sigmoid', tanh', softplus'), dy alpha (elu'), dy (1 + x) (silu').
struct TailDy {
  template <class B>
  B operator()(B, B dy, B) const { return dy; }
};
struct TailDyAlpha {
  template <class B>
  B operator()(B, B dy, B a) const { return dy * a; }
};
struct TailDyOnePlusX {
  template <class B>
  B operator()(B x, B dy, B) const { return dy * (B(1.0f) + x); }
};

// -|x| by an OR with the sign bit (NaN kept).
template <class Arch>
SIMDENSE_INLINE vf<Arch> neg_abs(vf<Arch> x) {
  return as_float<Arch>(as_int<Arch>(x) | vi<Arch>(std::int32_t(0x80000000u)));
}
// -min(|x|, lim) (NaN kept): the argument of e^-|x| clamped where e^-|x| rounds to 0 anyway,
// which keeps -inf out of the range reduction: neg_abs and a max (max(c, z) returns a NaN z).
// (AVX-512 vrangeps would do it in one op but returns the other operand for a quiet NaN,
// measured here.)
template <class Arch>
SIMDENSE_INLINE vf<Arch> neg_abs_min(vf<Arch> x, float lim) {
  return xsimd::max(vf<Arch>(-lim), neg_abs<Arch>(x));
}

// e^z for z in [-104, 0] (or NaN), subnormal results included: the throughput version of
// exp_neg for the activations (callers clamp z, e.g. by neg_abs_min: below -104, e^z < 2^-150
// rounds to 0). n = round(z/ln2) by the 1.5*2^23 shifter folded into the FMA that multiplies
// by 1/ln2 (no vrndscaleps, which is 2 uops); t = z - n ln2 (two-constant Cody-Waite, as
// exp_impl); e^t = 1 + t q(t) with q = 1 + t/2 + t^2 (c3 + c4 t) + t^4 (c5 + c6 t) (exp_impl's
// minimax coefficients) by Estrin's scheme (4 dependent steps instead of Horner's 6, for one
// op more), ending in one fused fmadd(t, q, 1); 2^n by scale2 (vscalefps on AVX-512, which
// rounds a subnormal result once). <= 1 ULP like exp_impl (FMA ISAs; measured on every float
// of [-104, 0] on avx512, as elu').
//
// AVX-512: table-driven instead (12 ops instead of 13, and ~0.5 ULP): n = round(32 z/ln2)/32
// by the 1.5*2^18 shifter in the FMA (the shifted float's low 5 mantissa bits are then
// k = 32n mod 32, two's complement), 2^(k/32) = l + ll from two 32-entry tables (one vpermt2ps
// each; a single rounded table would add up to 0.5 ULP, which sigmoid's 2 ULP cannot absorb),
// t = z - n ln2 (|t| <= ln2/64 + 2e-4), e^t = 1 + t q, q = 1 + t/2 + t^2/6 (Taylor: the
// truncation t^4/24 is below 6e-10), e = l + ((l t) q + ll), the last add rounding once, then
// vscalefps by n (which floors n: 2^floor(n) 2^(k/32) = 2^n).
// kTable = false keeps the polynomial form on AVX-512 too: the backward kernels' exp forms use
// it (elu', softplus', and sigmoid'/tanh'/silu' beyond their tables). It was chosen from A/B
// runs that showed no gain from the table; those runs predate the vzeroupper fix (entry-inl.hpp),
// whose ~200 ns per call dominated them, so the choice is unmeasured, kept for unchanged results.
// kTiny: the final scaling by scale2_tiny (results below 2^-126 rounded without a microcode
// assist, at one compare and branch per vector), for callers whose typical data reaches there.
template <class Arch, bool kTable = true, bool kTiny = false>
SIMDENSE_INLINE vf<Arch> exp_fast(vf<Arch> zc) {
  using B = vf<Arch>;
  if constexpr (kTable && std::is_base_of_v<xsimd::avx512f, Arch>) {
    const B shifter(0x1.8p18f);  // ulp 1/32: adding it rounds to a multiple of 1/32
    const B ns = fmadd<Arch>(zc, B(1.44269504088896341f), shifter);
    const vi<Arch> k = as_int<Arch>(ns);
    const B l = lut32<Arch>(kExp2Frac32, k), ll = lut32<Arch>(kExp2Frac32Lo, k);
    const B n = ns - shifter;  // exact: a multiple of 1/32 in [-150, 0]
    const B t = reduce_ln2<Arch>(zc, n);
    const B q = fmadd<Arch>(fmadd<Arch>(t, B(1.0f / 6.0f), B(0.5f)), t, B(1.0f));
    const B m = fmadd<Arch>(l * t, q, ll) + l;
    return scale2_of<Arch, kTiny>(m, n);
  } else {
    const B n = round_log2e<Arch>(zc);
    const B t = reduce_ln2<Arch>(zc, n);  // |n| <= 151
    const B t2 = t * t;
    const B a = fmadd<Arch>(t, B(1.392621896e-03f), B(8.363207802e-03f));
    const B b = fmadd<Arch>(t, B(4.166655615e-02f), B(1.666657627e-01f));
    const B c = fmadd<Arch>(t, B(0.5f), B(1.0f));
    const B q = fmadd<Arch>(t2, fmadd<Arch>(t2, a, b), c);
    return scale2_of<Arch, kTiny>(fmadd<Arch>(q, t, B(1.0f)), n);
  }
}

// select(m, a, 1 - a): AVX-512 folds the select into a masked subtract.
template <class Arch>
SIMDENSE_INLINE vf<Arch> select_a_or_1ma(xsimd::batch_bool<float, Arch> m, vf<Arch> a) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return _mm512_mask_sub_ps(a, __mmask16(~__mmask16(m)), _mm512_set1_ps(1.0f), a);
  } else {
    return xsimd::select(m, a, vf<Arch>(1.0f) - a);
  }
}

// kExp2Frac32Lo[k] / kExp2Frac32[k]: 2^(k/32) = kExp2Frac32[k] e^(c_k) to ~2^-50 relative
// (ln(1 + c) = c - c^2/2, c^2 < 2^-49), so the table's low part becomes an addend of the reduced
// argument (expm1_neg_table).
struct alignas(64) Table32 {
  float v[32];
};
constexpr Table32 exp2_frac32_lo_ratio() {
  Table32 t{};
  for (int k = 0; k < 32; ++k) t.v[k] = kExp2Frac32Lo[k] / kExp2Frac32[k];
  return t;
}
inline constexpr Table32 kExp2Frac32LoRatio = exp2_frac32_lo_ratio();

// e^x - 1 for x <= 0 (or NaN; garbage on x > 0 lanes, which elu discards), FMA ISAs, from a
// table of 2^(k/N), N = 32 on AVX-512 (vpermt2ps) and 8 on AVX2 (vpermps, which reads the low
// 3 bits of each index): n = round(N x/ln2)/N by the shifter in the FMA (k = N n mod N: the
// shifted float's low bits), e^x = 2^floor(n) l e^u with l = 2^(k/N) rounded (kExp2Frac32) and
// u = t + c, c = l's low part / l (kExp2Frac32LoRatio: together ~48 bits), t = x - n ln2 by one
// FMA with the float ln2 (its error, |n| 2^-28.9, is scaled by e^x: below 0.07 ULP of e^x - 1);
// em = e^u - 1 = u + u^2 P(u); s = l 2^floor(n), exact; e^x - 1 = s em + (s - 1), one rounding
// (FMA). s - 1 is exact for x >= -ln2 (s in [1/2, 1]: Sterbenz); below, |e^x - 1| >= 1/2 and
// s - 1 rounds once more (<= 1/2 ULP). Tiny |x|: n = 0, l = 1, c = 0, u = x, and em rounds to
// x for |x| < 2^-25 (subnormal x: u^2 underflows to 0; -0 gives +0, elu returns x itself
// there). x is clamped at -17.5 (below -17.33 the result rounds to -1). Every float of [-18, 0)
// against expm1l: <= 1 ULP on both ISAs (1.1-1.5 % of them at 1). It replaced an exact
// two-constant reduction with a degree-6 polynomial and no table.
// AVX-512: |u| <= ln2/64 + 2e-4, P = c2 + u/6 with a minimax c2 (relative error 2^-26), s by
// vscalefps: 15 operations with elu's select (23 before).
// AVX2: |u| <= ln2/16 + 2e-4, P the degree-3 Taylor polynomial (truncation below 2^-32
// relative), s by an integer add: bits(ns) << 20 is floor(n) << 23 plus k << 20, so the table
// holds bits(l) - (k << 20) (kExp2Frac8); x is also clamped at 0 (a positive lane's garbage s
// could be subnormal: a microcode assist): 21 operations (25 before).
struct alignas(32) Exp2Frac8 {
  std::int32_t bits[8];
  float lo_ratio[8];
};
constexpr Exp2Frac8 exp2_frac8() {
  Exp2Frac8 t{};
  for (int k = 0; k < 8; ++k) {
    const float l = kExp2Frac32[4 * k];  // in [1, 2): its bits are 0x3F800000 + (l - 1) 2^23
    t.bits[k] = std::int32_t(0x3F800000 + std::uint32_t((l - 1.0f) * 8388608.0f)) - (k << 20);
    t.lo_ratio[k] = kExp2Frac32LoRatio.v[4 * k];
  }
  return t;
}
inline constexpr Exp2Frac8 kExp2Frac8 = exp2_frac8();

template <class Arch>
SIMDENSE_INLINE vf<Arch> expm1_neg_table(vf<Arch> x) {
  using B = vf<Arch>;
  constexpr bool k512 = std::is_base_of_v<xsimd::avx512f, Arch>;
  const B z = k512 ? xsimd::max(B(-17.5f), x) : xsimd::min(B(0.0f), xsimd::max(B(-17.5f), x));  // NaN kept
  const B shifter(k512 ? 0x1.8p18f : 0x1.8p20f);  // ulp 1/N
  const B ns = fmadd<Arch>(z, B(1.44269504088896341f), shifter);
  const vi<Arch> k = as_int<Arch>(ns);
  const B n = ns - shifter;  // exact: a multiple of 1/N in [-26, 0]
  B u = fnmadd<Arch>(n, B(0.693147182f), z), p, s;
  if constexpr (k512) {
    u += lut32<Arch>(kExp2Frac32LoRatio.v, k);
    p = fmadd<Arch>(u, B(1.0f / 6.0f), B(0.50000367f));
    s = _mm512_maskz_scalef_ps(__mmask16(0xffff), lut32<Arch>(kExp2Frac32, k), n);
  } else {
    u += _mm256_permutevar8x32_ps(_mm256_load_ps(kExp2Frac8.lo_ratio), k);
    p = fmadd<Arch>(u, B(1.0f / 120.0f), B(1.0f / 24.0f));
    p = fmadd<Arch>(fmadd<Arch>(p, u, B(1.0f / 6.0f)), u, B(0.5f));
    const __m256i lb =
        _mm256_permutevar8x32_epi32(_mm256_load_si256(reinterpret_cast<const __m256i*>(kExp2Frac8.bits)), k);
    s = as_float<Arch>(vi<Arch>(_mm256_add_epi32(lb, _mm256_slli_epi32(k, 20))));
  }
  const B em = fmadd<Arch>(u * u, p, u);
  return fmadd<Arch>(s, em, s - B(1.0f));
}

// q = e/(1 + e) = sigmoid(-|v|) from e = e^-|v| (FMA ISAs): one division (correctly rounded),
// the rounding of d = 1 + e not compensated (<= 2^-24 relative; SigParts::quot folds it back
// where a bound needs it). Shared by sigmoid, sigmoid', tanh', silu' and softplus'. vdivps
// replaced vrcpps/vrcp14ps and a Newton step on the residual (4 operations) in session 9: the
// AVX2 sigmoid and backward passes ran 1.16-1.21x faster, AVX-512's exp forms (the vectors
// outside the tables) 1.07-1.14x on N(0, 12) inputs; the divider runs beside the FMA ports.
template <class Arch>
SIMDENSE_INLINE vf<Arch> q_of_e(vf<Arch> e) {
  using B = vf<Arch>;
  return e / (B(1.0f) + e);
}

// sigmoid'(v) = q (1 - q) for z = -|v| in [-104, 0] (or NaN), FMA ISAs: q = e/(1 + e) =
// sigmoid(-|v|) <= 1/2 by q_of_e (no compensation of 1 + e), so 1 - q >= 1/2 has no
// cancellation (unlike s(1 - s) with s = sigmoid(v) rounded near 1): <= 3 ULP over every float
// (measured, avx512). tanh'(x) = 4 sigmoid'(2x).
template <class Arch, bool kTable = true>
SIMDENSE_INLINE vf<Arch> sigmoid_prime_z(vf<Arch> z) {
  using B = vf<Arch>;
  const B q = q_of_e<Arch>(exp_fast<Arch, kTable>(z));
  return q * (B(1.0f) - q);
}

// sigmoid(x) for FMA ISAs, throughput form: q = e/(1 + e) = sigmoid(-|x|), e = e^-|x|;
// sigmoid(x) = q for x < 0, 1 - q for x >= 0 (q <= 1/2: q's error is at most half an ULP of
// the result, and 1 - q rounds once, so no second division 1/(1 + e) is needed).
// kComp = false: q = e/d by q_of_e (one division), the rounding of d = 1 + e not
// compensated (3 ops fewer; <= 2^-24 relative): <= 2 ULP over every float (measured, x < 0;
// 1 ULP for x >= 0). kComp = true: SigParts::quot (d's rounding error folded back too): <= 1
// ULP, for silu, whose product x q rounds once more.
// lim: |x| is clamped there (104: below, e^-|x| rounds to 0; silu passes 87, where e stays
// normal: its x < -64 lanes take another path, and sigmoid(87) rounds to 1 like any larger x).
// sigmoid_of_z: the same from z = -|x| already in exp_fast's range [-104, 0] (or NaN).
template <class Arch, bool kComp, bool kTable = true>
SIMDENSE_INLINE vf<Arch> sigmoid_of_z(vf<Arch> x, vf<Arch> z) {
  using B = vf<Arch>;
  const B e = exp_fast<Arch, kTable>(z);
  B q;
  if constexpr (kComp) {
    // Below e = 2^-24, e/(1 + e) rounds to e; SigParts never sees such an e, whose square
    // (in the residual) would be subnormal: a microcode assist per vector for |x| > 43.7.
    const B ec = xsimd::max(B(0x1p-24f), e);
    q = xsimd::select(e < B(0x1p-24f), e, SigParts<Arch>(ec).quot(ec));
  } else {
    q = q_of_e<Arch>(e);
  }
  return select_a_or_1ma<Arch>(x < B(0.0f), q);
}
template <class Arch, bool kComp, bool kTable = true>
SIMDENSE_INLINE vf<Arch> sigmoid_fast(vf<Arch> x, float lim = 104.0f) {
  return sigmoid_of_z<Arch, kComp, kTable>(x, neg_abs_min<Arch>(x, lim));
}

// sigmoid'(x), tanh'(x), silu'(x), sigmoid(x), silu(x) and softplus(x) on AVX-512 without exp, log or
// division, for |x| < 19.2 (sigmoid'), |x| < 9.6 (tanh'), x in (-9.6, 9.6) (silu') and x in
// [-9.9, 9.3) (sigmoid, silu, softplus; beyond, the callers fall back to the exp-based forms for the
// whole vector, see by_table): tables
// of 32 degree-6 polynomials in r = x - c[k] on intervals of width 0.6 (0.3 for tanh'),
// k = floor(fma(x, scale, offset)) (the generator's cvttps: the same k on the covered range),
// x = |x| for sigmoid' = sech^2(a/2)/4 and tanh' = sech^2(a),
// signed x for the others (offset 16, or 16.5 so that 0 is the middle of an interval, where
// silu's polynomial is r (1/2 + r H(r)) with c0 = -0: tiny and subnormal x give x/2 rounded,
// silu(-0) = -0). Chebyshev interpolants with float coefficients, centers where f is within 1/32
// ULP of a float (interpolation error <= 0.1 ULP). Against the correctly rounded value over every
// float of the range (bench/tools/gen_deriv_tables.cpp check): sigmoid', tanh', sigmoid, silu,
// softplus <= 1 ULP (bounds 4, 4, 2, 2, 2); silu' <= 6 ULP outside its root's 0.1 window (bound 16) and
// 1.3e-8 absolute inside it (bound 1e-7). 21 operations per vector for the backward passes
// (against 24, 27 and ~31 for the exp-based forms), 18 for sigmoid, silu and softplus (21,
// ~26, ~31).
// amax: the largest |x| with the interval on both sides (the generator's report; by_table
// tests it for the |x| tables, the interval index itself for the signed ones).
// Regenerate: g++ -O2 -std=c++17 bench/tools/gen_deriv_tables.cpp -o /tmp/gen && /tmp/gen
struct PolyTable32 {
  float scale, offset, amax;
  alignas(64) float c[32];
  alignas(64) float p[7][32];
};

// kTanhPrime: generated by bench/tools/gen_deriv_tables.cpp (w = 0.3, index =
// cvttps(fma(x, 3.33333325, 0))).
inline constexpr PolyTable32 kTanhPrime = {
    3.333333254e+00f, 0.000000000e+00f, 9.599999428e+00f,
    {0.000000000e+00f, 4.497756958e-01f, 7.503051758e-01f, 1.050058365e+00f, 1.350162506e+00f, 1.650182724e+00f, 1.950103760e+00f, 2.250248909e+00f, 2.549734116e+00f, 2.849929810e+00f, 3.149903297e+00f, 3.449953079e+00f, 3.749700546e+00f, 4.049753189e+00f, 4.349865913e+00f, 4.650084496e+00f, 4.949745178e+00f, 5.250146866e+00f, 5.549983978e+00f, 5.849969864e+00f, 6.149881363e+00f, 6.449843407e+00f, 6.750145912e+00f, 7.049915314e+00f, 7.350092888e+00f, 7.650115013e+00f, 7.949974060e+00f, 8.250256538e+00f, 8.549667358e+00f, 8.849763870e+00f, 9.149756432e+00f, 9.449959755e+00f},
    {{1.000000000e+00f, 8.221567869e-01f, 5.963545442e-01f, 3.887433410e-01f, 2.359638065e-01f, 1.371769458e-01f, 7.777117193e-02f, 4.344376177e-02f, 2.410498075e-02f, 1.329659950e-02f, 7.319727447e-03f, 4.023405723e-03f, 2.211214742e-03f, 1.214018557e-03f, 6.662998931e-04f, 3.655682958e-04f, 2.007808798e-04f, 1.101073867e-04f, 6.044940528e-05f, 3.317672599e-05f, 1.821113256e-05f, 9.995281289e-06f, 5.482221241e-06f, 3.010098453e-06f, 1.651391585e-06f, 9.062631534e-07f, 4.975080969e-07f, 2.728840514e-07f, 1.499385291e-07f, 8.227213044e-08f, 4.515257501e-08f, 2.477018413e-08f},
     {-2.718237511e-06f, -6.934309602e-01f, -7.577651143e-01f, -6.078616977e-01f, -4.125079811e-01f, -2.548425794e-01f, -1.493715793e-01f, -8.497920632e-02f, -4.762536660e-02f, -2.641580813e-02f, -1.458577812e-02f, -8.030607365e-03f, -4.417537246e-03f, -2.426562831e-03f, -1.332155778e-03f, -7.310029468e-04f, -4.015214508e-04f, -2.202026517e-04f, -1.208951580e-04f, -6.635235331e-05f, -3.642193406e-05f, -1.999046253e-05f, -1.096441247e-05f, -6.020187811e-06f, -3.302780442e-06f, -1.812525511e-06f, -9.950159665e-07f, -5.457680459e-07f, -2.998770299e-07f, -1.645442609e-07f, -9.030515002e-08f, -4.954036825e-08f},
     {-9.998937249e-01f, -3.835119605e-01f, 1.257928610e-01f, 3.241225779e-01f, 3.048908710e-01f, 2.179013491e-01f, 1.373972744e-01f, 8.122543991e-02f, 4.646681249e-02f, 2.606279962e-02f, 1.447871979e-02f, 7.998247631e-03f, 4.407761153e-03f, 2.423615661e-03f, 1.331267878e-03f, 7.307356573e-04f, 4.014408332e-04f, 2.201784082e-04f, 1.208878457e-04f, 6.635014870e-05f, 3.642127194e-05f, 1.999026244e-05f, 1.096435244e-05f, 6.020169621e-06f, 3.302774985e-06f, 1.812523806e-06f, 9.950153981e-07f, 5.457678753e-07f, 2.998770015e-07f, 1.645442467e-07f, 9.030514292e-08f, 4.954036825e-08f},
     {-1.795527409e-03f, 6.778948307e-01f, 3.986424208e-01f, 6.737697124e-02f, -8.033211529e-02f, -9.998057783e-02f, -7.634873688e-02f, -4.926957190e-02f, -2.945429459e-02f, -1.690803468e-02f, -9.510291740e-03f, -5.289093126e-03f, -2.925473265e-03f, -1.611807733e-03f, -8.863234543e-04f, -4.867979442e-04f, -2.675181313e-04f, -1.467523980e-04f, -8.058166713e-05f, -4.423022983e-05f, -2.427981599e-05f, -1.332649481e-05f, -7.309443845e-06f, -4.013398211e-06f, -2.201829375e-06f, -1.208339768e-06f, -6.633389944e-07f, -3.638428439e-07f, -1.999167267e-07f, -1.096954776e-07f, -6.020306387e-08f, -3.302670848e-08f},
     {6.817895770e-01f, -5.289999023e-02f, -3.201855123e-01f, -2.027214468e-01f, -5.539834127e-02f, 1.027115621e-02f, 2.395845577e-02f, 1.993607730e-02f, 1.323486492e-02f, 7.992177270e-03f, 4.613886122e-03f, 2.601651708e-03f, 1.449747477e-03f, 8.019835223e-04f, 4.419801699e-04f, 2.430430613e-04f, 1.336520218e-04f, 7.334391557e-05f, 4.028115654e-05f, 2.211221909e-05f, 1.213905125e-05f, 6.662997748e-06f, 3.654643933e-06f, 2.006679097e-06f, 1.100908435e-06f, 6.041681218e-07f, 3.316693835e-07f, 1.819212088e-07f, 9.995866890e-08f, 5.484788801e-08f, 3.010161720e-08f, 1.651338266e-08f},
     {-6.449887902e-02f, -3.545611799e-01f, -8.484665304e-03f, 1.145097464e-01f, 7.084541768e-02f, 2.182661928e-02f, 7.444678340e-04f, -4.385299981e-03f, -4.130016081e-03f, -2.836068394e-03f, -1.737053972e-03f, -1.009103726e-03f, -5.711669219e-04f, -3.186224785e-04f, -1.763949840e-04f, -9.723937546e-05f, -5.354512177e-05f, -2.940571903e-05f, -1.615642577e-05f, -8.870993952e-06f, -4.870544217e-06f, -2.673568815e-06f, -1.466505523e-06f, -8.052386420e-07f, -4.417771606e-07f, -2.424446279e-07f, -1.330948152e-07f, -7.300300098e-08f, -4.011219445e-08f, -2.200981797e-08f, -1.207943079e-08f, -6.626641014e-09f},
     {-2.594141066e-01f, 1.643162966e-01f, 1.507967412e-01f, 1.000254531e-03f, -3.367045522e-02f, -1.893697679e-02f, -5.955341272e-03f, -7.136373315e-04f, 6.356037920e-04f, 7.068700506e-04f, 5.044172867e-04f, 3.133977007e-04f, 1.832609996e-04f, 1.040105853e-04f, 5.812374729e-05f, 3.221384759e-05f, 1.777436228e-05f, 9.783430869e-06f, 5.377893558e-06f, 2.954052661e-06f, 1.622002401e-06f, 8.904099786e-07f, 4.887385217e-07f, 2.682467084e-07f, 1.472233748e-07f, 8.079985747e-08f, 4.434448897e-08f, 2.433693780e-08f, 1.335644306e-08f, 7.330191565e-09f, 4.022901567e-09f, 2.207815708e-09f}}};
// kSigmoidPrime: generated by bench/tools/gen_deriv_tables.cpp (w = 0.6, index =
// cvttps(fma(x, 1.66666663, 0))).
inline constexpr PolyTable32 kSigmoidPrime = {
    1.666666627e+00f, 0.000000000e+00f, 1.919999886e+01f,
    {0.000000000e+00f, 9.001913071e-01f, 1.499969482e+00f, 2.100116730e+00f, 2.699966431e+00f, 3.300084114e+00f, 3.899811745e+00f, 4.499989510e+00f, 5.099763870e+00f, 5.699859619e+00f, 6.300009727e+00f, 6.899906158e+00f, 7.499823570e+00f, 8.099827766e+00f, 8.699731827e+00f, 9.300168991e+00f, 9.900275230e+00f, 1.049978924e+01f, 1.110000515e+01f, 1.170020008e+01f, 1.229976273e+01f, 1.289996338e+01f, 1.350029182e+01f, 1.409983063e+01f, 1.470018578e+01f, 1.530022526e+01f, 1.590006924e+01f, 1.649975014e+01f, 1.709964943e+01f, 1.770000839e+01f, 1.829968071e+01f, 1.889991951e+01f},
    {{2.500000000e-01f, 2.054837197e-01f, 1.491493434e-01f, 9.718583524e-02f, 5.900944397e-02f, 3.430319950e-02f, 1.945018396e-02f, 1.086634118e-02f, 6.024485454e-03f, 3.324149875e-03f, 1.829561545e-03f, 1.005851431e-03f, 5.525704473e-04f, 3.034071706e-04f, 1.665749733e-04f, 9.139207395e-05f, 5.015584247e-05f, 2.754073648e-05f, 1.511178925e-05f, 8.292022358e-06f, 4.552783139e-06f, 2.498129334e-06f, 1.370555310e-06f, 7.525246133e-07f, 4.128478963e-07f, 2.265668684e-07f, 1.243619607e-07f, 6.827308141e-08f, 3.747283728e-08f, 2.055814896e-08f, 1.128624927e-08f, 6.192546032e-09f},
     {-3.397796888e-07f, -8.670952171e-02f, -9.473069757e-02f, -7.598271221e-02f, -5.157716572e-02f, -3.186298534e-02f, -1.867824607e-02f, -1.062756311e-02f, -5.951453932e-03f, -3.301976016e-03f, -1.822854625e-03f, -1.003825921e-03f, -5.519594415e-04f, -3.032230015e-04f, -1.665194723e-04f, -9.137536836e-05f, -5.015081115e-05f, -2.753921945e-05f, -1.511133269e-05f, -8.291885024e-06f, -4.552741757e-06f, -2.498116828e-06f, -1.370551558e-06f, -7.525234764e-07f, -4.128475553e-07f, -2.265667689e-07f, -1.243619323e-07f, -6.827307431e-08f, -3.747283372e-08f, -2.055814896e-08f, -1.128624927e-08f, -6.192546032e-09f},
     {-6.249335781e-02f, -2.392883040e-02f, 7.838089950e-03f, 2.025766112e-02f, 1.905838028e-02f, 1.362147089e-02f, 8.590162732e-03f, 5.078938324e-03f, 2.903359476e-03f, 1.628924976e-03f, 9.047389030e-04f, 4.998904769e-04f, 2.753692097e-04f, 1.514274190e-04f, 8.320424240e-05f, 4.567097858e-05f, 2.507037425e-05f, 1.376809269e-05f, 7.555209777e-06f, 4.145804724e-06f, 2.276329496e-06f, 1.249045908e-06f, 6.852720276e-07f, 3.762606013e-07f, 2.064234366e-07f, 1.132832779e-07f, 6.218093773e-08f, 3.413652649e-08f, 1.873641509e-08f, 1.027907359e-08f, 5.643124190e-09f, 3.096273016e-09f},
     {-5.611023153e-05f, 2.118208632e-02f, 1.247039996e-02f, 2.105530351e-03f, -2.509136219e-03f, -3.124573501e-03f, -2.386490814e-03f, -1.540307654e-03f, -9.202021756e-04f, -5.283760838e-04f, -2.971380600e-04f, -1.652841602e-04f, -9.138276801e-05f, -5.035288632e-05f, -2.769760795e-05f, -1.521243576e-05f, -8.353387784e-06f, -4.588325282e-06f, -2.518083647e-06f, -1.381834977e-06f, -7.587442497e-07f, -4.163378264e-07f, -2.284201202e-07f, -1.254186941e-07f, -6.880716796e-08f, -3.776079538e-08f, -2.072683181e-08f, -1.137876726e-08f, -6.245431727e-09f, -3.426336548e-09f, -1.881029998e-09f, -1.032084640e-09f},
     {1.065296214e-02f, -8.354212623e-04f, -5.002682563e-03f, -3.167522606e-03f, -8.665916976e-04f, 1.602468546e-04f, 3.743392881e-04f, 3.115882573e-04f, 2.067470778e-04f, 1.248777698e-04f, 7.207818999e-05f, 4.065080793e-05f, 2.264288014e-05f, 1.252699349e-05f, 6.905940154e-06f, 3.797547834e-06f, 2.086671884e-06f, 1.146578370e-06f, 6.293695947e-07f, 3.454132127e-07f, 1.896726758e-07f, 1.040804634e-07f, 5.710381146e-08f, 3.135436089e-08f, 1.720169429e-08f, 9.440172200e-09f, 5.181704399e-09f, 2.844695368e-09f, 1.561361151e-09f, 8.565850806e-10f, 4.702585543e-10f, 2.580216041e-10f},
     {-5.038974923e-04f, -2.767544938e-03f, -6.855146785e-05f, 8.946073940e-04f, 5.537627731e-04f, 1.706453331e-04f, 5.871396297e-06f, -3.425165414e-05f, -3.226134868e-05f, -2.215678433e-05f, -1.356833309e-05f, -7.883622857e-06f, -4.460427135e-06f, -2.488454584e-06f, -1.378085813e-06f, -7.596826208e-07f, -4.179943005e-07f, -2.298478563e-07f, -1.262173868e-07f, -6.928661378e-08f, -3.805112669e-08f, -2.088148499e-08f, -1.145707440e-08f, -6.290926891e-09f, -3.451384067e-09f, -1.894107760e-09f, -1.039677344e-09f, -5.707711526e-10f, -3.132779869e-10f, -1.718691162e-10f, -9.435472542e-11f, -5.177063292e-11f},
     {-1.013336354e-03f, 6.418605335e-04f, 5.890497705e-04f, 3.907244263e-06f, -1.315252157e-04f, -7.397256559e-05f, -2.326305184e-05f, -2.787645826e-06f, 2.482827313e-06f, 2.761211135e-06f, 1.970380026e-06f, 1.224209768e-06f, 7.158632798e-07f, 4.062913490e-07f, 2.270458879e-07f, 1.258353421e-07f, 6.943110265e-08f, 3.821652683e-08f, 2.100739671e-08f, 1.153926821e-08f, 6.335946878e-09f, 3.478163979e-09f, 1.909134850e-09f, 1.047838705e-09f, 5.750913079e-10f, 3.156244432e-10f, 1.732206600e-10f, 9.506616327e-11f, 5.217360571e-11f, 2.863356080e-11f, 1.571445925e-11f, 8.624280110e-12f}}};
// kSiluPrime: generated by bench/tools/gen_deriv_tables.cpp (w = 0.6, index =
// cvttps(fma(x, 1.66666663, 16))).
inline constexpr PolyTable32 kSiluPrime = {
    1.666666627e+00f, 1.600000000e+01f, 9.599999428e+00f,
    {-9.299757957e+00f, -8.699866295e+00f, -8.100237846e+00f, -7.499984741e+00f, -6.900193214e+00f, -6.300295830e+00f, -5.699799538e+00f, -5.099693298e+00f, -4.499830246e+00f, -3.899806023e+00f, -3.299743652e+00f, -2.700218201e+00f, -2.099999428e+00f, -1.499674797e+00f, -8.999185562e-01f, -2.997512817e-01f, 2.996902466e-01f, 8.999967575e-01f, 1.499925613e+00f, 2.099966049e+00f, 2.700000763e+00f, 3.299988747e+00f, 3.899962425e+00f, 4.499987602e+00f, 5.100049019e+00f, 5.700214386e+00f, 6.300186157e+00f, 6.900053978e+00f, 7.500061035e+00f, 8.099986076e+00f, 8.700035095e+00f, 9.300039291e+00f},
    {{-7.588355220e-04f, -1.282404875e-03f, -2.153288340e-03f, -3.590815701e-03f, -5.932004657e-03f, -9.691095911e-03f, -1.561264507e-02f, -2.466352098e-02f, -3.791552037e-02f, -5.600828305e-02f, -7.764758170e-02f, -9.634283185e-02f, -9.501203895e-02f, -4.124334455e-02f, 1.041273400e-01f, 3.523388803e-01f, 6.476319432e-01f, 8.958986998e-01f, 1.041282535e+00f, 1.095010877e+00f, 1.096347451e+00f, 1.077638626e+00f, 1.056002975e+00f, 1.037911415e+00f, 1.024657011e+00f, 1.015607595e+00f, 1.009691954e+00f, 1.005932689e+00f, 1.003590584e+00f, 1.002153754e+00f, 1.001282215e+00f, 1.000758648e+00f},
     {-6.672587479e-04f, -1.115397317e-03f, -1.848606975e-03f, -3.034058725e-03f, -4.913486075e-03f, -7.823182270e-03f, -1.217302028e-02f, -1.830286905e-02f, -2.609344199e-02f, -3.394133970e-02f, -3.654219955e-02f, -2.125077508e-02f, 3.481586277e-02f, 1.562823802e-01f, 3.329950273e-01f, 4.780333638e-01f, 4.780421257e-01f, 3.329713047e-01f, 1.562169939e-01f, 3.482063115e-02f, -2.123950981e-02f, -3.654359654e-02f, -3.393962234e-02f, -2.609126642e-02f, -1.829868555e-02f, -1.216942631e-02f, -7.823832333e-03f, -4.914027173e-03f, -3.033869900e-03f, -1.848995453e-03f, -1.115237246e-03f, -6.670968141e-04f},
     {-2.877841471e-04f, -4.740229633e-04f, -7.714481908e-04f, -1.237127581e-03f, -1.943050534e-03f, -2.965010470e-03f, -4.331831355e-03f, -5.879440811e-03f, -6.913901307e-03f, -5.482612643e-03f, 2.850498306e-03f, 2.589468658e-02f, 7.144168019e-02f, 1.303649247e-01f, 1.515942812e-01f, 7.165522873e-02f, -7.164193690e-02f, -1.515973061e-01f, -1.303429902e-01f, -7.144483179e-02f, -2.590684220e-02f, -2.844723407e-03f, 5.483619403e-03f, 6.913826335e-03f, 5.878563505e-03f, 4.330786411e-03f, 2.965229563e-03f, 1.943248557e-03f, 1.237054705e-03f, 7.716036635e-04f, 4.739571305e-04f, 2.877161314e-04f},
     {-8.061112021e-05f, -1.300103904e-04f, -2.058856335e-04f, -3.181639768e-04f, -4.738467978e-04f, -6.655708421e-04f, -8.397978381e-04f, -8.216551505e-04f, -1.591007313e-04f, 2.146855462e-03f, 7.855634205e-03f, 1.863183454e-02f, 3.143393621e-02f, 2.914306335e-02f, -1.286896225e-02f, -7.256048173e-02f, -7.256467640e-02f, -1.286091469e-02f, 2.915117890e-02f, 3.143447265e-02f, 1.863659732e-02f, 7.852322422e-03f, 2.145902487e-03f, -1.594301284e-04f, -8.217915311e-04f, -8.397126803e-04f, -6.656071055e-04f, -4.738879215e-04f, -3.181470092e-04f, -2.059244289e-04f, -1.299932046e-04f, -8.059277025e-05f},
     {-1.630746192e-05f, -2.545537245e-05f, -3.851507427e-05f, -5.558428893e-05f, -7.387400547e-05f, -8.267307567e-05f, -5.130845602e-05f, 9.592240531e-05f, 5.234207492e-04f, 1.523288316e-03f, 3.378195222e-03f, 5.475646816e-03f, 4.018939100e-03f, -8.093330078e-03f, -2.572979964e-02f, -1.720464416e-02f, 1.720177941e-02f, 2.572847344e-02f, 8.085785434e-03f, -4.018618260e-03f, -5.476119928e-03f, -3.377283458e-03f, -1.522921957e-03f, -5.232481635e-04f, -9.577310993e-05f, 5.135819811e-05f, 8.267235535e-05f, 7.387778169e-05f, 5.558193516e-05f, 3.852144437e-05f, 2.545227835e-05f, 1.630396036e-05f},
     {-2.489404551e-06f, -3.666522844e-06f, -5.060023796e-06f, -6.170351753e-06f, -5.427706583e-06f, 1.311326855e-06f, 2.399242840e-05f, 8.396485646e-05f, 2.193938562e-04f, 4.685180611e-04f, 7.441187045e-04f, 4.353780532e-04f, -1.922384836e-03f, -6.016577594e-03f, -3.390458180e-03f, 9.384714998e-03f, 9.385818616e-03f, -3.391700564e-03f, -6.015372463e-03f, -1.922595198e-03f, 4.349983938e-04f, 7.440529880e-04f, 4.684394808e-04f, 2.193443361e-04f, 8.391157462e-05f, 2.396726268e-05f, 1.313577627e-06f, -5.427078122e-06f, -6.170276720e-06f, -5.060608601e-06f, -3.666150633e-06f, -2.488926157e-06f},
     {-2.834734403e-07f, -3.673337119e-07f, -3.871560352e-07f, -1.641658827e-07f, 7.526568311e-07f, 3.420406756e-06f, 1.011070526e-05f, 2.496361776e-05f, 5.245584180e-05f, 8.374972094e-05f, 4.466715836e-05f, -2.909890609e-04f, -1.050239545e-03f, -8.006026619e-04f, 2.647628542e-03f, 3.012418048e-03f, -3.012412926e-03f, -2.647634130e-03f, 8.005999262e-04f, 1.050240593e-03f, 2.909899922e-04f, -4.466696919e-05f, -8.374974277e-05f, -5.245589637e-05f, -2.496365050e-05f, -1.011071708e-05f, -3.420409939e-06f, -7.526580816e-07f, 1.641653427e-07f, 3.871560068e-07f, 3.673337687e-07f, 2.834735824e-07f}}};
// kSilu: generated by bench/tools/gen_deriv_tables.cpp (w = 0.6, index =
// cvttps(fma(x, 1.66666663, 16.5))).
inline constexpr PolyTable32 kSilu = {
    1.666666627e+00f, 1.650000000e+01f, 9.299999237e+00f,
    {-9.599992752e+00f, -8.999801636e+00f, -8.400124550e+00f, -7.800123215e+00f, -7.200057030e+00f, -6.599720955e+00f, -6.000034332e+00f, -5.399905205e+00f, -4.799998283e+00f, -4.200144768e+00f, -3.599800110e+00f, -3.000199318e+00f, -2.399982452e+00f, -1.800070763e+00f, -1.199860573e+00f, -5.999841690e-01f, 0.000000000e+00f, 6.003017426e-01f, 1.200117111e+00f, 1.800244331e+00f, 2.399801254e+00f, 2.999795914e+00f, 3.600061417e+00f, 4.199992180e+00f, 4.799940109e+00f, 5.400159836e+00f, 5.999915123e+00f, 6.600285530e+00f, 7.200272560e+00f, 7.799765587e+00f, 8.400105476e+00f, 9.000467300e+00f},
    {{-6.501560565e-04f, -1.110746991e-03f, -1.888253726e-03f, -3.194280900e-03f, -5.371144041e-03f, -8.968351409e-03f, -1.483531576e-02f, -2.428174019e-02f, -3.918039426e-02f, -6.204422191e-02f, -9.576249123e-02f, -1.422600597e-01f, -1.996162236e-01f, -2.553264499e-01f, -2.777677476e-01f, -2.126027793e-01f, -0.000000000e+00f, 3.876300454e-01f, 9.223447442e-01f, 1.544931293e+00f, 2.200166941e+00f, 2.857500315e+00f, 3.504316330e+00f, 4.137940884e+00f, 4.760757923e+00f, 5.375883102e+00f, 5.985078335e+00f, 6.591321468e+00f, 7.194902420e+00f, 7.796570301e+00f, 8.398217201e+00f, 8.999357224e+00f},
     {-5.823873798e-04f, -9.871908696e-04f, -1.663040486e-03f, -2.783456119e-03f, -4.621150903e-03f, -7.597265765e-03f, -1.232609618e-02f, -1.967585459e-02f, -3.069799580e-02f, -4.635578394e-02f, -6.661283225e-02f, -8.809766173e-02f, -9.983930737e-02f, -7.726787776e-02f, 1.803551614e-02f, 2.170797884e-01f, 5.000000000e-01f, 7.830528021e-01f, 9.820263386e-01f, 1.077282906e+00f, 1.099839330e+00f, 1.088110685e+00f, 1.066603303e+00f, 1.046360373e+00f, 1.030699253e+00f, 1.019672036e+00f, 1.012327313e+00f, 1.007593751e+00f, 1.004620314e+00f, 1.002784252e+00f, 1.001663089e+00f, 1.000986576e+00f},
     {-2.572919184e-04f, -4.317640560e-04f, -7.187520387e-04f, -1.185829751e-03f, -1.934134983e-03f, -3.108859761e-03f, -4.896302242e-03f, -7.501102518e-03f, -1.101713069e-02f, -1.510716602e-02f, -1.823328622e-02f, -1.616308279e-02f, -2.859869164e-05f, 4.324715585e-02f, 1.205925569e-01f, 2.087919116e-01f, 2.500000000e-01f, 2.087520361e-01f, 1.205539480e-01f, 4.322958365e-02f, -2.031325312e-05f, -1.615826599e-02f, -1.823260821e-02f, -1.510818955e-02f, -1.101751067e-02f, -7.499801926e-03f, -4.896732513e-03f, -3.107498400e-03f, -1.933799824e-03f, -1.186179928e-03f, -7.187635638e-04f, -4.315179540e-04f},
     {-7.445236406e-05f, -1.232776849e-04f, -2.018950618e-04f, -3.263479739e-04f, -5.183633184e-04f, -8.038594387e-04f, -1.202829648e-03f, -1.702453359e-03f, -2.180282027e-03f, -2.236495726e-03f, -8.637413266e-04f, 3.977786750e-03f, 1.523965783e-02f, 3.374939412e-02f, 5.016736314e-02f, 4.184719920e-02f, -5.434245176e-13f, -4.186155647e-02f, -5.016385019e-02f, -3.374350443e-02f, -1.524426416e-02f, -3.982866649e-03f, 8.649018127e-04f, 2.236389555e-03f, 2.180317882e-03f, 1.702230773e-03f, 1.202920452e-03f, 8.035393548e-04f, 5.182792083e-04f, 3.264398547e-04f, 2.018981904e-04f, 1.232094219e-04f},
     {-1.578021329e-05f, -2.564339229e-05f, -4.100627120e-05f, -6.422135630e-05f, -9.761720139e-05f, -1.417656313e-04f, -1.904148958e-04f, -2.184767363e-04f, -1.542431273e-04f, 1.737358107e-04f, 1.110583777e-03f, 3.147255396e-03f, 6.354656536e-03f, 8.483337238e-03f, 3.419833025e-03f, -1.130390912e-02f, -2.083270065e-02f, -1.129557565e-02f, 3.424381604e-03f, 8.483425714e-03f, 6.355664227e-03f, 3.149077995e-03f, 1.109970035e-03f, 1.738785795e-04f, -1.542278333e-04f, -2.184771874e-04f, -1.904238015e-04f, -1.417201565e-04f, -9.760320245e-05f, -6.423804007e-05f, -4.100687511e-05f, -2.562976806e-05f},
     {-2.592224973e-06f, -4.094215456e-06f, -6.298875633e-06f, -9.329654858e-06f, -1.299007181e-05f, -1.610700201e-05f, -1.493784293e-05f, 3.541711351e-07f, 5.256867007e-05f, 1.871214190e-04f, 4.698614066e-04f, 9.034268442e-04f, 1.112170750e-03f, -1.025705060e-04f, -3.546959488e-03f, -5.247964058e-03f, 8.051411100e-12f, 5.248839967e-03f, 3.545335028e-03f, 1.018678959e-04f, -1.112100552e-03f, -9.037250420e-04f, -4.696988908e-04f, -1.871716522e-04f, -5.257676457e-05f, -3.421382928e-07f, 1.493669242e-05f, 1.610517029e-05f, 1.298873394e-05f, 9.331698493e-06f, 6.298958851e-06f, 4.092192739e-06f},
     {-3.363521444e-07f, -5.065033406e-07f, -7.254878938e-07f, -9.521547213e-07f, -1.034313527e-06f, -5.410383892e-07f, 1.608189223e-06f, 7.876016753e-06f, 2.318551924e-05f, 5.485296424e-05f, 1.036475151e-04f, 1.232039067e-04f, -6.463102909e-05f, -6.746780127e-04f, -1.055467059e-03f, 4.598084779e-04f, 2.059831284e-03f, 4.598118248e-04f, -1.055466477e-03f, -6.746790023e-04f, -6.463156751e-05f, 1.232038485e-04f, 1.036475878e-04f, 5.485301153e-05f, 2.318553743e-05f, 7.876024029e-06f, 1.608193543e-06f, -5.410366839e-07f, -1.034313414e-06f, -9.521547781e-07f, -7.254880643e-07f, -5.065036248e-07f}}};
// kSoftplus: generated by bench/tools/gen_deriv_tables.cpp (w = 0.6, index =
// cvttps(fma(x, 1.66666663, 16.5))).
inline constexpr PolyTable32 kSoftplus = {
    1.666666627e+00f, 1.650000000e+01f, 9.299999237e+00f,
    {-9.600200653e+00f, -9.000176430e+00f, -8.400182724e+00f, -7.800240517e+00f, -7.200212479e+00f, -6.600246429e+00f, -6.000072479e+00f, -5.400286674e+00f, -4.799850464e+00f, -4.199902534e+00f, -3.599981308e+00f, -2.999817848e+00f, -2.399890900e+00f, -1.799913406e+00f, -1.200044632e+00f, -5.999193192e-01f, -3.719329834e-05f, 6.002492905e-01f, 1.200232506e+00f, 1.800169945e+00f, 2.399963379e+00f, 3.000247002e+00f, 3.600028992e+00f, 4.199985504e+00f, 4.799964905e+00f, 5.399961472e+00f, 6.000169754e+00f, 6.600336075e+00f, 7.200075150e+00f, 7.800104141e+00f, 8.399116516e+00f, 9.002856255e+00f},
    {{6.771285553e-05f, 1.233804214e-04f, 2.248009696e-04f, 4.095525655e-04f, 7.461487548e-04f, 1.359108835e-03f, 2.475505928e-03f, 4.505123012e-03f, 8.197288029e-03f, 1.488569472e-02f, 2.695759013e-02f, 4.859599099e-02f, 8.684522659e-02f, 1.529898942e-01f, 2.632721364e-01f, 4.375165403e-01f, 6.931285858e-01f, 1.037648916e+00f, 1.463461161e+00f, 1.953123450e+00f, 2.486802578e+00f, 3.048822641e+00f, 3.626985312e+00f, 4.214869976e+00f, 4.808161259e+00f, 5.404468060e+00f, 6.002645016e+00f, 6.601695061e+00f, 7.200821400e+00f, 7.800513744e+00f, 8.399341583e+00f, 9.002979279e+00f},
     {6.771056360e-05f, 1.233728108e-04f, 2.247757075e-04f, 4.094687174e-04f, 7.458704640e-04f, 1.358185662e-03f, 2.472444437e-03f, 4.494990222e-03f, 8.163781837e-03f, 1.477545034e-02f, 2.659747750e-02f, 4.743410274e-02f, 8.318101615e-02f, 1.418616027e-01f, 2.314672768e-01f, 3.543621600e-01f, 4.999907017e-01f, 6.457133293e-01f, 7.685661316e-01f, 8.581696153e-01f, 9.168245196e-01f, 9.525852799e-01f, 9.734037519e-01f, 9.852257371e-01f, 9.918371439e-01f, 9.955035448e-01f, 9.975277781e-01f, 9.986419082e-01f, 9.992540479e-01f, 9.995904565e-01f, 9.997749925e-01f, 9.998769760e-01f},
     {3.385298987e-05f, 6.167879474e-05f, 1.123625916e-04f, 2.046505251e-04f, 3.726570576e-04f, 6.781705306e-04f, 1.233165734e-03f, 2.237392589e-03f, 4.048567265e-03f, 7.278568111e-03f, 1.294502616e-02f, 2.259205468e-02f, 3.813096881e-02f, 6.086844578e-02f, 8.894509077e-02f, 1.143948063e-01f, 1.250000000e-01f, 1.143838093e-01f, 8.893611282e-02f, 6.085726246e-02f, 3.812866285e-02f, 2.258327976e-02f, 1.294444129e-02f, 7.277982309e-03f, 4.048111383e-03f, 2.238113899e-03f, 1.233046409e-03f, 6.781098782e-04f, 3.727081639e-04f, 2.046784066e-04f, 1.124824048e-04f, 6.151376874e-05f},
     {1.128273379e-05f, 2.055440200e-05f, 3.743713751e-05f, 6.816057430e-05f, 1.240330021e-04f, 2.254415303e-04f, 4.090205184e-04f, 7.390895626e-04f, 1.327483682e-03f, 2.354490571e-03f, 4.085479770e-03f, 6.816302426e-03f, 1.059590187e-02f, 1.453296840e-02f, 1.592294499e-02f, 1.110640354e-02f, 7.748308235e-07f, -1.111109275e-02f, -1.592332125e-02f, -1.453156490e-02f, -1.059540175e-02f, -6.813947111e-03f, -4.085306078e-03f, -2.354306867e-03f, -1.327336766e-03f, -7.393255946e-04f, -4.089811118e-04f, -2.254214342e-04f, -1.240499842e-04f, -6.816985842e-05f, -3.747703886e-05f, -2.049942123e-05f},
     {2.819921974e-06f, 5.136069376e-06f, 9.350877008e-06f, 1.701224210e-05f, 3.091573308e-05f, 5.605403931e-05f, 1.012427674e-04f, 1.814429415e-04f, 3.209896677e-04f, 5.535712116e-04f, 9.111844120e-04f, 1.372284023e-03f, 1.723623718e-03f, 1.367367920e-03f, -4.992511240e-04f, -3.553255927e-03f, -5.208135583e-03f, -3.551674308e-03f, -4.984067054e-04f, 1.367800287e-03f, 1.723608351e-03f, 1.371951425e-03f, 9.111508843e-04f, 5.535308737e-04f, 3.209553252e-04f, 1.814999559e-04f, 1.012330831e-04f, 5.604905527e-05f, 3.091996768e-05f, 1.701456131e-05f, 9.360865988e-06f, 5.122293715e-06f},
     {5.654902111e-07f, 1.029488431e-06f, 1.872763846e-06f, 3.402009952e-06f, 6.165289051e-06f, 1.112201426e-05f, 1.990205055e-05f, 3.505801578e-05f, 6.003960516e-05f, 9.723573748e-05f, 1.406025258e-04f, 1.549488807e-04f, 4.243785224e-05f, -3.371038183e-04f, -8.989773924e-04f, -9.585001389e-04f, -7.656670675e-08f, 9.587623063e-04f, 8.988298359e-04f, 3.368775069e-04f, -4.246515891e-05f, -1.549674926e-04f, -1.405994408e-04f, -9.722982213e-05f, -6.003369708e-05f, -3.506856228e-05f, -1.990019337e-05f, -1.112103928e-05f, -6.166125331e-06f, -3.402470611e-06f, -1.874752911e-06f, -1.026735731e-06f},
     {9.412643465e-08f, 1.712012079e-07f, 3.109263673e-07f, 5.631568456e-07f, 1.014935037e-06f, 1.812407390e-06f, 3.181457714e-06f, 5.405079719e-06f, 8.604473805e-06f, 1.187410817e-05f, 1.079789581e-05f, -7.230954907e-06f, -6.278925139e-05f, -1.470168936e-04f, -1.309080690e-04f, 1.324459445e-04f, 3.431093646e-04f, 1.324464247e-04f, -1.309078798e-04f, -1.470169809e-04f, -6.278936053e-05f, -7.231001746e-06f, 1.079788672e-05f, 1.187411090e-05f, 8.604476534e-06f, 5.405081993e-06f, 3.181459761e-06f, 1.812409096e-06f, 1.014935719e-06f, 5.631570161e-07f, 3.109265094e-07f, 1.712013642e-07f}}};
// kSigmoid: generated by bench/tools/gen_deriv_tables.cpp (w = 0.6, index =
// cvttps(fma(x, 1.66666663, 16.5))).
inline constexpr PolyTable32 kSigmoid = {
    1.666666627e+00f, 1.650000000e+01f, 9.299999237e+00f,
    {-9.600186348e+00f, -9.000198364e+00f, -8.400127411e+00f, -7.800034523e+00f, -7.200027466e+00f, -6.600358963e+00f, -6.000033379e+00f, -5.399901390e+00f, -4.799984932e+00f, -4.199982643e+00f, -3.599940300e+00f, -2.999969482e+00f, -2.400193214e+00f, -1.799820900e+00f, -1.200263023e+00f, -5.999126434e-01f, -1.430511475e-05f, 5.998592377e-01f, 1.199861526e+00f, 1.800189972e+00f, 2.400046349e+00f, 3.000109673e+00f, 3.600063324e+00f, 4.200004578e+00f, 4.800067902e+00f, 5.399946213e+00f, 6.000041962e+00f, 6.600008011e+00f, 7.200021744e+00f, 7.799912453e+00f, 8.399947166e+00f, 9.000104904e+00f},
    {{6.771153130e-05f, 1.233701041e-04f, 2.247881348e-04f, 4.095530312e-04f, 7.460083580e-04f, 1.358033041e-03f, 2.472540829e-03f, 4.496714566e-03f, 8.162693121e-03f, 1.477428433e-02f, 2.659853920e-02f, 4.742725194e-02f, 8.315796405e-02f, 1.418728679e-01f, 2.314284295e-01f, 3.543636799e-01f, 4.999964237e-01f, 6.456241012e-01f, 7.685001493e-01f, 8.581720591e-01f, 9.168308377e-01f, 9.525790811e-01f, 9.734046459e-01f, 9.852260351e-01f, 9.918379784e-01f, 9.955034852e-01f, 9.975274801e-01f, 9.986414909e-01f, 9.992539883e-01f, 9.995903969e-01f, 9.997751713e-01f, 9.998766184e-01f},
     {6.770694745e-05f, 1.233548828e-04f, 2.247376106e-04f, 4.093853058e-04f, 7.454518345e-04f, 1.356188790e-03f, 2.466427395e-03f, 4.476494156e-03f, 8.096063510e-03f, 1.455600467e-02f, 2.589105628e-02f, 4.517790675e-02f, 7.624271512e-02f, 1.217449605e-01f, 1.778693199e-01f, 2.287900597e-01f, 2.499999851e-01f, 2.287936211e-01f, 1.779076755e-01f, 1.217127815e-01f, 7.625205070e-02f, 4.517217353e-02f, 2.588804066e-02f, 1.455569454e-02f, 8.095403202e-03f, 4.476295318e-03f, 2.466406208e-03f, 1.356663532e-03f, 7.454560837e-04f, 4.094352480e-04f, 2.247780940e-04f, 1.233664079e-04f},
     {3.384888987e-05f, 6.166222738e-05f, 1.123182810e-04f, 2.045249857e-04f, 3.721698013e-04f, 6.762526464e-04f, 1.227115397e-03f, 2.218117472e-03f, 3.981946036e-03f, 7.062947843e-03f, 1.225686446e-02f, 2.044628933e-02f, 3.178117052e-02f, 4.360017553e-02f, 4.777064174e-02f, 3.332013637e-02f, 8.940257885e-07f, -3.331786022e-02f, -4.776823521e-02f, -4.359411821e-02f, -3.178420663e-02f, -2.044398151e-02f, -1.225551870e-02f, -7.062802091e-03f, -3.981626593e-03f, -2.218019916e-03f, -1.227104920e-03f, -6.764887366e-04f, -3.721719258e-04f, -2.045499132e-04f, -1.123385155e-04f, -6.166798266e-05f},
     {1.127983887e-05f, 2.054380820e-05f, 3.740554166e-05f, 6.806289457e-05f, 1.236855896e-04f, 2.241910843e-04f, 4.049862328e-04f, 7.260412676e-04f, 1.283796970e-03f, 2.214130946e-03f, 3.644861281e-03f, 5.488686264e-03f, 6.894248538e-03f, 5.468810908e-03f, -1.993203769e-03f, -1.421315502e-02f, -2.083227970e-02f, -1.421419065e-02f, -2.000457840e-03f, 5.471282173e-03f, 6.894380786e-03f, 5.488248542e-03f, 3.644514829e-03f, 2.214088105e-03f, 1.283697551e-03f, 7.260098937e-04f, 4.049828276e-04f, 2.242689225e-04f, 1.236863027e-04f, 6.807117461e-05f, 3.741227192e-05f, 2.054572724e-05f},
     {2.818434723e-06f, 5.130886620e-06f, 9.334571587e-06f, 1.695994797e-05f, 3.073659900e-05f, 5.543703810e-05f, 9.923282778e-05f, 1.749137882e-04f, 2.995918330e-04f, 4.857751192e-04f, 7.040734636e-04f, 7.801514585e-04f, 2.253239363e-04f, -1.674890169e-03f, -4.516101442e-03f, -4.846215248e-03f, -1.470569515e-07f, 4.846002907e-03f, 4.517674446e-03f, 1.673263498e-03f, -2.250471589e-04f, -7.801820175e-04f, -7.040336495e-04f, -4.857672902e-04f, -2.995704417e-04f, -1.749065268e-04f, -9.923200560e-05f, -5.545612294e-05f, -3.073677362e-05f, -1.696201070e-05f, -9.336253243e-06f, -5.131366834e-06f},
     {5.648794286e-07f, 1.027412395e-06f, 1.866055300e-06f, 3.380129101e-06f, 6.091716386e-06f, 1.087450437e-05f, 1.909393904e-05f, 3.244016989e-05f, 5.162961679e-05f, 7.122061652e-05f, 6.467678759e-05f, -4.365686618e-05f, -3.768526076e-04f, -8.816200425e-04f, -7.838261081e-04f, 7.947636768e-04f, 2.055162797e-03f, 7.949422579e-04f, -7.832747651e-04f, -8.813666063e-04f, -3.769674513e-04f, -4.360999083e-05f, 6.468480569e-05f, 7.122010720e-05f, 5.162666639e-05f, 3.243894389e-05f, 1.909378807e-05f, 1.087814871e-05f, 6.091750492e-06f, 3.380536100e-06f, 1.866389198e-06f, 1.027508006e-06f},
     {9.392046962e-08f, 1.705179642e-07f, 3.086614697e-07f, 5.556585165e-07f, 9.901687008e-07f, 1.730956228e-06f, 2.915670848e-06f, 4.550145604e-06f, 5.926358881e-06f, 3.889204436e-06f, -1.086362045e-05f, -5.573272574e-05f, -1.303039753e-04f, -1.144516136e-04f, 2.288715623e-04f, 5.573141389e-04f, 6.247952711e-10f, -5.573140807e-04f, -2.288722462e-04f, 1.144514172e-04f, 1.303040626e-04f, 5.573281669e-05f, 1.086365683e-05f, -3.889197160e-06f, -5.926359336e-06f, -4.550146969e-06f, -2.915672667e-06f, -1.730957706e-06f, -9.901693829e-07f, -5.556586871e-07f, -3.086616118e-07f, -1.705181205e-07f}}};

// The table fast path of an activation on AVX-512: y = the table at x (kAbs: at |x|, for the
// even sigmoid' and tanh') and true when every lane is inside the table's range; otherwise
// false and the caller's exp form runs for the whole vector. The signed tables (sigmoid, silu,
// softplus, silu') test the interval index k = floor(fma(x, scale, offset)) itself, one
// unsigned compare (k in [0, 31]: every float the generator fits and checks; silu and softplus
// reach one interval past -amax, x in [-9.9, 9.3)); floor, not truncation, so that x just
// below the first interval gives k = -1, not 0; NaN and +-inf give k = 0x80000000. The |x|
// tables compare |x| with amax before the index is formed (on wide inputs, where most vectors
// fail the test, the index first cost tanh' 7 %); a NaN lane passes and stays NaN through r.
template <class Arch, bool kAbs = false>
SIMDENSE_INLINE bool by_table(vf<Arch> x, const PolyTable32& t, vf<Arch>& y) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    using B = vf<Arch>;
    vi<Arch> idx;
    B v = x;
    if constexpr (kAbs) {
      v = xsimd::abs(x);
      if (xsimd::any(v > B(t.amax))) return false;
      idx = _mm512_cvttps_epi32(fmadd<Arch>(v, B(t.scale), B(t.offset)));
    } else {
      idx = _mm512_cvt_roundps_epi32(fmadd<Arch>(v, B(t.scale), B(t.offset)),
                                     _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
      if (_mm512_cmpgt_epu32_mask(idx, _mm512_set1_epi32(31)) != 0) return false;
    }
    const B r = v - lut32<Arch>(t.c, idx);
    y = lut32_horner<Arch>(idx, r, t.p[0], t.p[1], t.p[2], t.p[3], t.p[4], t.p[5], t.p[6]);
    return true;
  } else {
    return false;
  }
}

}  // namespace act_detail

template <Activation F, class Arch>
struct Act;

template <class Arch>
struct Act<Activation::identity, Arch> {
  using B = vf<Arch>;
  SIMDENSE_INLINE static B f(B x, B) { return x; }
  SIMDENSE_INLINE static B df(B x, B) { return xsimd::select(xsimd::isnan(x), x, B(1.0f)); }
};

template <class Arch>
struct Act<Activation::sigmoid, Arch> {
  using B = vf<Arch>;
  // e = e^-|x| never overflows; sigmoid = 1/(1+e) (x >= 0) or e/(1+e) (x < 0), the division
  // corrected for the rounding of 1 + e and of the quotient: <= 2 ULP (error of e, 1 ULP, plus
  // the last rounding). Subnormal results come straight from the subnormal e.
  SIMDENSE_INLINE static B f(B x, B) {
    // AVX-512, x in [-9.9, 9.3) (every lane): the table, <= 1 ULP, 18 operations instead of 21.
    if (B t; act_detail::by_table<Arch>(x, act_detail::kSigmoid, t)) return t;
    if constexpr (kHasFma<Arch>) {
      // |x| > 87 (e = e^-|x| below 1.6e-38, subnormal from 87.34): sigmoid is e (x < 0) or 1,
      // and e comes from exp_fast's integer rounding (scale2_tiny): a subnormal e through
      // vscalefps and the quotient cost four microcode assists per vector (sigmoid of
      // x = -90 ran 34x slower than of x = -1). Typical data pays one compare and branch, and
      // no clamp: the branch takes every lane beyond 87 (-inf too), so z = -|x| is in
      // exp_fast's range otherwise.
      const B z = act_detail::neg_abs<Arch>(x);
      const auto deep = z < B(-87.0f);
      if (xsimd::any(deep)) {
        const B e = act_detail::exp_fast<Arch, true, true>(xsimd::max(B(-104.0f), z));  // NaN z kept
        const B q = xsimd::select(deep, e, act_detail::q_of_e<Arch>(xsimd::select(deep, B(1.0f), e)));
        return act_detail::select_a_or_1ma<Arch>(x < B(0.0f), q);
      }
      return act_detail::sigmoid_of_z<Arch, false>(x, z);
    } else {
      const B e = exp_neg<Arch>(-xsimd::abs(x));
      const act_detail::SigParts<Arch> sp(e);
      return sp.quot(xsimd::select(x < B(0.0f), e, B(1.0f)));
    }
  }
  // sigmoid'(x) = e/(1+e)^2 = (e*p)*p (never s(1-s), which is 0 for large |x|).
  SIMDENSE_INLINE static B df(B x, B) {
    if constexpr (kHasFma<Arch>) {
      return act_detail::sigmoid_prime_z<Arch>(act_detail::neg_abs_min<Arch>(x, 104.0f));
    } else {
      const B e = exp_neg<Arch>(-xsimd::abs(x));
      const act_detail::SigParts<Arch> sp(e);
      return (e * sp.p()) * sp.p();
    }
  }
  // dx = dy * sigmoid'(x); |x| > 87 (sigmoid' < 2^-125, e^-|x| about to be subnormal): dy e
  // scaled last (act_detail::exp_grad_tail), in double only where |dy| > 2^40 or x = +-inf.
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    if (B t; act_detail::by_table<Arch, true>(x, act_detail::kSigmoidPrime, t)) return dy * t;
    // |x| clamped at 87 (not 104), the tail lanes kept from forming subnormals (act_detail::
    // off_input, mul_off): their float value is discarded.
    const auto keep = act_detail::not_beyond<Arch, true>(xsimd::abs(x), act_detail::kRareX);
    B r;
    if constexpr (kHasFma<Arch>) {
      const B z = act_detail::off_input<Arch>(keep, act_detail::neg_abs_min<Arch>(x, act_detail::kRareX));
      r = act_detail::mul_off<Arch>(keep, dy, act_detail::sigmoid_prime_z<Arch, false>(z));
    } else {
      r = act_detail::mul_off<Arch>(keep, dy, df(act_detail::off_input<Arch>(keep, x), a));
    }
    return act_detail::exp_grad_tail<Arch>(r, x, dy, a, keep, 1.0f, 0.0f, act_detail::TailDy{},
                                           [](double v, double g, double) {
                                             const double e = act_detail::rare_exp_neg<Arch>(v, 1.0);
                                             return g * e / ((1.0 + e) * (1.0 + e));
                                           });
  }
};

namespace tanh_detail {

// tanh on AVX-512 without a branch: a = min(|x|, kAMax); u = a + 0.75 (rounded, used only for
// the index); index = bits(u) >> 20 (8 x exponent + 3 leading mantissa bits: intervals of width
// 1/16 for a in [0, 0.25), 1/8 up to 1.25, 1/4 up to 3.25, 1/2 up to 7.25, 1 up to 9.25; 30
// intervals; vpermt2ps reads the low 5 bits, so the table is stored rotated instead of
// subtracting the base); on each interval a degree-5 polynomial in r = a - kC[k] (exact: kC[k]
// is a multiple of 2^-20) with coefficients picked by vpermt2ps from two registers each; then the
// sign of x ORed back in. 18 vector ops per 16 floats.
//   Interval 0 = [0, 1/16): center 0, c0 = 0, c1 = 1, so y = r (1 + r (c2 + ...)) and tiny or
//   subnormal a give exactly a (no flush, no FTZ dependence). On the others the center is chosen
//   so that tanh(center) is within 1/32 ULP of the float c0 (the constant term carries almost no
//   rounding error), and among those the one whose rounded coefficients give the smallest error.
//   Worst error before the final rounding 0.50 ULP (interval 0: the rounding of 1 + r (...)),
//   <= 0.26 ULP from 1/16 on; so <= 1 ULP after it (measured: all 2^32 floats through
//   simdense::tanh against (float)tanhl, max 1 ULP; also the activations_exhaustive suite's job).
//   tanh(a) rounds to 1 for a >= 9.0109; kAMax = 9.09375 gives exactly 1 (so do +-inf). A NaN x
//   stays NaN through a and r.
// Regenerate (Chebyshev interpolation in long double, coefficients rounded from the top with
// refits; prints the error per interval):
//   g++ -O2 -std=c++17 bench/tools/gen_tanh_table.cpp -o /tmp/gen && /tmp/gen
constexpr float kAMax = 9.09375f;

// SIMDENSE_INLINE (as every helper here, see impl/arch.hpp): GCC otherwise calls it out of line
// from the loops (and from the fused dense kernels), reloading the 14 table registers per call.
template <class Arch>
SIMDENSE_INLINE vf<Arch> tanh_table(vf<Arch> x) {
  using B = vf<Arch>;
  // Generated by bench/tools/gen_tanh_table.cpp: kAMax = 9.09375, degree 5, interval k at
  // position (k + 20) mod 32 (positions of the unused k = 30, 31 repeat interval 29).
  alignas(64) static constexpr float kC[32] = {1.401469231e+00f, 1.607754707e+00f, 1.867578506e+00f, 2.133661270e+00f, 2.348233223e+00f, 2.624011993e+00f, 2.853425980e+00f, 3.127512932e+00f, 3.457623482e+00f, 4.048234940e+00f, 4.527103424e+00f, 4.990989685e+00f, 5.557028770e+00f, 6.022735596e+00f, 6.485984802e+00f, 7.035291672e+00f, 7.768505096e+00f, 8.664355278e+00f, 8.664355278e+00f, 8.664355278e+00f, 0.000000000e+00f, 9.642028809e-02f, 1.578569412e-01f, 2.207098007e-01f, 3.023605347e-01f, 4.400949478e-01f, 5.475397110e-01f, 6.907205582e-01f, 8.087034225e-01f, 9.425687790e-01f, 1.059383392e+00f, 1.186553955e+00f};
  alignas(64) static constexpr float kP0[32] = {8.856688142e-01f, 9.228275418e-01f, 9.533740878e-01f, 9.723491073e-01f, 9.819101691e-01f, 9.895392060e-01f, 9.933757782e-01f, 9.961658120e-01f, 9.980168939e-01f, 9.993909597e-01f, 9.997662306e-01f, 9.999075532e-01f, 9.999701977e-01f, 9.999882579e-01f, 9.999953508e-01f, 9.999984503e-01f, 9.999996424e-01f, 9.999999404e-01f, 9.999999404e-01f, 9.999999404e-01f, 0.000000000e+00f, 9.612259269e-02f, 1.565586776e-01f, 2.171944827e-01f, 2.934713364e-01f, 4.137231410e-01f, 4.986740053e-01f, 5.984447002e-01f, 6.688743830e-01f, 7.364002466e-01f, 7.854277492e-01f, 8.295070529e-01f};
  alignas(64) static constexpr float kP1[32] = {2.155907154e-01f, 1.483893394e-01f, 9.107784927e-02f, 5.453721434e-02f, 3.585241735e-02f, 2.081215940e-02f, 1.320456155e-02f, 7.653675042e-03f, 3.962260671e-03f, 1.217714627e-03f, 4.674852826e-04f, 1.848846587e-04f, 5.960402996e-05f, 2.348413545e-05f, 9.298276382e-06f, 3.099449259e-06f, 7.152291346e-07f, 1.192051613e-07f, 1.192051613e-07f, 1.192051613e-07f, 1.000000000e+00f, 9.907604456e-01f, 9.754893780e-01f, 9.528265595e-01f, 9.138745666e-01f, 8.288331628e-01f, 7.513242364e-01f, 6.418639421e-01f, 5.526070595e-01f, 4.577146769e-01f, 3.831032515e-01f, 3.119180501e-01f};
  alignas(64) static constexpr float kP2[32] = {-1.909421533e-01f, -1.369380206e-01f, -8.683131635e-02f, -5.302916467e-02f, -3.520384431e-02f, -2.059439011e-02f, -1.311707404e-02f, -7.624302059e-03f, -3.954305314e-03f, -1.216943958e-03f, -4.673507065e-04f, -1.848560350e-04f, -5.960183626e-05f, -2.348248745e-05f, -9.297681572e-06f, -3.099305559e-06f, -7.144406027e-07f, -1.191422143e-07f, -1.191422143e-07f, -1.191422143e-07f, 1.306237785e-09f, -9.523445368e-02f, -1.527213156e-01f, -2.069486529e-01f, -2.681957781e-01f, -3.429071307e-01f, -3.746658564e-01f, -3.841200173e-01f, -3.696247339e-01f, -3.370612860e-01f, -3.009000421e-01f, -2.587383091e-01f};
  alignas(64) static constexpr float kP3[32] = {9.726642817e-02f, 7.690197229e-02f, 5.242319033e-02f, 3.338350356e-02f, 2.261752263e-02f, 1.344166044e-02f, 8.629351854e-03f, 5.043800920e-03f, 2.627579495e-03f, 8.095629746e-04f, 3.112497216e-04f, 1.232395589e-04f, 3.969035970e-05f, 1.564733793e-05f, 6.200259122e-06f, 2.064716682e-06f, 4.756572878e-07f, 7.947596714e-08f, 7.947596714e-08f, 7.947596714e-08f, -3.333338499e-01f, -3.210996985e-01f, -3.012536764e-01f, -2.726613581e-01f, -2.259041816e-01f, -1.344122738e-01f, -6.359683722e-02f, 1.591901854e-02f, 6.302946806e-02f, 9.564197809e-02f, 1.086329073e-01f, 1.106522158e-01f};
  alignas(64) static constexpr float kP4[32] = {-2.239469998e-02f, -2.525857650e-02f, -2.102234773e-02f, -1.479502581e-02f, -1.047923230e-02f, -6.448656321e-03f, -4.205083940e-03f, -2.488935133e-03f, -1.311038737e-03f, -4.064079840e-04f, -1.569666056e-04f, -6.221977674e-05f, -1.993443584e-05f, -7.901385288e-06f, -3.130420964e-06f, -1.041334826e-06f, -2.483904780e-07f, -4.092180461e-08f, -4.092180461e-08f, -4.092180461e-08f, 3.162598659e-05f, 6.257105619e-02f, 9.800861031e-02f, 1.281270385e-01f, 1.554568559e-01f, 1.696173400e-01f, 1.565402150e-01f, 1.184604988e-01f, 8.108109981e-02f, 4.200150073e-02f, 1.506716199e-02f, -5.457593594e-03f};
  alignas(64) static constexpr float kP5[32] = {-9.495428763e-03f, 1.406348310e-03f, 4.605645780e-03f, 4.482274875e-03f, 3.418167820e-03f, 2.349446528e-03f, 1.531045302e-03f, 9.686479461e-04f, 4.760963202e-04f, 1.785322384e-04f, 6.613946607e-05f, 2.439390300e-05f, 8.982487998e-06f, 3.305619884e-06f, 1.216224859e-06f, 4.474451316e-07f, 1.025434315e-07f, 1.605935296e-08f, 1.605935296e-08f, 1.605935296e-08f, 1.327547878e-01f, 1.235132962e-01f, 1.071952209e-01f, 8.495293558e-02f, 4.550613835e-02f, -5.983819719e-03f, -4.350746050e-02f, -6.159420311e-02f, -6.268455088e-02f, -5.306602642e-02f, -3.910234571e-02f, -2.528246492e-02f};
  // a = min(|x|, kAMax), the constant first so a NaN x stays NaN (vrangeps would do both in one
  // op but returns the other operand for a NaN).
  const B a = xsimd::min(B(kAMax), xsimd::abs(x));
  const vi<Arch> idx = as_int<Arch>(a + B(0.75f)) >> 20;  // a + 0.75 > 0: logical = arithmetic
  const B r = a - lut32<Arch>(kC, idx);
  const B p = lut32_horner<Arch>(idx, r, kP0, kP1, kP2, kP3, kP4, kP5);
  // p >= 0 or NaN: p | (x & sign) (vpternlogd 0xF8 = A | (B & C)); keeps -0.
  return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(p), _mm512_castps_si512(x),
                                                       _mm512_set1_epi32(std::int32_t(0x80000000u)), 0xF8));
}

}  // namespace tanh_detail

template <class Arch>
struct Act<Activation::tanh, Arch> {
  using B = vf<Arch>;
  // AVX-512: tanh_detail::tanh_table (branch-free piecewise polynomial, 18 ops per vector,
  // <= 1 ULP over every float). AVX2 and SSE2:
  // |x| <= 0.9: x + x^3 P(x^2) (minimax, rel. error 3e-8 with float coefficients).
  // |x| > 0.9: 1 - q, q = 2E/(1 + E) <= 0.285, E = e^-2|x| (never overflows; it underflows to 0
  // where tanh rounds to 1), with 1 + E and the division compensated (SigParts) so only E's own
  // error (<= 1 ULP, scaled by q <= 0.285) and the final rounding remain.
  SIMDENSE_INLINE static B small(B ax) {
    const B s = ax * ax;
    B p(-5.203526816e-04f);
    p = fmadd<Arch>(p, s, B(2.751653315e-03f));
    p = fmadd<Arch>(p, s, B(-8.435647003e-03f));
    p = fmadd<Arch>(p, s, B(2.174821310e-02f));
    p = fmadd<Arch>(p, s, B(-5.395031720e-02f));
    p = fmadd<Arch>(p, s, B(1.333321482e-01f));
    p = fmadd<Arch>(p, s, B(-3.333333135e-01f));
    return fmadd<Arch>(ax * s, p, ax);
  }
  // 1 - 2E/(1 + E) for |x| (NaN propagates); E = e^-2|x| from exp_fast, 2|x| clamped at 40
  // (tanh rounds to 1 from |x| = 9.01; clamped, E and E^2 in the compensation stay normal: a
  // subnormal E cost microcode assists, avx2 tanh(50) ran 27x slower than tanh(1)).
  SIMDENSE_INLINE static B big(B x) {
    const B E = act_detail::exp_fast<Arch>(act_detail::neg_abs_min<Arch>(x + x, 40.0f));
    const act_detail::SigParts<Arch> sp(E);
    return fnmadd<Arch>(B(2.0f), sp.quot(E), B(1.0f));  // 2q exact: one rounding
  }
  SIMDENSE_INLINE static B f(B x, B) {
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) return tanh_detail::tanh_table<Arch>(x);
    const B ax = xsimd::abs(x);
    if constexpr (kHasFma<Arch>) {
      // Only the formulas some lane needs (an all-small or all-large block skips the other).
      const auto sm = ax <= B(0.9f);
      B r;
      if (xsimd::all(sm)) {
        r = small(ax);
      } else if (!xsimd::any(sm)) {
        r = big(x);
      } else {
        r = xsimd::select(sm, small(ax), big(x));
      }
      // r >= 0 or NaN: OR in the sign of x (keeps -0; NaN stays NaN).
      return as_float<Arch>(as_int<Arch>(r) | (as_int<Arch>(x) & vi<Arch>(std::int32_t(0x80000000u))));
    } else {
      const B sml = small(ax);
      const B E = exp_neg<Arch>(B(-2.0f) * xsimd::min(B(20.0f), ax));  // as big(): no subnormal E
      const act_detail::SigParts<Arch> sp(E);
      const B bg = B(1.0f) - B(2.0f) * sp.quot(E);
      const B r = xsimd::select(ax <= B(0.9f), sml, bg);
      // copysign keeps the sign of -0.
      return xsimd::select(xsimd::isnan(x), x + x, xsimd::copysign(r, x));
    }
  }
  // tanh'(x) = 4E/(1+E)^2, E = e^-2|x| (pre-scaled by 2^64 where 4E is near the subnormal range).
  SIMDENSE_INLINE static B df(B x, B) {
    const B ax = xsimd::abs(x);
    const auto deep = ax > B(40.0f);
    const B hi = B(-2.0f) * ax;
    if (!xsimd::any(deep)) {  // typical data: no pre-scaling
      const B E = exp_neg<Arch>(hi);
      const act_detail::SigParts<Arch> sp(E);
      const B p = sp.p();
      return B(4.0f) * ((E * p) * p);
    }
    const B Es = exp_ext<Arch>(hi, B(0.0f), act_detail::scale_k<Arch>(deep));
    act_detail::SigParts<Arch> sp(act_detail::unscale<Arch>(Es, deep));
    return act_detail::unscale<Arch>(B(4.0f) * ((Es * sp.p()) * sp.p()), deep);
  }
  // dx = dy * tanh'(x); |x| > 43 (E = e^-2|x| about to be subnormal): dy 4E scaled last
  // (act_detail::exp_grad_tail), in double only where |dy| > 2^40 or x = +-inf.
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    if (B t; act_detail::by_table<Arch, true>(x, act_detail::kTanhPrime, t)) return dy * t;
    B r;
    const auto keep = act_detail::not_beyond<Arch, true>(xsimd::abs(x), 43.0f);
    // 2|x| clamped at 87, the tail lanes kept from forming subnormals (act_detail::off_input,
    // mul_off): their float value is discarded.
    if constexpr (kHasFma<Arch>) {
      const B z = act_detail::off_input<Arch>(keep, act_detail::neg_abs_min<Arch>(x + x, act_detail::kRareX));
      r = act_detail::mul_off<Arch>(keep, dy, B(4.0f) * act_detail::sigmoid_prime_z<Arch, false>(z));
    } else {
      const B E = exp_neg<Arch>(act_detail::off_input<Arch>(keep, B(-2.0f) * xsimd::abs(x)));
      const act_detail::SigParts<Arch> sp(E);
      const B p = sp.p();
      r = act_detail::mul_off<Arch>(keep, dy, B(4.0f) * ((E * p) * p));
    }
    // |x| > 43: dy E scaled by 2^(n + 2) last (exp_grad_tail, E = 2^n (1 + q)). NaN x: r is NaN.
    return act_detail::exp_grad_tail<Arch>(r, x, dy, a, keep, 2.0f, 2.0f, act_detail::TailDy{}, [](double v, double g, double) {
      const double e = act_detail::rare_exp_neg<Arch>(v, 2.0);
      return g * (4.0 * e) / ((1.0 + e) * (1.0 + e));
    });
  }
};

template <class Arch>
struct Act<Activation::relu, Arch> {
  using B = vf<Arch>;
  // max(0, x) in this operand order: (v)maxps returns its second operand when the compare
  // 0 > x is false, i.e. x itself for x >= 0, -0 and NaN (max(x, 0) would turn NaN into 0), so
  // one instruction is select(x < 0, 0, x) exactly; relu(-0) = -0.
  SIMDENSE_INLINE static B f(B x, B) { return xsimd::max(B(0.0f), x); }
  // relu'(x) = 1 for x > 0, 0 for x <= 0 (0 at 0), NaN for NaN.
  SIMDENSE_INLINE static B df(B x, B) {
    return xsimd::select(xsimd::isnan(x), x, xsimd::select(x > B(0.0f), B(1.0f), B(0.0f)));
  }
};

template <class Arch>
struct Act<Activation::leaky_relu, Arch> {
  using B = vf<Arch>;
  // alpha*x for x < 0 (one rounding: exact product rounded), x otherwise; leaky(-0) = -0.
  SIMDENSE_INLINE static B f(B x, B a) { return xsimd::select(x < B(0.0f), a * x, x); }
  // 1 for x > 0, alpha for x <= 0 (alpha at 0, like relu's 0), NaN for NaN.
  SIMDENSE_INLINE static B df(B x, B a) {
    return xsimd::select(xsimd::isnan(x), x, xsimd::select(x > B(0.0f), B(1.0f), a));
  }
};

template <class Arch>
struct Act<Activation::elu, Arch> {
  using B = vf<Arch>;
  // alpha*expm1(x) for x < 0, x otherwise: <= 1 ULP for alpha = 1 (one more rounding for other
  // alpha); elu(-inf) = -alpha, elu(-0) = -0.
  SIMDENSE_INLINE static B f(B x, B a) {
    if constexpr (kHasFma<Arch>) {
      return xsimd::select(x < B(0.0f), a * act_detail::expm1_neg_table<Arch>(x), x);
    } else {
      return xsimd::select(x < B(0.0f), a * expm1<Arch>(xsimd::min(x, B(0.0f))), x);
    }
  }
  // alpha*e^x for x < 0 (<= 1 ULP for alpha = 1), 1 for x >= 0.
  SIMDENSE_INLINE static B df(B x, B a) {
    return xsimd::select(xsimd::isnan(x), x,
                         xsimd::select(x < B(0.0f), a * exp<Arch>(x), B(1.0f)));
  }
  // dx = dy * elu'(x). x < -87 (e^x about to be subnormal): (dy alpha) e^x scaled last
  // (act_detail::exp_grad_tail; in double where |dy alpha| > 2^40 or x = -inf). Rare lanes in
  // double: alpha e^x below the normal range for x >= -87 (a tiny alpha), where rounding
  // alpha e^x first would lose dx.
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    // Evaluated first and unconditionally, so that the compiler hoists it out of the loop (it
    // depends on alpha only): alpha e^x stays normal on every kept lane (x >= -87).
    const bool normal_alpha = all_lanes<Arch>(xsimd::abs(a) >= B(0.75f));
    // x >= 0 lanes are discarded, and so are the tail lanes x < -87 (-inf too), taken by
    // exp_grad_tail: -87 clamps (e^-87 stays normal), act_detail::off_input and mul_off keep
    // them from forming subnormals. The constants first in min and max: a NaN x stays NaN
    // through xe and fp, and the select (x >= 0: 1) gives it fp.
    const auto keep = act_detail::not_beyond<Arch, false>(x, -act_detail::kRareX);
    const B xe = act_detail::off_input<Arch>(keep, xsimd::max(B(-act_detail::kRareX), xsimd::min(B(0.0f), x)));
    const B fp = a * (kHasFma<Arch> ? act_detail::exp_fast<Arch, false>(xe) : exp<Arch>(xe));
    B r = act_detail::mul_off<Arch>(keep, dy, xsimd::select(x >= B(0.0f), B(1.0f), fp));
    // Typical data: no tail lane, and |alpha| >= 0.75, so alpha e^x >= 0.75 e^-87 > 2^-126.
    if (normal_alpha && all_lanes<Arch>(keep)) return r;
    const auto fd = [](double v, double g, double al) {
      const double e = act_detail::rare_exp_neg<Arch>(v, 1.0);  // v < 0 here
      return (g * al) * e;  // dy*alpha exact in double
    };
    // alpha e^x below the normal range (a tiny alpha; the tail lanes' fp is discarded).
    const auto tiny = (x < B(0.0f)) && (xsimd::abs(fp) < B(0x1p-126f)) && (a != B(0.0f));
    if (all_lanes<Arch>(keep && !tiny)) return r;  // typical data: one test
    if (xsimd::any(tiny && keep)) r = act_detail::grad_rare_lanes<Arch>(r, x, dy, a, tiny && keep, fd);
    return act_detail::exp_grad_tail<Arch>(r, x, dy, a, keep, 1.0f, 0.0f, act_detail::TailDyAlpha{}, fd);
  }
};

template <class Arch>
struct Act<Activation::silu, Arch> {
  using B = vf<Arch>;
  // x * sigmoid(x): sigmoid as above, pre-scaled by 2^64 for x < -64 so x*e^x keeps its
  // precision when it is (near) subnormal. silu(-inf) = -0, silu(+inf) = +inf.
  SIMDENSE_INLINE static B f(B x, B) {
    if (B t; act_detail::by_table<Arch>(x, act_detail::kSilu, t)) return t;
    const auto deep = x < B(-64.0f);
    if (!xsimd::any(deep)) {  // typical data: no pre-scaling needed (NaN flows through e)
      if constexpr (kHasFma<Arch>) {
        return x * act_detail::sigmoid_fast<Arch, true>(x, 87.0f);
      } else {
        const B e = exp_neg<Arch>(-xsimd::abs(x));
        const act_detail::SigParts<Arch> sp(e);
        return x * sp.quot(xsimd::select(x < B(0.0f), e, B(1.0f)));
      }
    }
    B es;
    act_detail::SigParts<Arch> sp;
    // x clamped to [-112, 87] for the sigmoid: e^-|x| (pre-scaled by 2^64 below -64) stays a
    // normal float, and so does the quotient's residual e - q d (~2^-24 e; below -112 it was
    // subnormal on AVX2, whose vrcpps(1) is not exactly 1: a microcode assist per vector);
    // silu rounds to -0 from x = -109.4 on either way, and sigmoid(87) rounds to 1.
    const B s = act_detail::sigmoid_hl<Arch>(clamp_nan<Arch>(x, -112.0f, 87.0f), B(0.0f), deep, es, sp);
    const B xm = xsimd::max(x, B(-200.0f));  // -inf * 0 would be NaN; NaN comes through s
    return act_detail::unscale<Arch>(xm * s, deep);
  }
  // silu'(x) = [(1+e) + x e]/(1+e)^2 (x >= 0), e [(1+e) + x]/(1+e)^2 (x < 0), e = e^-|x|.
  // Root at x = -1.2785: there the bracket cancels (absolute error ~1e-8).
  SIMDENSE_INLINE static B df(B x, B) {
    const B xc = xsimd::min(xsimd::max(x, B(-200.0f)), B(200.0f));
    const auto deep = x < B(-64.0f);
    const auto neg = x < B(0.0f);
    if (!xsimd::any(deep)) {  // typical data: no pre-scaling
      const B e = exp_neg<Arch>(-xsimd::abs(xc));
      const act_detail::SigParts<Arch> sp(e);
      const B pos_num = fmadd<Arch>(xc, e, sp.d) + sp.derr;
      const B neg_num = e * ((sp.d + xc) + sp.derr);
      const B p = sp.p();
      const B r = (xsimd::select(neg, neg_num, pos_num) * p) * p;
      return xsimd::select(xsimd::isnan(x), x + x, r);
    }
    const B es = exp_ext<Arch>(-xsimd::abs(xc), B(0.0f), act_detail::scale_k<Arch>(deep));
    act_detail::SigParts<Arch> sp(act_detail::unscale<Arch>(es, deep));
    const B pos_num = fmadd<Arch>(xc, es, sp.d) + sp.derr;
    const B neg_num = es * ((sp.d + xc) + sp.derr);
    const B r = (xsimd::select(neg, neg_num, pos_num) * sp.p()) * sp.p();
    return xsimd::select(xsimd::isnan(x), x + x, act_detail::unscale<Arch>(r, deep));
  }
  // dx = dy * silu'(x); x < -87 (e^x about to be subnormal): act_detail::exp_grad_tail.
  // FMA ISAs: silu' = s (1 + x (1 - s)) with q = sigmoid(-|x|) <= 1/2 (q_of_e, no
  // compensation): x >= 0: (1 - q)(1 + x q); x < 0: q (1 + x (1 - q)), the bracket by one FMA
  // (near the root it cancels to ~|x| 2^-24 absolute, times q = 0.22: ~2e-8).
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    if (B t; act_detail::by_table<Arch>(x, act_detail::kSiluPrime, t)) return dy * t;
    const auto neg = x < B(0.0f);
    const auto keep = act_detail::not_beyond<Arch, false>(x, -act_detail::kRareX);
    B r;
    if constexpr (kHasFma<Arch>) {
      // |x| clamped at 87 (e^-87 stays normal), the tail lanes x < -87 (taken below) kept from
      // forming subnormals (act_detail::off_input, mul_off); AVX2 clamps x > 60 at 60 too
      // (silu' rounds to 1 from x = 21), see act_detail::below_60.
      const B z = act_detail::off_input<Arch>(keep, act_detail::neg_abs_min<Arch>(act_detail::below_60<Arch>(x), act_detail::kRareX));
      const B q = act_detail::q_of_e<Arch>(act_detail::exp_fast<Arch, false>(z));
      const B omq = B(1.0f) - q;
      const B xc = xsimd::min(x, B(200.0f));  // x = +inf: q = 0, inf * 0; NaN comes through q
      r = act_detail::mul_off<Arch>(keep, dy, xsimd::select(neg, q, omq) * fmadd<Arch>(xc, xsimd::select(neg, omq, q), B(1.0f)));
    } else {
      const B xc = act_detail::off_input<Arch>(keep, act_detail::below_60<Arch>(x));
      const B e = exp_neg<Arch>(-xsimd::abs(xc));
      const act_detail::SigParts<Arch> sp(e);
      const B pos_num = fmadd<Arch>(xc, e, sp.d) + sp.derr;
      const B neg_num = e * ((sp.d + xc) + sp.derr);
      const B p = sp.p();
      r = act_detail::mul_off<Arch>(keep, dy, (xsimd::select(neg, neg_num, pos_num) * p) * p);
    }
    // x < -87: dy (1 + x) e^x scaled last (act_detail::exp_grad_tail; 1 + x is exact there
    // or rounds to x), in double where |dy (1 + x)| > 2^40 or x = -inf.
    r = act_detail::exp_grad_tail<Arch>(r, x, dy, a, keep, 1.0f, 0.0f, act_detail::TailDyOnePlusX{},
                                        [](double v, double g, double) {
                                          if (v < -1e300) return g * 0.0;  // silu'(-inf) = 0
                                          const double vc = v < -700.0 ? -700.0 : v;  // v < -87 here
                                          const double e = std::exp(vc);
                                          return g * (e * ((1.0 + e) + vc) / ((1.0 + e) * (1.0 + e)));
                                        });
    return xsimd::select(xsimd::isnan(x), x + x, r);
  }
};

namespace gelu_detail {

// |x| is clamped here: gelu(x) underflows to -0 below -14.3 and gelu'(x) below -14.55; the
// AVX-512 table covers [0, 15) and idx = trunc(a * 32/15) must stay <= 31.
constexpr float kAMax = 14.9f;

// G(a) = Q(a) e^(a^2/2), Q(a) = Phi(-a), for a in [0, kAMax] (NaN propagates).
// AVX-512: 32 intervals of width 15/32, on each a degree-5 polynomial in r = a - center
// (Chebyshev interpolant, float coefficients: relative error <= 1.3e-7 including the roundings
// of the evaluation), coefficients picked by vpermt2ps from two registers per coefficient.
template <class Arch>
SIMDENSE_INLINE vf<Arch> G_of(vf<Arch> a) {
  using B = vf<Arch>;
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    alignas(64) static constexpr float kC[32] = {2.343750000e-01f, 7.031250000e-01f, 1.171875000e+00f, 1.640625000e+00f, 2.109375000e+00f, 2.578125000e+00f, 3.046875000e+00f, 3.515625000e+00f, 3.984375000e+00f, 4.453125000e+00f, 4.921875000e+00f, 5.390625000e+00f, 5.859375000e+00f, 6.328125000e+00f, 6.796875000e+00f, 7.265625000e+00f, 7.734375000e+00f, 8.203125000e+00f, 8.671875000e+00f, 9.140625000e+00f, 9.609375000e+00f, 1.007812500e+01f, 1.054687500e+01f, 1.101562500e+01f, 1.148437500e+01f, 1.195312500e+01f, 1.242187500e+01f, 1.289062500e+01f, 1.335937500e+01f, 1.382812500e+01f, 1.429687500e+01f, 1.476562500e+01f};
    alignas(64) static constexpr float kP0[32] = {4.186901450e-01f, 3.085683584e-01f, 2.396838218e-01f, 1.937488914e-01f, 1.614864618e-01f, 1.378492564e-01f, 1.199213117e-01f, 1.059289873e-01f, 9.474457800e-02f, 8.562316746e-02f, 7.805612683e-02f, 7.168599963e-02f, 6.625515968e-02f, 6.157376990e-02f, 5.749914795e-02f, 5.392219499e-02f, 5.075816065e-02f, 4.794028774e-02f, 4.541532695e-02f, 4.314031079e-02f, 4.108021781e-02f, 3.920621425e-02f, 3.749437258e-02f, 3.592466936e-02f, 3.448022157e-02f, 3.314670920e-02f, 3.191189095e-02f, 3.076526895e-02f, 2.969776094e-02f, 2.870149538e-02f, 2.776959911e-02f, 2.689605579e-02f};
    alignas(64) static constexpr float kP1[32] = {-3.008117974e-01f, -1.819801629e-01f, -1.180628017e-01f, -8.107300848e-02f, -5.830676481e-02f, -4.354967177e-02f, -3.355703503e-02f, -2.653569169e-02f, -2.144435421e-02f, -1.765160449e-02f, -1.475977525e-02f, -1.250993088e-02f, -1.072843280e-02f, -9.295769967e-03f, -8.127751760e-03f, -7.163828239e-03f, -6.359634455e-03f, -5.682111718e-03f, -5.106250755e-03f, -4.612870049e-03f, -4.187070299e-03f, -3.817145480e-03f, -3.493800759e-03f, -3.209584160e-03f, -2.958467230e-03f, -2.735533053e-03f, -2.536739688e-03f, -2.358741360e-03f, -2.198749455e-03f, -2.054425888e-03f, -1.923797885e-03f, -1.805193140e-03f};
    alignas(64) static constexpr float kP2[32] = {1.740837395e-01f, 9.030345827e-02f, 5.066327751e-02f, 3.036876209e-02f, 1.924761012e-02f, 1.278628316e-02f, 8.838566020e-03f, 6.319697481e-03f, 4.651101772e-03f, 3.509177594e-03f, 2.705174964e-03f, 2.124825260e-03f, 1.696624444e-03f, 1.374487765e-03f, 1.127918833e-03f, 9.362522978e-04f, 7.851812406e-04f, 6.646077381e-04f, 5.672778934e-04f, 4.878969630e-04f, 4.225431476e-04f, 3.682723909e-04f, 3.228472488e-04f, 2.845478302e-04f, 2.520381240e-04f, 2.242702030e-04f, 2.004145499e-04f, 1.798090670e-04f, 1.619210962e-04f, 1.463189401e-04f, 1.326503261e-04f, 1.206259112e-04f};
    alignas(64) static constexpr float kP3[32] = {-8.666606247e-02f, -3.949334472e-02f, -1.956309564e-02f, -1.041602623e-02f, -5.901917350e-03f, -3.528243396e-03f, -2.208953956e-03f, -1.439303509e-03f, -9.708551224e-04f, -6.749213208e-04f, -4.817403678e-04f, -3.519267193e-04f, -2.624216431e-04f, -1.992777688e-04f, -1.538078359e-04f, -1.204557921e-04f, -9.558201418e-05f, -7.674989320e-05f, -6.229554856e-05f, -5.106203389e-05f, -4.223143333e-05f, -3.521664621e-05f, -2.959029553e-05f, -2.503721589e-05f, -2.132218833e-05f, -1.826769767e-05f, -1.573837471e-05f, -1.362999501e-05f, -1.186158715e-05f, -1.036970571e-05f, -9.104248420e-06f, -8.025353054e-06f};
    alignas(64) static constexpr float kP4[32] = {3.892650455e-02f, 1.579494029e-02f, 6.993361283e-03f, 3.343361896e-03f, 1.709541655e-03f, 9.270579321e-04f, 5.292402348e-04f, 3.160329943e-04f, 1.963115792e-04f, 1.262506266e-04f, 8.372007869e-05f, 5.704537034e-05f, 3.982044655e-05f, 2.840325760e-05f, 2.065575063e-05f, 1.528580106e-05f, 1.149166292e-05f, 8.763760889e-06f, 6.771041171e-06f, 5.294060429e-06f, 4.184653790e-06f, 3.341066304e-06f, 2.692314638e-06f, 2.188156714e-06f, 1.792550734e-06f, 1.479316438e-06f, 1.229214263e-06f, 1.027951043e-06f, 8.648002563e-07f, 7.316345432e-07f, 6.222410889e-07f, 5.318305512e-07f};
    alignas(64) static constexpr float kP5[32] = {-1.569967531e-02f, -5.751642864e-03f, -2.304607304e-03f, -1.000122167e-03f, -4.658544203e-04f, -2.310230921e-04f, -1.210930786e-04f, -6.665972614e-05f, -3.832256698e-05f, -2.289661643e-05f, -1.415694987e-05f, -9.025025065e-06f, -5.913119367e-06f, -3.970680154e-06f, -2.726085995e-06f, -1.909502544e-06f, -1.362075182e-06f, -9.878116316e-07f, -7.273033589e-07f, -5.429676548e-07f, -4.105444020e-07f, -3.140790170e-07f, -2.428968457e-07f, -1.897410158e-07f, -1.496044604e-07f, -1.189845378e-07f, -9.539925827e-08f, -7.706865546e-08f, -6.270177266e-08f, -5.135241565e-08f, -4.232014916e-08f, -3.508163715e-08f};
    // NaN converts to 0x80000000 (index 0); the polynomial still yields NaN through r.
    const vi<Arch> idx = _mm512_cvttps_epi32(a * B(32.0f / 15.0f));
    const B r = a - lut32<Arch>(kC, idx);  // |r| <= 0.235 (exact for a >= 0.12, else within 2^-26)
    return lut32_horner<Arch>(idx, r, kP0, kP1, kP2, kP3, kP4, kP5);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    // AVX2 (vpermps: 8 entries): 8 intervals, log-spaced in u = a + 1 (index = exponent and
    // first mantissa bit of u: a in [0, .5), [.5, 1), [1, 2), [2, 3), [3, 5), [5, 7), [7, 11),
    // [11, 15)), on each a degree-7 polynomial in r = a - center (Chebyshev interpolant, float
    // coefficients: relative error <= 1.3e-7 with the evaluation's roundings).
    alignas(32) static constexpr float kC8[8] = {2.500000000e-01f, 7.500000000e-01f, 1.500000000e+00f, 2.500000000e+00f, 4.000000000e+00f, 6.000000000e+00f, 9.000000000e+00f, 1.300000000e+01f};
    alignas(32) static constexpr float kQ8[8][8] = {
        {4.140321016e-01f, 3.002324700e-01f, 2.057806700e-01f, 1.413313299e-01f, 9.441064298e-02f, 6.477931142e-02f, 4.379878566e-02f, 3.050941415e-02f},
        {-2.954342663e-01f, -1.737679392e-01f, -9.027127922e-02f, -4.561395198e-02f, -2.129971422e-02f, -1.026639435e-02f, -4.753180314e-03f, -2.319891937e-03f},
        {1.700868160e-01f, 8.495326340e-02f, 3.518698364e-02f, 1.364823896e-02f, 4.605952650e-03f, 1.590477536e-03f, 5.100927665e-04f, 1.754099794e-04f},
        {-8.430419862e-02f, -3.668433428e-02f, -1.249701716e-02f, -3.831132082e-03f, -9.587288951e-04f, -2.411844034e-04f, -5.414890984e-05f, -1.318957766e-05f},
        {3.724953532e-02f, 1.435918268e-02f, 4.108182155e-03f, 1.017340925e-03f, 1.924452954e-04f, 3.582379213e-05f, 5.674388376e-06f, 9.857534451e-07f},
        {-1.499722619e-02f, -5.182631314e-03f, -1.265745726e-03f, -2.573691308e-04f, -3.748598101e-05f, -5.223077096e-06f, -5.900495239e-07f, -7.332418051e-08f},
        {5.664146971e-03f, 1.766404370e-03f, 3.822495346e-04f, 6.399428094e-05f, 7.587582331e-06f, 7.780134297e-07f, 6.618531501e-08f, 5.669627878e-09f},
        {-1.968133030e-03f, -5.593849928e-04f, -1.054245076e-04f, -1.486995916e-05f, -1.391604314e-06f, -1.093321558e-07f, -6.737606473e-09f, -4.171341050e-10f},
    };
    // bits(u) >> 22 = 2*(exponent + 127) + first mantissa bit: 254..261 for u in [1, 16).
    const __m256i idx = _mm256_sub_epi32(
        _mm256_srli_epi32(_mm256_castps_si256(a + B(1.0f)), 22), _mm256_set1_epi32(254));
    const auto tab = [&idx](const float* t) -> B {
      return _mm256_permutevar8x32_ps(_mm256_load_ps(t), idx);
    };
    const B r = a - tab(kC8);
    B p = tab(kQ8[7]);
    for (int i = 6; i >= 0; --i) p = fmadd<Arch>(p, r, tab(kQ8[i]));
    return p;
  } else {
    // SSE2 (no lane permute): G(a) = t H(t), t = 1/(1 + a/4), H a degree-11
    // minimax polynomial (rel. error 7e-9 with float coefficients on a <= 16); t is corrected
    // for the rounding of 1 + a/4 and of the division (G is sensitive to t:
    // d ln G / d ln t = K(t), up to 3.2 at a = 0).
    const B q = a * B(0.25f);  // exact
    const B u = B(1.0f) + q;
    const B uerr = (xsimd::max(q, B(1.0f)) - u) + xsimd::min(q, B(1.0f));  // exact (Fast2Sum)
    B t0 = recip_approx<Arch>(u);
    t0 = fmadd<Arch>(t0, fnmadd<Arch>(t0, u, B(1.0f)), t0);  // Newton: ~2^-28
    // t = 1/(u + uerr) = t0 (1 + res) with res = 1 - t0 u - t0 uerr.
    const B res = fnmadd<Arch>(t0, uerr, fnmadd<Arch>(t0, u, B(1.0f)));
    B H(-8.015390486e-03f);
    H = fmadd<Arch>(H, t0, B(4.055365920e-02f));
    H = fmadd<Arch>(H, t0, B(-6.475045532e-02f));
    H = fmadd<Arch>(H, t0, B(9.752372280e-03f));
    H = fmadd<Arch>(H, t0, B(4.869089648e-02f));
    H = fmadd<Arch>(H, t0, B(-3.109000064e-02f));
    H = fmadd<Arch>(H, t0, B(7.810518146e-02f));
    H = fmadd<Arch>(H, t0, B(4.977679253e-02f));
    H = fmadd<Arch>(H, t0, B(8.450631052e-02f));
    H = fmadd<Arch>(H, t0, B(9.295157343e-02f));
    H = fmadd<Arch>(H, t0, B(9.978546202e-02f));
    H = fmadd<Arch>(H, t0, B(9.973359853e-02f));
    // K(t) = d ln(t H(t)) / d ln t (cubic fit, good to 0.6%): G = t0 H (1 + res K).
    B K(-1.446090e+00f);
    K = fmadd<Arch>(K, t0, B(3.604990e+00f));
    K = fmadd<Arch>(K, t0, B(-1.009628e-01f));
    K = fmadd<Arch>(K, t0, B(1.137385e+00f));
    const B g0 = t0 * H;
    return fmadd<Arch>(g0 * res, K, g0);
  }
}

// a = min(|x|, kAMax) (NaN kept), -a^2/2 = hi + lo split exactly, e^(-a^2/2) = 2^n (1 + q).
// kWide = false: the caller has checked that no lane has |x| > 12.9 (Act<gelu>::narrow): no
// clamp, and n >= -120, so the final scalings need no subnormal path.
template <class Arch, bool kWide = true>
SIMDENSE_INLINE void gauss_parts(vf<Arch> x, vf<Arch>& a, vf<Arch>& n, vf<Arch>& q) {
  using B = vf<Arch>;
  a = kWide ? xsimd::min(B(kAMax), xsimd::abs(x)) : xsimd::abs(x);  // constant first: NaN kept
  const B m = a * B(-0.5f);  // exact
  const B hi = m * a;
  const B lo = prod_err<Arch>(m, a, hi);
  exp_parts<Arch>(hi, lo, n, q);
}

}  // namespace gelu_detail

template <class Arch>
struct Act<Activation::gelu, Arch> {
  using B = vf<Arch>;
  // gelu(x) = x Phi(x) = -w for x < 0 and x - w for x >= 0 (never 1 + erf), where
  // w = a Q(a) = a G(a) e^(-a^2/2), a = |x|, computed as w = scale2(X + X q, n) with
  // X = a G(a) and e^(-a^2/2) = 2^n (1 + q): the Gaussian's exponent is split exactly, the
  // exponential is never rounded on its own, and subnormal results (x < -13.0) come from one
  // final rounding. Roundings: G, X, X + Xq (and the subnormal scaling); x - w adds one with
  // w/(x - w) <= 1. a is clamped to kAMax: there w underflows to 0 (x < 0) or is negligible
  // next to x. gelu(-inf) = -0, gelu(+inf) = +inf, +-0 kept (x - w with w = +0), NaN kept.
  // No lane with |x| > 12.9 (NaN too): gauss_parts<false>, plain scale2 (n >= -120) and no
  // gelu' tail. Typical data takes it, paying one compare and branch instead of the clamp and
  // scale2_tiny's test.
  SIMDENSE_INLINE static bool narrow(B x) { return !xsimd::any(xsimd::abs(x) > B(12.9f)); }
  SIMDENSE_INLINE static B f(B x, B a) { return narrow(x) ? f_parts<false>(x, a) : f_parts<true>(x, a); }
  template <bool kWide>
  SIMDENSE_INLINE static B f_parts(B x, B) {
    B a, n, q;
    gelu_detail::gauss_parts<Arch, kWide>(x, a, n, q);
    const B X = a * gelu_detail::G_of<Arch>(a);
    const B w = scale2_of<Arch, kWide>(fmadd<Arch>(X, q, X), n);
    // y = m - w, m = max(-0, x) (constant first: NaN kept; -0 for x < 0, x itself for x >= 0
    // and for +-0): -w for x < 0 (gelu(-16.9) = -0 - 0 = -0), x - w for x >= 0 (w >= 0, +0 at
    // x = +-0, so a zero x keeps its sign). Two operations instead of a compare, x - w and a
    // masked sign flip.
    return xsimd::max(B(-0.0f), x) - w;
  }
  // gelu'(x) = Phi(x) + x phi(x) = e D for x < 0, 1 - e D for x >= 0, D = G(a) - a phi0,
  // e = e^(-x^2/2) = 2^n (1 + q), phi0 = 1/sqrt(2 pi). Root at x = -0.7518 (D cancels there).
  SIMDENSE_INLINE static B df(B x, B a) {
    B P, n;
    return dparts(x, a, P, n);
  }
  // f'(x) as df, and its x < 0 form as P 2^n (P = D (1 + q)).
  template <bool kWide = true>
  SIMDENSE_INLINE static B dparts(B x, B, B& P, B& n) {
    B a, q;
    gelu_detail::gauss_parts<Arch, kWide>(x, a, n, q);
    const B D = fnmadd<Arch>(a, B(3.989422917e-01f), gelu_detail::G_of<Arch>(a));
    P = fmadd<Arch>(D, q, D);
    const B w = scale2_of<Arch, kWide>(P, n);
    return xsimd::select(x < B(0.0f), w, B(1.0f) - w);
  }
  // dx = dy * gelu'(x); x < -13 (gelu'(x) ~ x phi(x) about to leave float's normal range):
  // act_detail::grad_tail (dy P scaled once), in double only where |dy| > 100 (the float path
  // clamps |x| at kAMax = 14.9, where 100 |gelu'| < 4e-46 still rounds to 0): Phi(x) + x phi(x)
  // with x clamped at -38 (e^(-x^2/2) stays a positive double, so dy = +-inf gives +-inf);
  // gelu'(-inf) = 0 (dy = inf then gives NaN).
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    B P, n;
    if (narrow(x)) return dy * dparts<false>(x, a, P, n);  // no tail lane
    const B fp = dparts(x, a, P, n);
    return act_detail::grad_tail<Arch>(x, dy, a, fp, P, n, -13.0f, 100.0f, [](double v, double g, double) {
      if (v < -1e300) return g * 0.0;
      const double xv = v < -38.0 ? -38.0 : v;
      const double phi = std::exp(-0.5 * xv * xv) * 0.39894228040143268;
      return g * (0.5 * std::erfc(xv * -0.70710678118654752) + xv * phi);
    });
  }
};

template <class Arch>
struct Act<Activation::gelu_tanh, Arch> {
  using B = vf<Arch>;
  // 0.5 x (1 + tanh(u)) = x sigmoid(v), v = 2u = sqrt(8/pi) (x + 0.044715 x^3), with v carried
  // as vh + vl (double-float: the constants and x^2 split exactly), since e^v amplifies an
  // absolute error of v into a relative one (v reaches -87 at x = -10).
  // v = x (K + Kc x^2), K = sqrt(8/pi), Kc = 0.044715 K, each constant as two floats, with
  // m = K + Kc x^2 carried as mh + ml: x^2 = s + sl exactly (FMA residual), mh = Kh + Kc_h s
  // rounded (one FMA; Kc_h s + Kh on SSE2, the product's error pl by Dekker), and its rounding
  // error e1 = Kc_h s + Kh - mh recovered from d = mh - Kh, which is exact: |mh| is in [Kh, 16)
  // (|x| <= 11.5); below 2 Kh by Sterbenz, above it because Kh, a multiple of 2^-20, is a
  // multiple of ulp(mh) like mh, and 0 < d < mh. The small terms (e1, Kc_h sl, Kc_l s, Kl) are
  // summed into ml, then v = x (mh + ml) as vh + vl. (The earlier form added Kh + Kc_h s by a
  // branch-free Fast2Sum: 16 operations against 11.) The caller wants -v(|x|) = -|v|: every
  // constant is negated (each step is exact or rounds symmetrically, so this is exactly the
  // negation of the form with positive constants) and vh + vl = -v(a), a = |xc|. x^2 is taken
  // of xc itself (the same value as a^2), so on narrow vectors (xc = x) it is the product that
  // narrow(x) already formed, not a second one.
  SIMDENSE_INLINE static void neg_v_hl(B xc, B a, B& vh, B& vl) {
    const B kh(-1.595768929e+00f), kl(-1.930778950e-07f);  // |kh| = 1673285 * 2^-20
    const B ch(-7.135481387e-02f), cl(-2.398832466e-09f);
    const B s = xc * xc;
    const B sl = prod_err<Arch>(xc, xc, s);
    B mh, e1;
    if constexpr (kHasFma<Arch>) {
      mh = fmadd<Arch>(ch, s, kh);
      e1 = fmsub<Arch>(ch, s, mh - kh);  // exact difference, one rounding of a tiny value
    } else {
      const B ph = ch * s;
      mh = kh + ph;
      e1 = (ph - (mh - kh)) + prod_err<Arch>(ch, s, ph);  // both differences exact
    }
    const B ml = fmadd<Arch>(ch, sl, fmadd<Arch>(cl, s, e1)) + kl;
    vh = a * mh;
    vl = fmadd<Arch>(a, ml, prod_err<Arch>(a, mh, vh));
  }
  // e^-|v| = 2^n (1 + q) from -|v| = -v(|x|) (v is odd: neg_v_hl of a = |x|, no sign flips),
  // t = 2^max(n, lim) (e = (1 + q) t, rounded, is then e^-|v| or, where 2^n < 2^lim, a value
  // that only enters 1 + e, which rounds to 1 either way).
  // |x| <= 11.5 here: beyond, sigmoid(v) rounds to 1 (v > 126) and x sigmoid(v) and its
  // derivative underflow to 0 (|x e^v| < 1e-46 from x = -10.6; 1e7 |f'| < 3e-46 from -11.5:
  // grad's float limit), and |v| <= 127 keeps n >= -183 (exp_parts' range, n*C1 exact). t is
  // never subnormal (a subnormal operand costs a microcode assist here): AVX-512
  // vscalefps(1, max(n, -100)); elsewhere the exponent field of max(n, -127) (2^-127 encodes as
  // +0), built while the polynomial runs.
  // kWide = false: the caller has checked that no lane has |x| > 9.5 (narrow(x)): no clamp,
  // and n >= -111 (|v| <= 76.3), so t = 2^n needs no max and the final scalings no subnormal
  // path.
  template <bool kWide = true>
  SIMDENSE_INLINE static void parts(B x, B& xc, B& a, B& n, B& q, B& t) {
    xc = kWide ? clamp_nan<Arch>(x, -11.5f, 11.5f) : x;
    a = xsimd::abs(xc);
    B vh, vl;
    neg_v_hl(xc, a, vh, vl);
    exp_parts<Arch>(vh, vl, n, q);
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
      t = scale2<Arch>(B(1.0f), kWide ? xsimd::max(n, B(-100.0f)) : n);
    } else {
      t = as_float<Arch>((xsimd::batch_cast<std::int32_t>(kWide ? xsimd::max(n, B(-127.0f)) : n) + vi<Arch>(127)) << 23);
    }
  }
  // w = |x| sigmoid(-|v|) = 2^n (a + a q) / (1 + e) >= 0 (the scaling last, so a subnormal
  // result is rounded once and no intermediate is subnormal: no pre-scaling branch);
  // y = max(-0, x) - w (constant first: NaN kept): -w = x sigmoid(v) for x < 0, x - w for
  // x >= 0 (w <= x/2: the subtraction at most doubles w's relative error); +-0 give w = +0 and
  // keep their sign. +inf gives +inf, -inf gives -0.
  // No lane with |x| > 9.5 (x^2 <= 90.25; NaN too): parts<false>. Typical data takes it, and
  // pays one compare and branch instead of the clamp and scale2_tiny's test.
  SIMDENSE_INLINE static bool narrow(B x) { return !xsimd::any(x * x > B(90.25f)); }
  SIMDENSE_INLINE static B f(B x, B a) { return narrow(x) ? f_parts<false>(x, a) : f_parts<true>(x, a); }
  template <bool kWide>
  SIMDENSE_INLINE static B f_parts(B x, B) {
    B xc, a, n, q, t;
    parts<kWide>(x, xc, a, n, q, t);
    B w;
    if constexpr (kHasFma<Arch>) {
      // Throughput form (FMA ISAs), spending part of the bound's margin (the compensated form
      // below measured 2 ULP on AVX2, as this one does; bound 4 for x >= -4, 16 overall; SSE2,
      // without FMA, 3): d = 1 + e as one FMA, (1 + t) + q t,
      // and num/d by one division without folding back d's rounding (<= 2^-24 relative). The
      // division ran 1.13x faster on AVX-512 than vrcp14ps and a Newton step on the residual
      // (4 operations); AVX2 took this form from the compensated SigParts in session 9.
      const B d = fmadd<Arch>(t, q, t + B(1.0f));
      const B num = fmadd<Arch>(a, q, a);
      w = scale2_of<Arch, kWide>(num / d, n);
    } else {
      const act_detail::SigParts<Arch> sp(fmadd<Arch>(q, t, t));
      w = scale2_of<Arch, kWide>(sp.quot(fmadd<Arch>(a, q, a)), n);
    }
    return xsimd::max(B(-0.0f), x) - w;
  }
  // d/dx x s(v) = s(v) + x s'(v) v', v' = sqrt(8/pi)(1 + 3*0.044715 x^2), e = e^-|v|:
  // x < 0: e [(1+e) + x v'] / (1+e)^2 (e as 2^n (1 + q), the 2^n applied last);
  // x >= 0: [(1+e) + x v' e] / (1+e)^2. Root at -0.7525.
  SIMDENSE_INLINE static B df(B x, B a) {
    B r, m;
    return dparts(x, a, r, m);
  }
  // f'(x) as df, and as r 2^m (m = n for x < 0, 0 for x >= 0).
  template <bool kWide = true>
  SIMDENSE_INLINE static B dparts(B x, B, B& r, B& m) {
    B xc, a, n, q, t;
    parts<kWide>(x, xc, a, n, q, t);
    const auto neg = xc < B(0.0f);
    const B e = fmadd<Arch>(q, t, t);
    const act_detail::SigParts<Arch> sp(e);
    const B d = sp.d, derr = sp.derr, p = sp.p();
    const B dv =
        B(1.595769167e+00f) * fmadd<Arch>(B(3.0f * 4.471499845e-02f) * xc, xc, B(1.0f));
    const B xdv = xc * dv;
    const B nb = (d + xdv) + derr;
    const B neg_num = fmadd<Arch>(nb, q, nb);
    const B pos_num = fmadd<Arch>(xdv, e, d) + derr;
    r = (xsimd::select(neg, neg_num, pos_num) * p) * p;
    m = xsimd::select(neg, n, B(0.0f));
    return scale2_of<Arch, kWide>(r, m);
  }
  // dx = dy * gelu_tanh'(x); x < -9.5 (f' ~ x v' e^v, below 1e-33 and about to leave float's
  // normal range from x = -10.3): act_detail::grad_tail (dy r scaled once), in double only
  // where |dy| > 1e7 (the float path clamps x at -11.5, where 1e7 |f'| < 3e-46 still rounds
  // to 0)
  // with x clamped at -20 (e^v = e^-603 stays a positive double); f'(-inf) = 0.
  // Narrow vectors (no |x| > 9.5) have no tail lane: dy * f'(x) from dparts<false>.
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    B r, m;
    if (narrow(x)) return dy * dparts<false>(x, a, r, m);
    const B fp = dparts(x, a, r, m);
    return act_detail::grad_tail<Arch>(x, dy, a, fp, r, m, -9.5f, 1e7f, [](double v, double g, double) {
      if (v < -1e300) return g * 0.0;
      const double xv = v < -20.0 ? -20.0 : v;
      const double k = 1.5957691216057308;  // sqrt(8/pi)
      const double e = std::exp(k * (xv + 0.044715 * xv * xv * xv));  // e^v, v < 0
      const double dv = k * (1.0 + 3.0 * 0.044715 * xv * xv);
      return g * (e * ((1.0 + e) + xv * dv) / ((1.0 + e) * (1.0 + e)));
    });
  }
};

template <class Arch>
struct Act<Activation::softplus, Arch> {
  using B = vf<Arch>;
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|) (select, not max, so NaN propagates):
  // <= 2 ULP; softplus(-inf) = 0, softplus(+inf) = +inf.
  // Below e = 2^-24 (|x| > 16.6) log1p(e) rounds to e: those lanes take e itself, and
  // log1p_unit sees max(e, 2^-24), so none of its squares and products of a tiny e is formed
  // (each a subnormal result or underflow: a microcode assist per vector; softplus on N(0, 12)
  // inputs ran 28x slower than on N(0, 3)); e itself is scaled by scale2_tiny.
  SIMDENSE_INLINE static B f(B x, B) {
    if (B t; act_detail::by_table<Arch>(x, act_detail::kSoftplus, t)) return t;
    const B e = kHasFma<Arch> ? act_detail::exp_fast<Arch, true, true>(act_detail::neg_abs_min<Arch>(x, 104.0f))
                              : exp_neg<Arch>(-xsimd::abs(x));
    const B l = xsimd::select(e < B(0x1p-24f), e, act_detail::log1p_unit<Arch>(xsimd::max(B(0x1p-24f), e)));
    return xsimd::select(x > B(0.0f), x, B(0.0f)) + l;  // NaN x: e, l and the sum are NaN
  }
  SIMDENSE_INLINE static B df(B x, B a) { return Act<Activation::sigmoid, Arch>::f(x, a); }
  // dx = dy * sigmoid(x); AVX-512, x in [-9.9, 9.3) (every lane): sigmoid's table (<= 1 ULP
  // before the product). x < -87 (sigmoid(x) about to be subnormal): act_detail::exp_grad_tail.
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    if (B t; act_detail::by_table<Arch>(x, act_detail::kSigmoid, t)) return dy * t;
    B r;
    // The tail lanes x < -87 (taken below) kept from forming subnormals (act_detail::off_input,
    // mul_off); x > 60 clamped on AVX2 and SSE2 (act_detail::below_60).
    const auto keep = act_detail::not_beyond<Arch, false>(x, -act_detail::kRareX);
    const B xt = act_detail::off_input<Arch>(keep, act_detail::below_60<Arch>(x));
    if constexpr (kHasFma<Arch>) {
      r = act_detail::mul_off<Arch>(keep, dy, act_detail::sigmoid_fast<Arch, false, false>(xt, act_detail::kRareX));
    } else {
      r = act_detail::mul_off<Arch>(keep, dy, df(xt, a));
    }
    return act_detail::exp_grad_tail<Arch>(r, x, dy, a, keep, 1.0f, 0.0f, act_detail::TailDy{},
                                           [](double v, double g, double) {
                                             const double e = act_detail::rare_exp_neg<Arch>(v, 1.0);  // v < -87 here
                                             return g * e / (1.0 + e);
                                           });
  }
};

// dy * f'(x): Act<F>::grad(x, dy, alpha) where the activation has one (it keeps dx accurate
// where f'(x) itself would underflow: see act_detail::grad_rare_lanes, and uses the throughput
// forms), else dy * df(x, alpha). Used by the activation and the dense backward kernels.
template <class A, class B, class = void>
struct HasGrad : std::false_type {};
template <class A, class B>
struct HasGrad<A, B, std::void_t<decltype(A::grad(std::declval<B>(), std::declval<B>(), std::declval<B>()))>>
    : std::true_type {};

template <class A, class B>
SIMDENSE_INLINE B act_grad(B x, B dy, B alpha) {
  if constexpr (HasGrad<A, B>::value) {
    return A::grad(x, dy, alpha);
  } else {
    return dy * A::df(x, alpha);
  }
}

// Calls g(Act<F, Arch>{}) for the runtime activation f (one switch per call, not per element).
template <class Arch, class G>
SIMDENSE_INLINE decltype(auto) with_activation(Activation f, G&& g) {
  switch (f) {
    case Activation::identity: return g(Act<Activation::identity, Arch>{});
    case Activation::sigmoid: return g(Act<Activation::sigmoid, Arch>{});
    case Activation::tanh: return g(Act<Activation::tanh, Arch>{});
    case Activation::relu: return g(Act<Activation::relu, Arch>{});
    case Activation::leaky_relu: return g(Act<Activation::leaky_relu, Arch>{});
    case Activation::elu: return g(Act<Activation::elu, Arch>{});
    case Activation::silu: return g(Act<Activation::silu, Arch>{});
    case Activation::gelu: return g(Act<Activation::gelu, Arch>{});
    case Activation::gelu_tanh: return g(Act<Activation::gelu_tanh, Arch>{});
    case Activation::softplus: break;
  }
  return g(Act<Activation::softplus, Arch>{});
}

}  // namespace simdense::SIMDENSE_NS
