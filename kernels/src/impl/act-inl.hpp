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
// softplus for |x| < 19.69 / 9.84 and x in [-10.31, 9.69) (act_detail::by_table, tables of
// 32 degree-6 polynomials). The bound-to-measurement margins this spends are listed in the public header. The fused backward (grad) computes
// dy * f'(x) in double on the rare lanes where f'(x) is near or below float's normal range.
#pragma once

#include <simdense/activations.hpp>

#include "impl/math-inl.hpp"

namespace simdense::detail {
// act_detail::slot_outside's constants (act_constants.cpp).
extern const std::int32_t kSignedSlotBits;
extern const std::int32_t kSlotMax;
}  // namespace simdense::detail

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

// sigmoid'(x), tanh'(x), silu'(x), sigmoid(x), silu(x) and softplus(x) on AVX-512 without exp,
// log or division, for |x| < 19.69 (sigmoid'), |x| < 9.84 (tanh') and x in [-10.31, 9.69)
// (silu', sigmoid, silu, softplus); a vector with a lane beyond takes the exp-based form, and
// its lanes inside the table the table's value again (by_table_or): tables of 32
// degree-6 polynomials in r = x - c on intervals of
// width h = 0.625 (0.3125 for tanh') centered on the grid c = k h, k = round(x / h) read off
// s = fma(x, 1/h, shifter) (the 1.5 * 2^23 shifter rounds; the slot, k + 16 for the signed
// tables, is the low 5 bits of s, which vpermt2ps reads directly). Since c = (s - shifter) h
// is a multiple of 2^-4 within h/2 of x, r = fma(s - shifter, -h, x) is exact: no center
// lookup (one vpermt2ps fewer per vector than the centers picked per interval before session
// 10, which also needed a cvttps; the lookups and the mask compares share port 5).
// x = |x| for sigmoid' = sech^2(a/2)/4 and tanh' = sech^2(a), signed x for the others; silu's
// polynomial around 0 is r (1/2 + r H(r)) with c0 = -0: tiny and subnormal x give x/2
// rounded, silu(-0) = -0. Chebyshev interpolants with float coefficients (interpolation error
// <= 0.15 ULP); c0 = f(c) rounded carries up to 1/2 ULP. Against the correctly rounded value
// over every float of the range (bench/tools/gen_deriv_tables.cpp check): sigmoid', tanh',
// sigmoid, silu, softplus <= 2 ULP (bounds 4, 4, 2, 2, 2; 1 ULP with the per-interval centers);
// silu' <= 5 ULP outside its root's 0.1 window (bound 16) and 3e-9 absolute inside it (bound
// 1e-7). 16 operations per vector and the range test (half of it per vector in by_table2).
// amax: the largest |x| with the interval on both sides (the generator's report; by_table
// tests it for the |x| tables, the slot itself for the signed ones).
// Regenerate: g++ -O2 -std=c++17 bench/tools/gen_deriv_tables.cpp -o /tmp/gen && /tmp/gen
struct PolyTable32 {
  float scale, shifter, step, amax;
  alignas(64) float p[7][32];
};

// kTanhPrime: generated by bench/tools/gen_deriv_tables.cpp (h = 0.3125, slot = low 5 bits of
// fma(x, 3.20000005, 12582912), x = |x|).
inline constexpr PolyTable32 kTanhPrime = {
    3.200000048e+00f, 1.258291200e+07f, 3.125000000e-01f, 9.843749046e+00f,
    {{1.000000000e+00f, 9.083667994e-01f, 6.924191713e-01f, 4.611389935e-01f, 2.804148793e-01f, 1.612654030e-01f, 8.979763836e-02f, 4.910841957e-02f, 2.659222670e-02f, 1.432275400e-02f, 7.692089304e-03f, 4.124662373e-03f, 2.209892264e-03f, 1.183478045e-03f, 6.336444640e-04f, 3.392153885e-04f, 1.815832366e-04f, 9.719860100e-05f, 5.202783723e-05f, 2.784883145e-05f, 1.490650175e-05f, 7.978903341e-06f, 4.270807040e-06f, 2.286000381e-06f, 1.223608479e-06f, 6.549506111e-07f, 3.505698771e-07f, 1.876465490e-07f, 1.004399621e-07f, 5.376163870e-08f, 2.877653138e-08f, 1.540296779e-08f},
     {-3.130849890e-08f, -5.499427319e-01f, -7.680309415e-01f, -6.770181060e-01f, -4.757426977e-01f, -2.953816354e-01f, -1.713420302e-01f, -9.577484429e-02f, -5.247254297e-02f, -2.843962796e-02f, -1.532489620e-02f, -8.232293651e-03f, -4.414898343e-03f, -2.365555149e-03f, -1.266887411e-03f, -6.783157005e-04f, -3.631334985e-04f, -1.943877578e-04f, -1.040529678e-04f, -5.569688801e-05f, -2.981278158e-05f, -1.595774302e-05f, -8.541595889e-06f, -4.571995760e-06f, -2.447215593e-06f, -1.309900881e-06f, -7.011396406e-07f, -3.752930695e-07f, -2.008799100e-07f, -1.075232774e-07f, -5.755306276e-08f, -3.080593558e-08f},
     {-9.999976158e-01f, -6.586573124e-01f, -5.349468812e-02f, 2.843305171e-01f, 3.249322772e-01f, 2.445112169e-01f, 1.554044336e-01f, 9.098193049e-02f, 5.106301233e-02f, 2.803008445e-02f, 1.520667411e-02f, 8.198285475e-03f, 4.405133892e-03f, 2.362754429e-03f, 1.266084379e-03f, 6.780856056e-04f, 3.630675492e-04f, 1.943688549e-04f, 1.040475545e-04f, 5.569533459e-05f, 2.981233592e-05f, 1.595761569e-05f, 8.541559509e-06f, 4.571985301e-06f, 2.447212637e-06f, 1.309899972e-06f, 7.011393564e-07f, 3.752929842e-07f, 2.008798958e-07f, 1.075232703e-07f, 5.755306276e-08f, 3.080593558e-08f},
     {-7.702249422e-05f, 6.323881745e-01f, 5.515912175e-01f, 1.730791181e-01f, -5.034842715e-02f, -1.016545743e-01f, -8.345770091e-02f, -5.444381759e-02f, -3.219108656e-02f, -1.814506389e-02f, -9.980797768e-03f, -5.420255940e-03f, -2.923734486e-03f, -1.571427216e-03f, -8.429802838e-04f, -4.517471534e-04f, -2.419554075e-04f, -1.295531256e-04f, -6.935732381e-05f, -3.712789112e-05f, -1.987415817e-05f, -1.063816489e-05f, -5.694283573e-06f, -3.047954579e-06f, -1.631459440e-06f, -8.732592960e-07f, -4.674225806e-07f, -2.501934375e-07f, -1.339189453e-07f, -7.168166150e-08f, -3.836843376e-08f, -2.053714354e-08f},
     {6.679025292e-01f, 2.275647968e-01f, -2.756846547e-01f, -2.655302584e-01f, -9.597922862e-02f, -1.552743139e-03f, 2.316848747e-02f, 2.127342299e-02f, 1.428659912e-02f, 8.537518792e-03f, 4.834491760e-03f, 2.665054286e-03f, 1.448891708e-03f, 7.819869788e-04f, 4.204213328e-04f, 2.255673026e-04f, 1.208900212e-04f, 6.475148984e-05f, 3.467150600e-05f, 1.856191193e-05f, 9.936503375e-06f, 5.318921922e-06f, 2.847098131e-06f, 1.523966034e-06f, 8.157271623e-07f, 4.366292785e-07f, 2.337113898e-07f, 1.250968467e-07f, 6.695956500e-08f, 3.584088759e-08f, 1.918424886e-08f, 1.026858865e-08f},
     {-1.001042686e-02f, -4.273543358e-01f, -1.448048204e-01f, 9.970488399e-02f, 9.088730812e-02f, 3.315196186e-02f, 3.968769219e-03f, -3.994802479e-03f, -4.305610433e-03f, -2.996878698e-03f, -1.814075164e-03f, -1.033002394e-03f, -5.709766992e-04f, -3.108378151e-04f, -1.678807748e-04f, -9.029128705e-05f, -4.845314106e-05f, -2.597056118e-05f, -1.391120441e-05f, -7.449044006e-06f, -3.988020580e-06f, -2.134872602e-06f, -1.142783503e-06f, -6.117075486e-07f, -3.274290918e-07f, -1.752617749e-07f, -9.381133026e-08f, -5.021371763e-08f, -2.687750467e-08f, -1.438650266e-08f, -7.700543314e-09f, -4.121804675e-09f},
     {-3.430747390e-01f, -2.553976141e-03f, 2.052701265e-01f, 4.538502172e-02f, -3.207290545e-02f, -2.406528965e-02f, -8.370154537e-03f, -1.361100702e-03f, 5.437576328e-04f, 7.234861259e-04f, 5.224610795e-04f, 3.202035150e-04f, 1.832950365e-04f, 1.015650851e-04f, 5.536037133e-05f, 2.991882320e-05f, 1.609665196e-05f, 8.639509360e-06f, 4.631159300e-06f, 2.480819148e-06f, 1.328442295e-06f, 7.112230378e-07f, 3.807358553e-07f, 2.038062803e-07f, 1.090933850e-07f, 5.839455497e-08f, 3.125667547e-08f, 1.673057959e-08f, 8.955259645e-09f, 4.793412334e-09f, 2.565730739e-09f, 1.373337333e-09f}}};
// kSigmoidPrime: generated by bench/tools/gen_deriv_tables.cpp (h = 0.625, slot = low 5 bits of
// fma(x, 1.60000002, 12582912), x = |x|).
inline constexpr PolyTable32 kSigmoidPrime = {
    1.600000024e+00f, 1.258291200e+07f, 6.250000000e-01f, 1.968749809e+01f,
    {{2.500000000e-01f, 2.270916998e-01f, 1.731047928e-01f, 1.152847484e-01f, 7.010371983e-02f, 4.031635076e-02f, 2.244940959e-02f, 1.227710489e-02f, 6.648056675e-03f, 3.580688499e-03f, 1.923022326e-03f, 1.031165593e-03f, 5.524730659e-04f, 2.958695113e-04f, 1.584111160e-04f, 8.480384713e-05f, 4.539580914e-05f, 2.429965025e-05f, 1.300695931e-05f, 6.962207863e-06f, 3.726625437e-06f, 1.994725835e-06f, 1.067701760e-06f, 5.715000952e-07f, 3.059021196e-07f, 1.637376528e-07f, 8.764246928e-08f, 4.691163724e-08f, 2.510999053e-08f, 1.344040967e-08f, 7.194132845e-09f, 3.850741948e-09f},
     {-3.913562363e-09f, -6.874284148e-02f, -9.600386769e-02f, -8.462726325e-02f, -5.946783721e-02f, -3.692270443e-02f, -2.141775377e-02f, -1.197185554e-02f, -6.559067871e-03f, -3.554953495e-03f, -1.915612025e-03f, -1.029036706e-03f, -5.518622929e-04f, -2.956943936e-04f, -1.583609264e-04f, -8.478946256e-05f, -4.539168731e-05f, -2.429846973e-05f, -1.300662097e-05f, -6.962111001e-06f, -3.726597697e-06f, -1.994717877e-06f, -1.067699486e-06f, -5.714994700e-07f, -3.059019491e-07f, -1.637376101e-07f, -8.764245507e-08f, -4.691163369e-08f, -2.510998875e-08f, -1.344040967e-08f, -7.194132845e-09f, -3.850741948e-09f},
     {-6.249985099e-02f, -4.116608202e-02f, -3.343418008e-03f, 1.777065732e-02f, 2.030826733e-02f, 1.528195105e-02f, 9.712777101e-03f, 5.686370656e-03f, 3.191438271e-03f, 1.751880278e-03f, 9.504171321e-04f, 5.123928422e-04f, 2.753208682e-04f, 1.476721518e-04f, 7.913027366e-05f, 4.238035035e-05f, 2.269172182e-05f, 1.214805343e-05f, 6.502972155e-06f, 3.480958412e-06f, 1.863270995e-06f, 9.973509805e-07f, 5.338474693e-07f, 2.857490813e-07f, 1.529507898e-07f, 8.186874823e-08f, 4.382120977e-08f, 2.345581152e-08f, 1.255499349e-08f, 6.720204393e-09f, 3.597066423e-09f, 1.925370974e-09f},
     {-2.406952945e-06f, 1.976213045e-02f, 1.723722555e-02f, 5.408722442e-03f, -1.573388348e-03f, -3.176705446e-03f, -2.608053153e-03f, -1.701369300e-03f, -1.005971455e-03f, -5.670332466e-04f, -3.118999302e-04f, -1.693829981e-04f, -9.136670269e-05f, -4.910710049e-05f, -2.634313387e-05f, -1.411709854e-05f, -7.561106486e-06f, -4.048535175e-06f, -2.167416369e-06f, -1.160246597e-06f, -6.210674428e-07f, -3.324426530e-07f, -1.779463616e-07f, -9.524858058e-08f, -5.098310751e-08f, -2.728935300e-08f, -1.460695565e-08f, -7.818544923e-09f, -4.184967040e-09f, -2.240051922e-09f, -1.199013555e-09f, -6.417857357e-10f},
     {1.043597702e-02f, 3.555699950e-03f, -4.307572730e-03f, -4.148910288e-03f, -1.499675447e-03f, -2.426161154e-05f, 3.620076168e-04f, 3.323972342e-04f, 2.232281113e-04f, 1.333987311e-04f, 7.553893374e-05f, 4.164147322e-05f, 2.263893293e-05f, 1.221854654e-05f, 6.569083325e-06f, 3.524489102e-06f, 1.888906581e-06f, 1.011742029e-06f, 5.417422813e-07f, 2.900298739e-07f, 1.552578652e-07f, 8.310815502e-08f, 4.448590829e-08f, 2.381196929e-08f, 1.274573691e-08f, 6.822332477e-09f, 3.651740466e-09f, 1.954638229e-09f, 1.046243203e-09f, 5.600138686e-10f, 2.997538884e-10f, 1.604466976e-10f},
     {-7.820645988e-05f, -3.338705748e-03f, -1.131287660e-03f, 7.789444062e-04f, 7.100570947e-04f, 2.589997021e-04f, 3.100600952e-05f, -3.120939436e-05f, -3.363758151e-05f, -2.341311483e-05f, -1.417246222e-05f, -8.070331205e-06f, -4.460755463e-06f, -2.428420430e-06f, -1.311568553e-06f, -7.054006801e-07f, -3.785401645e-07f, -2.028950092e-07f, -1.086812844e-07f, -5.819565629e-08f, -3.115641078e-08f, -1.667869221e-08f, -8.927996120e-09f, -4.778965224e-09f, -2.558039780e-09f, -1.369232616e-09f, -7.329010177e-10f, -3.922946690e-10f, -2.099805052e-10f, -1.123945520e-10f, -6.016049464e-11f, -3.220159903e-11f},
     {-1.340135699e-03f, -9.976469300e-06f, 8.018364315e-04f, 1.772852411e-04f, -1.252847869e-04f, -9.400503768e-05f, -3.269591616e-05f, -5.316799616e-06f, 2.124053253e-06f, 2.826117679e-06f, 2.040863592e-06f, 1.250794980e-06f, 7.159962365e-07f, 3.967386135e-07f, 2.162514505e-07f, 1.168704031e-07f, 6.287754672e-08f, 3.374808344e-08f, 1.809046601e-08f, 9.690699798e-09f, 5.189227714e-09f, 2.778214991e-09f, 1.487249435e-09f, 7.961182824e-10f, 4.261460351e-10f, 2.281037303e-10f, 1.220963886e-10f, 6.535382652e-11f, 3.498148299e-11f, 1.872426693e-11f, 1.002238570e-11f, 5.364598956e-12f}}};
// kSiluPrime: generated by bench/tools/gen_deriv_tables.cpp (h = 0.625, slot = low 5 bits of
// fma(x, 1.60000002, 12582928)).
inline constexpr PolyTable32 kSiluPrime = {
    1.600000024e+00f, 1.258292800e+07f, 6.250000000e-01f, 9.687499046e+00f,
    {{-4.085602122e-04f, -7.102250238e-04f, -1.227661036e-03f, -2.107982757e-03f, -3.590769367e-03f, -6.057031918e-03f, -1.009215508e-02f, -1.654777117e-02f, -2.654743195e-02f, -4.128068313e-02f, -6.120792031e-02f, -8.390086889e-02f, -9.940110892e-02f, -8.319466561e-02f, 6.319154985e-03f, 2.067128271e-01f, 5.000000000e-01f, 7.932871580e-01f, 9.936808348e-01f, 1.083194613e+00f, 1.099401116e+00f, 1.083900928e+00f, 1.061207891e+00f, 1.041280627e+00f, 1.026547432e+00f, 1.016547799e+00f, 1.010092139e+00f, 1.006057024e+00f, 1.003590822e+00f, 1.002107978e+00f, 1.001227617e+00f, 1.000710249e+00f},
     {-3.631252330e-04f, -6.252935273e-04f, -1.068835845e-03f, -1.810777932e-03f, -3.034021007e-03f, -5.012296606e-03f, -8.126530796e-03f, -1.283523627e-02f, -1.949922554e-02f, -2.782265842e-02f, -3.541775420e-02f, -3.475075215e-02f, -8.462167345e-03f, 7.189340144e-02f, 2.262047827e-01f, 4.112191200e-01f, 4.999999106e-01f, 4.112191200e-01f, 2.262047827e-01f, 7.189340144e-02f, -8.462167345e-03f, -3.475075215e-02f, -3.541775420e-02f, -2.782265842e-02f, -1.949922554e-02f, -1.283523627e-02f, -8.126530796e-03f, -5.012296606e-03f, -3.034021007e-03f, -1.810777932e-03f, -1.068835845e-03f, -6.252935273e-04f},
     {-1.588296873e-04f, -2.701315680e-04f, -4.548485449e-04f, -7.562945830e-04f, -1.237113029e-03f, -1.979145920e-03f, -3.066689009e-03f, -4.521896597e-03f, -6.118590012e-03f, -6.920087617e-03f, -4.296284635e-03f, 7.627956104e-03f, 3.843108937e-02f, 9.362091869e-02f, 1.481850892e-01f, 1.288430393e-01f, -3.505401184e-19f, -1.288430393e-01f, -1.481850892e-01f, -9.362091869e-02f, -3.843108937e-02f, -7.627956104e-03f, 4.296284635e-03f, 6.920087617e-03f, 6.118590012e-03f, 4.521896597e-03f, 3.066689009e-03f, 1.979145920e-03f, 1.237113029e-03f, 7.562945830e-04f, 4.548485449e-04f, 2.701315680e-04f},
     {-4.535586413e-05f, -7.584146078e-05f, -1.249968627e-04f, -2.021016990e-04f, -3.181606880e-04f, -4.813261621e-04f, -6.821656716e-04f, -8.537407266e-04f, -7.746206829e-04f, 1.383725030e-04f, 3.170392243e-03f, 1.044937037e-02f, 2.314507216e-02f, 3.383435681e-02f, 1.708317921e-02f, -4.253671318e-02f, -8.332346380e-02f, -4.253671318e-02f, 1.708317921e-02f, 3.383435681e-02f, 2.314507216e-02f, 1.044937037e-02f, 3.170392243e-03f, 1.383725030e-04f, -7.746206829e-04f, -8.537407266e-04f, -6.821656716e-04f, -4.813261621e-04f, -3.181606880e-04f, -2.021016990e-04f, -1.249968627e-04f, -7.584146078e-05f},
     {-9.437706467e-06f, -1.539575533e-05f, -2.455063805e-05f, -3.789196126e-05f, -5.558385965e-05f, -7.455677405e-05f, -8.224395424e-05f, -4.157661169e-05f, 1.413254067e-04f, 6.724824198e-04f, 1.902563963e-03f, 4.046742804e-03f, 5.715886597e-03f, 1.017953851e-03f, -1.616224460e-02f, -2.692384645e-02f, -1.994996063e-18f, 2.692384645e-02f, 1.616224460e-02f, -1.017953851e-03f, -5.715886597e-03f, -4.046742804e-03f, -1.902563963e-03f, -6.724824198e-04f, -1.413254067e-04f, 4.157661169e-05f, 8.224395424e-05f, 7.455677405e-05f, 5.558385965e-05f, 3.789196126e-05f, 2.455063805e-05f, 1.539575533e-05f},
     {-1.508187211e-06f, -2.364178954e-06f, -3.557122682e-06f, -5.002242233e-06f, -6.169079825e-06f, -5.304363640e-06f, 2.410494744e-06f, 2.885282629e-05f, 1.000414122e-04f, 2.614454716e-04f, 5.452080513e-04f, 7.645227015e-04f, -4.544170952e-05f, -3.488491988e-03f, -6.448960863e-03f, 2.178478520e-03f, 1.225634851e-02f, 2.178478520e-03f, -6.448960863e-03f, -3.488491988e-03f, -4.544170952e-05f, 7.645227015e-04f, 5.452080513e-04f, 2.614454716e-04f, 1.000414122e-04f, 2.885282629e-05f, 2.410494744e-06f, -5.304363640e-06f, -6.169079825e-06f, -5.002242233e-06f, -3.557122682e-06f, -2.364178954e-06f},
     {-1.869543382e-07f, -2.723395198e-07f, -3.613899651e-07f, -3.891797462e-07f, -1.637359759e-07f, 8.194247698e-07f, 3.783463399e-06f, 1.142074325e-05f, 2.861056237e-05f, 5.960171984e-05f, 8.622265887e-05f, -8.754122973e-06f, -5.148794153e-04f, -1.238312223e-03f, 3.189926501e-04f, 3.892137203e-03f, 4.487400229e-17f, -3.892137203e-03f, -3.189926501e-04f, 1.238312223e-03f, 5.148794153e-04f, 8.754122973e-06f, -8.622265887e-05f, -5.960171984e-05f, -2.861056237e-05f, -1.142074325e-05f, -3.783463399e-06f, -8.194248267e-07f, 1.637359759e-07f, 3.891797178e-07f, 3.613899651e-07f, 2.723395198e-07f}}};
// kSilu: generated by bench/tools/gen_deriv_tables.cpp (h = 0.625, slot = low 5 bits of
// fma(x, 1.60000002, 12582928)).
inline constexpr PolyTable32 kSilu = {
    1.600000024e+00f, 1.258292800e+07f, 6.250000000e-01f, 9.687499046e+00f,
    {{-4.539786896e-04f, -7.951034931e-04f, -1.386316959e-03f, -2.404651605e-03f, -4.145839717e-03f, -7.096588146e-03f, -1.204209123e-02f, -2.021401376e-02f, -3.346425295e-02f, -5.438847095e-02f, -8.616513759e-02f, -1.315241456e-01f, -1.896454543e-01f, -2.493079454e-01f, -2.783751786e-01f, -2.179032117e-01f, -0.000000000e+00f, 4.070968032e-01f, 9.716248512e-01f, 1.625692010e+00f, 2.310354471e+00f, 2.993475914e+00f, 3.663834810e+00f, 4.320611477e+00f, 4.966535568e+00f, 5.604785919e+00f, 6.237957954e+00f, 6.867903233e+00f, 7.495854378e+00f, 8.122595787e+00f, 8.748613358e+00f, 9.374204636e+00f},
     {-4.085602122e-04f, -7.102250238e-04f, -1.227661036e-03f, -2.107982757e-03f, -3.590769367e-03f, -6.057031918e-03f, -1.009215508e-02f, -1.654777117e-02f, -2.654743195e-02f, -4.128068313e-02f, -6.120791659e-02f, -8.390086889e-02f, -9.940111637e-02f, -8.319468051e-02f, 6.319157779e-03f, 2.067128569e-01f, 5.000000000e-01f, 7.932871580e-01f, 9.936808348e-01f, 1.083194733e+00f, 1.099401116e+00f, 1.083900928e+00f, 1.061207891e+00f, 1.041280627e+00f, 1.026547432e+00f, 1.016547799e+00f, 1.010092139e+00f, 1.006057024e+00f, 1.003590822e+00f, 1.002107978e+00f, 1.001227617e+00f, 1.000710249e+00f},
     {-1.815626165e-04f, -3.126467636e-04f, -5.344179226e-04f, -9.053889662e-04f, -1.517010503e-03f, -2.506148303e-03f, -4.063265398e-03f, -6.417618133e-03f, -9.749612771e-03f, -1.391132921e-02f, -1.770887710e-02f, -1.737537421e-02f, -4.231081344e-03f, 3.594670072e-02f, 1.131023839e-01f, 2.056095600e-01f, 2.500000000e-01f, 2.056095600e-01f, 1.131023839e-01f, 3.594670072e-02f, -4.231081344e-03f, -1.737537421e-02f, -1.770887710e-02f, -1.391132921e-02f, -9.749612771e-03f, -6.417618133e-03f, -4.063265398e-03f, -2.506148303e-03f, -1.517010503e-03f, -9.053889662e-04f, -5.344179226e-04f, -3.126467636e-04f},
     {-5.294306902e-05f, -9.004362801e-05f, -1.516158663e-04f, -2.520978742e-04f, -4.123708641e-04f, -6.597159663e-04f, -1.022232929e-03f, -1.507308567e-03f, -2.039554296e-03f, -2.306746785e-03f, -1.432168297e-03f, 2.542659407e-03f, 1.281080116e-02f, 3.120802715e-02f, 4.939475656e-02f, 4.294436425e-02f, 0.000000000e+00f, -4.294436425e-02f, -4.939475656e-02f, -3.120802715e-02f, -1.281080116e-02f, -2.542659407e-03f, 1.432168297e-03f, 2.306746785e-03f, 2.039554296e-03f, 1.507308567e-03f, 1.022232929e-03f, 6.597159663e-04f, 4.123708641e-04f, 2.520978742e-04f, 1.516158663e-04f, 9.004362801e-05f},
     {-1.133897331e-05f, -1.896037247e-05f, -3.124922296e-05f, -5.052542110e-05f, -7.954013563e-05f, -1.203314023e-04f, -1.705410250e-04f, -2.134342067e-04f, -1.936531335e-04f, 3.459621075e-05f, 7.925981190e-04f, 2.612321870e-03f, 5.786201451e-03f, 8.458571509e-03f, 4.271103535e-03f, -1.063408144e-02f, -2.083258890e-02f, -1.063408144e-02f, 4.271103535e-03f, 8.458571509e-03f, 5.786201451e-03f, 2.612321870e-03f, 7.925981190e-04f, 3.459621075e-05f, -1.936531335e-04f, -2.134342067e-04f, -1.705410250e-04f, -1.203314023e-04f, -7.954013563e-05f, -5.052542110e-05f, -3.124922296e-05f, -1.896037247e-05f},
     {-1.891453508e-06f, -3.084850277e-06f, -4.917690148e-06f, -7.586535958e-06f, -1.112019891e-05f, -1.489420629e-05f, -1.636961679e-05f, -8.076328413e-06f, 2.886379298e-05f, 1.357437286e-04f, 3.823171137e-04f, 8.091653581e-04f, 1.132402685e-03f, 1.776774297e-04f, -3.225773340e-03f, -5.303320941e-03f, 8.273401033e-19f, 5.303320941e-03f, 3.225773340e-03f, -1.776774297e-04f, -1.132402685e-03f, -8.091653581e-04f, -3.823171137e-04f, -1.357437286e-04f, -2.886379298e-05f, 8.076328413e-06f, 1.636961679e-05f, 1.489420629e-05f, 1.112019891e-05f, 7.586535958e-06f, 4.917690148e-06f, 3.084850277e-06f},
     {-2.513115760e-07f, -3.939654789e-07f, -5.928008591e-07f, -8.337416375e-07f, -1.028513680e-06f, -8.852302358e-07f, 3.984870034e-07f, 4.800841907e-06f, 1.665688615e-05f, 4.354897101e-05f, 9.086791397e-05f, 1.275904942e-04f, -7.027455922e-06f, -5.812678137e-04f, -1.077359193e-03f, 3.622921649e-04f, 2.057851525e-03f, 3.622921649e-04f, -1.077359193e-03f, -5.812678137e-04f, -7.027455922e-06f, 1.275904942e-04f, 9.086791397e-05f, 4.354897101e-05f, 1.665688615e-05f, 4.800841907e-06f, 3.984870034e-07f, -8.852302358e-07f, -1.028513680e-06f, -8.337416375e-07f, -5.928008591e-07f, -3.939654789e-07f}}};
// kSoftplus: generated by bench/tools/gen_deriv_tables.cpp (h = 0.625, slot = low 5 bits of
// fma(x, 1.60000002, 12582928)).
inline constexpr PolyTable32 kSoftplus = {
    1.600000024e+00f, 1.258292800e+07f, 6.250000000e-01f, 9.687499046e+00f,
    {{4.539889778e-05f, 8.481463738e-05f, 1.584487763e-04f, 2.960009151e-04f, 5.529314512e-04f, 1.032764209e-03f, 1.928593148e-03f, 3.600075142e-03f, 6.715348456e-03f, 1.250957046e-02f, 2.324546501e-02f, 4.299907759e-02f, 7.888973504e-02f, 1.426750571e-01f, 2.519290745e-01f, 4.287006855e-01f, 6.931471825e-01f, 1.053700686e+00f, 1.501929045e+00f, 2.017675161e+00f, 2.578889847e+00f, 3.167999029e+00f, 3.773245573e+00f, 4.387509346e+00f, 5.006715298e+00f, 5.628600121e+00f, 6.251928806e+00f, 6.876032829e+00f, 7.500553131e+00f, 8.125295639e+00f, 8.750158310e+00f, 9.375084877e+00f},
     {4.539786823e-05f, 8.481104305e-05f, 1.584362180e-04f, 2.959571138e-04f, 5.527786561e-04f, 1.032231026e-03f, 1.926734694e-03f, 3.593602683e-03f, 6.692850962e-03f, 1.243165135e-02f, 2.297737077e-02f, 4.208772629e-02f, 7.585817575e-02f, 1.329642385e-01f, 2.227001339e-01f, 3.486451507e-01f, 5.000000000e-01f, 6.513548493e-01f, 7.772998810e-01f, 8.670357466e-01f, 9.241418242e-01f, 9.579122663e-01f, 9.770226479e-01f, 9.875683784e-01f, 9.933071733e-01f, 9.964063764e-01f, 9.980732799e-01f, 9.989677668e-01f, 9.994472265e-01f, 9.997040629e-01f, 9.998415709e-01f, 9.999151826e-01f},
     {2.269790457e-05f, 4.240192357e-05f, 7.920555800e-05f, 1.479347557e-04f, 2.762365330e-04f, 5.155827967e-04f, 9.615111630e-04f, 1.790344366e-03f, 3.324028337e-03f, 6.138552446e-03f, 1.122470479e-02f, 2.015817538e-02f, 3.505185619e-02f, 5.764237419e-02f, 8.655239642e-02f, 1.135458499e-01f, 1.250000000e-01f, 1.135458499e-01f, 8.655239642e-02f, 5.764237419e-02f, 3.505185619e-02f, 2.015817538e-02f, 1.122470479e-02f, 6.138552446e-03f, 3.324028337e-03f, 1.790344366e-03f, 9.615111630e-04f, 5.155827967e-04f, 2.762365330e-04f, 1.479347557e-04f, 7.920555800e-05f, 4.240192357e-05f},
     {7.565227406e-06f, 1.413147766e-05f, 2.639330160e-05f, 4.928205453e-05f, 9.197641339e-05f, 1.715049730e-04f, 3.192666627e-04f, 5.924889119e-04f, 1.093173167e-03f, 1.995304832e-03f, 3.569629975e-03f, 6.153820548e-03f, 9.911406785e-03f, 1.410465408e-02f, 1.600048505e-02f, 1.145666745e-02f, -7.005986523e-18f, -1.145666745e-02f, -1.600048505e-02f, -1.410465408e-02f, -9.911406785e-03f, -6.153820548e-03f, -3.569629975e-03f, -1.995304832e-03f, -1.093173167e-03f, -5.924889119e-04f, -3.192666627e-04f, -1.715049730e-04f, -9.197641339e-05f, -4.928205453e-05f, -2.639330160e-05f, -1.413147766e-05f},
     {1.890966814e-06f, 3.531677066e-06f, 6.594155366e-06f, 1.230594899e-05f, 2.294328988e-05f, 4.269920464e-05f, 7.920110511e-05f, 1.459895720e-04f, 2.659528691e-04f, 4.738650459e-04f, 8.094033110e-04f, 1.273510978e-03f, 1.692375634e-03f, 1.480859821e-03f, -2.787461854e-04f, -3.430505283e-03f, -5.208100658e-03f, -3.430505283e-03f, -2.787461854e-04f, 1.480859821e-03f, 1.692375634e-03f, 1.273510978e-03f, 8.094033110e-04f, 4.738650459e-04f, 2.659528691e-04f, 1.459895720e-04f, 7.920110511e-05f, 4.269920464e-05f, 2.294328988e-05f, 1.230594899e-05f, 6.594155366e-06f, 3.531677066e-06f},
     {3.793756775e-07f, 7.083153264e-07f, 1.321731361e-06f, 2.463825240e-06f, 4.583894224e-06f, 8.497298950e-06f, 1.564442937e-05f, 2.843332004e-05f, 5.041588520e-05f, 8.517728565e-05f, 1.302944147e-04f, 1.579317759e-04f, 7.619309326e-05f, -2.731514396e-04f, -8.579149726e-04f, -9.764666320e-04f, 6.968653215e-17f, 9.764666320e-04f, 8.579149726e-04f, 2.731514396e-04f, -7.619309326e-05f, -1.579317759e-04f, -1.302944147e-04f, -8.517728565e-05f, -5.041588520e-05f, -2.843332004e-05f, -1.564442937e-05f, -8.497298950e-06f, -4.583894224e-06f, -2.463825240e-06f, -1.321731474e-06f, -7.083153264e-07f},
     {6.315548262e-08f, 1.178397042e-07f, 2.196295128e-07f, 4.084958789e-07f, 7.568164051e-07f, 1.391866590e-06f, 2.524193405e-06f, 4.455249382e-06f, 7.447417829e-06f, 1.106367563e-05f, 1.196712492e-05f, -1.095603920e-06f, -5.037140727e-05f, -1.377557783e-04f, -1.411393459e-04f, 1.184924186e-04f, 3.427629126e-04f, 1.184924186e-04f, -1.411393459e-04f, -1.377557783e-04f, -5.037140727e-05f, -1.095603920e-06f, 1.196712492e-05f, 1.106367563e-05f, 7.447417829e-06f, 4.455249382e-06f, 2.524193405e-06f, 1.391866590e-06f, 7.568164051e-07f, 4.084959073e-07f, 2.196295128e-07f, 1.178397042e-07f}}};
// kSigmoid: generated by bench/tools/gen_deriv_tables.cpp (h = 0.625, slot = low 5 bits of
// fma(x, 1.60000002, 12582928)).
inline constexpr PolyTable32 kSigmoid = {
    1.600000024e+00f, 1.258292800e+07f, 6.250000000e-01f, 9.687499046e+00f,
    {{4.539786823e-05f, 8.481104305e-05f, 1.584362180e-04f, 2.959571138e-04f, 5.527786561e-04f, 1.032231026e-03f, 1.926734694e-03f, 3.593602683e-03f, 6.692850962e-03f, 1.243165042e-02f, 2.297737077e-02f, 4.208772629e-02f, 7.585818321e-02f, 1.329642385e-01f, 2.227001339e-01f, 3.486451209e-01f, 5.000000000e-01f, 6.513548493e-01f, 7.772998810e-01f, 8.670357466e-01f, 9.241418242e-01f, 9.579122663e-01f, 9.770226479e-01f, 9.875683784e-01f, 9.933071733e-01f, 9.964063764e-01f, 9.980732799e-01f, 9.989677668e-01f, 9.994472265e-01f, 9.997040629e-01f, 9.998415709e-01f, 9.999151826e-01f},
     {4.539580914e-05f, 8.480384713e-05f, 1.584111160e-04f, 2.958695404e-04f, 5.524730659e-04f, 1.031165593e-03f, 1.923022326e-03f, 3.580688732e-03f, 6.648056675e-03f, 1.227710489e-02f, 2.244940959e-02f, 4.031635076e-02f, 7.010371238e-02f, 1.152847558e-01f, 1.731047928e-01f, 2.270916998e-01f, 2.499999851e-01f, 2.270916998e-01f, 1.731047928e-01f, 1.152847558e-01f, 7.010371238e-02f, 4.031635076e-02f, 2.244940959e-02f, 1.227710489e-02f, 6.648056675e-03f, 3.580688732e-03f, 1.923022326e-03f, 1.031165593e-03f, 5.524730659e-04f, 2.958695404e-04f, 1.584111160e-04f, 8.480384713e-05f},
     {2.269584365e-05f, 4.239473128e-05f, 7.918046322e-05f, 1.478471968e-04f, 2.759311465e-04f, 5.145183532e-04f, 9.578060126e-04f, 1.777476748e-03f, 3.279533936e-03f, 5.985927768e-03f, 1.070887689e-02f, 1.846135221e-02f, 2.973391861e-02f, 4.231362790e-02f, 4.800193384e-02f, 3.437142819e-02f, -1.477276125e-18f, -3.437142819e-02f, -4.800193384e-02f, -4.231362790e-02f, -2.973391861e-02f, -1.846135221e-02f, -1.070887689e-02f, -5.985927768e-03f, -3.279533936e-03f, -1.777476748e-03f, -9.578060126e-04f, -5.145183532e-04f, -2.759311465e-04f, -1.478471968e-04f, -7.918046322e-05f, -4.239473128e-05f},
     {7.563853615e-06f, 1.412668371e-05f, 2.637657417e-05f, 4.922371227e-05f, 9.177300672e-05f, 1.707965566e-04f, 3.168039839e-04f, 5.839577061e-04f, 1.063811011e-03f, 1.895461348e-03f, 3.237620229e-03f, 5.094063934e-03f, 6.769529078e-03f, 5.923401564e-03f, -1.115155756e-03f, -1.372201927e-02f, -2.083209530e-02f, -1.372201927e-02f, -1.115155756e-03f, 5.923401564e-03f, 6.769529078e-03f, 5.094063934e-03f, 3.237620229e-03f, 1.895461348e-03f, 1.063811011e-03f, 5.839577061e-04f, 3.168039839e-04f, 1.707965566e-04f, 9.177300672e-05f, 4.922371227e-05f, 2.637657417e-05f, 1.412668371e-05f},
     {1.890280032e-06f, 3.529280775e-06f, 6.585794836e-06f, 1.227679513e-05f, 2.284171205e-05f, 4.234580774e-05f, 7.797506260e-05f, 1.417583408e-04f, 2.514926309e-04f, 4.253411025e-04f, 6.520095631e-04f, 7.941702497e-04f, 3.933524713e-04f, -1.352130668e-03f, -4.309281241e-03f, -4.940694198e-03f, 3.130433926e-17f, 4.940694198e-03f, 4.309281241e-03f, 1.352130668e-03f, -3.933524713e-04f, -7.941702497e-04f, -6.520095631e-04f, -4.253411025e-04f, -2.514926309e-04f, -1.417583408e-04f, -7.797506260e-05f, -4.234580774e-05f, -2.284171205e-05f, -1.227679513e-05f, -6.585794836e-06f, -3.529280775e-06f},
     {3.790971164e-07f, 7.073434745e-07f, 1.318342015e-06f, 2.452011586e-06f, 4.542769602e-06f, 8.354469173e-06f, 1.515049462e-05f, 2.673888594e-05f, 4.469007035e-05f, 6.636818580e-05f, 7.171731704e-05f, -6.819502232e-06f, -3.025568440e-04f, -8.260721224e-04f, -8.447350119e-04f, 7.109311991e-04f, 2.052792814e-03f, 7.109311991e-04f, -8.447350119e-04f, -8.260721224e-04f, -3.025568440e-04f, -6.819502232e-06f, 7.171731704e-05f, 6.636818580e-05f, 4.469007035e-05f, 2.673888594e-05f, 1.515049462e-05f, 8.354469173e-06f, 4.542769602e-06f, 2.452011586e-06f, 1.318342015e-06f, 7.073434745e-07f},
     {6.306281364e-08f, 1.175164641e-07f, 2.185025778e-07f, 4.045708124e-07f, 7.431708013e-07f, 1.344590942e-06f, 2.361460702e-06f, 3.901850960e-06f, 5.608123956e-06f, 5.211597454e-06f, -5.137206244e-06f, -4.311613156e-05f, -1.183869754e-04f, -1.302334567e-04f, 1.883405203e-04f, 5.577731063e-04f, -2.278616037e-16f, -5.577731063e-04f, -1.883405203e-04f, 1.302334567e-04f, 1.183869754e-04f, 4.311613156e-05f, 5.137206244e-06f, -5.211597454e-06f, -5.608123956e-06f, -3.901850960e-06f, -2.361460702e-06f, -1.344590942e-06f, -7.431708013e-07f, -4.045708124e-07f, -2.185025778e-07f, -1.175164641e-07f}}};
// kGeluG: generated by bench/tools/gen_deriv_tables.cpp (h = 0.46875, slot = low 5 bits of
// fma(x, 2.13333344, 12582912), x = |x|).
inline constexpr PolyTable32 kGeluG = {
    2.133333445e+00f, 1.258291200e+07f, 4.687500000e-01f, 1.476562405e+01f,
    {{5.000000000e-01f, 3.567407131e-01f, 2.704124153e-01f, 2.145634890e-01f, 1.762908995e-01f, 1.488069594e-01f, 1.283018738e-01f, 1.125149727e-01f, 1.000392064e-01f, 8.996211737e-02f, 8.167051524e-02f, 7.473944873e-02f, 6.886634231e-02f, 6.383062154e-02f, 5.946809426e-02f, 5.565424636e-02f, 5.229309574e-02f, 4.930955544e-02f, 4.664408788e-02f, 4.424892738e-02f, 4.208533093e-02f, 4.012155160e-02f, 3.833135590e-02f, 3.669287637e-02f, 3.518773988e-02f, 3.380040824e-02f, 3.251765668e-02f, 3.132815287e-02f, 3.022214398e-02f, 2.919117361e-02f, 2.822789550e-02f, 2.732587978e-02f},
     {-3.989419639e-01f, -2.317201197e-01f, -1.454306394e-01f, -9.721238911e-02f, -6.839686632e-02f, -5.017594993e-02f, -3.809323907e-02f, -2.975253388e-02f, -2.379524149e-02f, -1.941460744e-02f, -1.611174271e-02f, -1.356701460e-02f, -1.156911254e-02f, -9.974423796e-03f, -8.682915941e-03f, -7.623363752e-03f, -6.744051352e-03f, -6.006760988e-03f, -5.382787902e-03f, -4.850267433e-03f, -4.392319359e-03f, -3.995753359e-03f, -3.650153754e-03f, -3.347207559e-03f, -3.080218798e-03f, -2.843748312e-03f, -2.633342519e-03f, -2.445327351e-03f, -2.276650397e-03f, -2.124760067e-03f, -1.987510826e-03f, -1.863086945e-03f},
     {2.499879152e-01f, 1.240570694e-01f, 6.703446060e-02f, 3.892875463e-02f, 2.402304113e-02f, 1.560361683e-02f, 1.058236696e-02f, 7.444702554e-03f, 5.403581541e-03f, 4.028334748e-03f, 3.073355881e-03f, 2.392248716e-03f, 1.895039575e-03f, 1.524495427e-03f, 1.243220875e-03f, 1.026230515e-03f, 8.563590818e-04f, 7.215907099e-04f, 6.134064752e-04f, 5.256223376e-04f, 4.536694905e-04f, 3.941781179e-04f, 3.445731127e-04f, 3.028980573e-04f, 2.676406002e-04f, 2.376177436e-04f, 2.118975390e-04f, 1.897414913e-04f, 1.705544564e-04f, 1.538586657e-04f, 1.392612903e-04f, 1.264494058e-04f},
     {-1.327819824e-01f, -5.785340443e-02f, -2.752770111e-02f, -1.415578835e-02f, -7.784244604e-03f, -4.535018001e-03f, -2.776806010e-03f, -1.774823526e-03f, -1.177342259e-03f, -8.066317532e-04f, -5.684489151e-04f, -4.106296983e-04f, -3.031645028e-04f, -2.281899651e-04f, -1.747367787e-04f, -1.358793379e-04f, -1.071335355e-04f, -8.552912914e-05f, -6.905735790e-05f, -5.633375986e-05f, -4.638750033e-05f, -3.852687223e-05f, -3.225180626e-05f, -2.719587064e-05f, -2.308718467e-05f, -1.972167775e-05f, -1.694452840e-05f, -1.463709668e-05f, -1.270761550e-05f, -1.108448396e-05f, -9.711375242e-06f, -8.543639524e-06f},
     {6.090170518e-02f, 2.446408384e-02f, 1.038697362e-02f, 4.786105361e-03f, 2.369516995e-03f, 1.249182853e-03f, 6.957399892e-04f, 4.065665416e-04f, 2.477967646e-04f, 1.567172876e-04f, 1.023975783e-04f, 6.886213669e-05f, 4.751031156e-05f, 3.353568172e-05f, 2.416017196e-05f, 1.772836549e-05f, 1.322617118e-05f, 1.001654164e-05f, 7.690001439e-06f, 5.977770797e-06f, 4.699996680e-06f, 3.734182883e-06f, 2.995526302e-06f, 2.424429113e-06f, 1.978417231e-06f, 1.626826247e-06f, 1.347249622e-06f, 1.123129550e-06f, 9.421013942e-07f, 7.948406164e-07f, 6.742502592e-07f, 5.748818808e-07f},
     {-2.031670697e-02f, -9.390760213e-03f, -3.602506127e-03f, -1.503995736e-03f, -6.769224419e-04f, -3.256549244e-04f, -1.661736605e-04f, -8.932875062e-05f, -5.028550004e-05f, -2.948789006e-05f, -1.793146475e-05f, -1.126265033e-05f, -7.281585113e-06f, -4.831423212e-06f, -3.281401860e-06f, -2.276116902e-06f, -1.609235483e-06f, -1.157656015e-06f, -8.460772278e-07f, -6.273714348e-07f, -4.714162856e-07f, -3.585819002e-07f, -2.758450250e-07f, -2.144210498e-07f, -1.682928854e-07f, -1.332796273e-07f, -1.064373834e-07f, -8.566732390e-08f, -6.945564479e-08f, -5.669853209e-08f, -4.658286912e-08f, -3.850390584e-08f}}};
// kGeluD: generated by bench/tools/gen_deriv_tables.cpp (h = 0.46875, slot = low 5 bits of
// fma(x, 2.13333344, 12582912), x = |x|).
inline constexpr PolyTable32 kGeluD = {
    2.133333445e+00f, 1.258291200e+07f, 4.687500000e-01f, 1.476562405e+01f,
    {{5.000000000e-01f, 1.697364897e-01f, -1.035959646e-01f, -3.464491069e-01f, -5.717259049e-01f, -7.862139940e-01f, -9.937232733e-01f, -1.196514368e+00f, -1.395994306e+00f, -1.593075633e+00f, -1.788371444e+00f, -1.982306719e+00f, -2.175184011e+00f, -2.367223978e+00f, -2.558590651e+00f, -2.749408722e+00f, -2.939774036e+00f, -3.129761696e+00f, -3.319431305e+00f, -3.508830786e+00f, -3.697998524e+00f, -3.886966467e+00f, -4.075760841e+00f, -4.264403820e+00f, -4.452912807e+00f, -4.641304493e+00f, -4.829591274e+00f, -5.017785072e+00f, -5.205895424e+00f, -5.393930435e+00f, -5.581897736e+00f, -5.769804001e+00f},
     {-7.978842854e-01f, -6.306623816e-01f, -5.443729162e-01f, -4.961546957e-01f, -4.673391879e-01f, -4.491181970e-01f, -4.370355904e-01f, -4.286947846e-01f, -4.227375090e-01f, -4.183568954e-01f, -4.150540233e-01f, -4.125091434e-01f, -4.105114341e-01f, -4.089167416e-01f, -4.076251984e-01f, -4.065656662e-01f, -4.056863785e-01f, -4.049490094e-01f, -4.043250382e-01f, -4.037925601e-01f, -4.033345878e-01f, -4.029380083e-01f, -4.025923908e-01f, -4.022895396e-01f, -4.020224810e-01f, -4.017860293e-01f, -4.015755951e-01f, -4.013876021e-01f, -4.012189507e-01f, -4.010670185e-01f, -4.009297490e-01f, -4.008053541e-01f},
     {2.499880344e-01f, 1.240571365e-01f, 6.703427434e-02f, 3.892887011e-02f, 2.402336150e-02f, 1.560335606e-02f, 1.058227755e-02f, 7.444714662e-03f, 5.403510761e-03f, 4.028368741e-03f, 3.073359607e-03f, 2.392264316e-03f, 1.895041903e-03f, 1.524487976e-03f, 1.243230654e-03f, 1.026236103e-03f, 8.563532610e-04f, 7.215902442e-04f, 6.134025170e-04f, 5.256158183e-04f, 4.536699562e-04f, 3.941762552e-04f, 3.445719485e-04f, 3.028980573e-04f, 2.676406002e-04f, 2.376177436e-04f, 2.118981502e-04f, 1.897414913e-04f, 1.705544564e-04f, 1.538579527e-04f, 1.392623381e-04f, 1.264485909e-04f},
     {-1.327817440e-01f, -5.785340443e-02f, -2.752758190e-02f, -1.415578835e-02f, -7.784244604e-03f, -4.535018001e-03f, -2.776806010e-03f, -1.774823526e-03f, -1.177342259e-03f, -8.066317532e-04f, -5.684498465e-04f, -4.106296983e-04f, -3.031645028e-04f, -2.281899651e-04f, -1.747367787e-04f, -1.358793379e-04f, -1.071335355e-04f, -8.552912914e-05f, -6.905735790e-05f, -5.633375986e-05f, -4.638750033e-05f, -3.852687223e-05f, -3.225180626e-05f, -2.719587064e-05f, -2.308718467e-05f, -1.972167775e-05f, -1.694452840e-05f, -1.463709668e-05f, -1.270761550e-05f, -1.108448396e-05f, -9.711375242e-06f, -8.543639524e-06f},
     {6.090170518e-02f, 2.446408384e-02f, 1.038697362e-02f, 4.786105361e-03f, 2.369516995e-03f, 1.249182853e-03f, 6.957399892e-04f, 4.065665416e-04f, 2.477967646e-04f, 1.567172876e-04f, 1.023975783e-04f, 6.886213669e-05f, 4.751031156e-05f, 3.353568172e-05f, 2.416017196e-05f, 1.772836549e-05f, 1.322617118e-05f, 1.001654164e-05f, 7.690001439e-06f, 5.977770797e-06f, 4.699996680e-06f, 3.734182883e-06f, 2.995526302e-06f, 2.424429113e-06f, 1.978417231e-06f, 1.626826247e-06f, 1.347249622e-06f, 1.123129550e-06f, 9.421013942e-07f, 7.948406164e-07f, 6.742502592e-07f, 5.748818808e-07f},
     {-2.031670697e-02f, -9.390760213e-03f, -3.602506127e-03f, -1.503995736e-03f, -6.769224419e-04f, -3.256549244e-04f, -1.661736605e-04f, -8.932875062e-05f, -5.028550004e-05f, -2.948789006e-05f, -1.793146475e-05f, -1.126265033e-05f, -7.281585113e-06f, -4.831423212e-06f, -3.281401860e-06f, -2.276116902e-06f, -1.609235483e-06f, -1.157656015e-06f, -8.460772278e-07f, -6.273714348e-07f, -4.714162856e-07f, -3.585819002e-07f, -2.758450250e-07f, -2.144210498e-07f, -1.682928854e-07f, -1.332796273e-07f, -1.064373834e-07f, -8.566732390e-08f, -6.945563769e-08f, -5.669852854e-08f, -4.658286201e-08f, -3.850390229e-08f}}};

// kGeluG, kGeluD: gelu's G(a) = Phi(-a) e^(a^2/2) and D(a) = G(a) - a/sqrt(2 pi)
// (gelu_detail::G_of, D_of): degree 5 (p[6] is 0 and not evaluated: table_at<Arch, 5>),
// h = 15/32, a = |x| <= 14.76.

// Slot tests of the signed tables: s's bits XOR the shifter's (kSignedSlotBits) are the slot
// in [0, 31] exactly when x is inside the table; kSlotMax = 31. Both defined in
// act_constants.cpp, out of the compiler's sight: it then broadcasts them from memory (a load)
// instead of rebuilding them in every iteration with mov + vpbroadcastd, a port-5 uop.
template <class Arch>
SIMDENSE_INLINE __mmask16 slot_out_lanes(vi<Arch> bits) {  // the lanes outside the table
  const __m512i u = _mm512_xor_si512(bits, _mm512_set1_epi32(detail::kSignedSlotBits));
  return _mm512_cmpgt_epu32_mask(u, _mm512_set1_epi32(detail::kSlotMax));
}
template <class Arch>
SIMDENSE_INLINE bool slot_outside(vi<Arch> bits) {
  return slot_out_lanes<Arch>(bits) != 0;
}
// The same for two vectors in one test: (a ^ c) | (b ^ c) by one vpternlogd.
template <class Arch>
SIMDENSE_INLINE bool slot_outside2(vi<Arch> a, vi<Arch> b) {
  const __m512i u = _mm512_ternarylogic_epi32(a, b, _mm512_set1_epi32(detail::kSignedSlotBits), 0x7E);
  return _mm512_cmpgt_epu32_mask(u, _mm512_set1_epi32(detail::kSlotMax)) != 0;
}

// s = fma(v, scale, shifter) rounded to nearest whatever the caller's MXCSR says (embedded
// rounding, at no cost): under a directed mode the shifter would round x/h up or down, r would
// reach h instead of h/2, and the polynomials would be extrapolated (tests/test_fpu.cpp saw
// 1.3e5 ULP in a dense tanh step under round-up).
template <class Arch>
SIMDENSE_INLINE vf<Arch> table_s(vf<Arch> v, const PolyTable32& t) {
  return _mm512_fmadd_round_ps(v, _mm512_set1_ps(t.scale), _mm512_set1_ps(t.shifter),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

// The table at v (x or |x|) once s = table_s(v) is formed: r = v - c exactly and the Horner
// evaluation, the coefficients looked up by s's low 5 bits.
// kDeg: the polynomials' degree (6; gelu's G and D tables 5).
template <class Arch, int kDeg = 6>
SIMDENSE_INLINE vf<Arch> table_at(vf<Arch> v, vf<Arch> s, const PolyTable32& t) {
  using B = vf<Arch>;
  static_assert(kDeg == 5 || kDeg == 6, "PolyTable32 holds degree 5 or 6");
  const B r = fnmadd<Arch>(s - B(t.shifter), B(t.step), v);
  if constexpr (kDeg == 5) {
    return lut32_horner<Arch>(as_int<Arch>(s), r, t.p[0], t.p[1], t.p[2], t.p[3], t.p[4], t.p[5]);
  } else {
    return lut32_horner<Arch>(as_int<Arch>(s), r, t.p[0], t.p[1], t.p[2], t.p[3], t.p[4], t.p[5], t.p[6]);
  }
}

// The table at v with no range test (gelu's G and D, whose tables span the clamped |x|).
template <class Arch, int kDeg = 6>
SIMDENSE_INLINE vf<Arch> table_eval(vf<Arch> v, const PolyTable32& t) {
  return table_at<Arch, kDeg>(v, table_s<Arch>(v, t), t);
}

// The table fast path of an activation on AVX-512: y = the table at x (kAbs: at |x|, for the
// even sigmoid' and tanh') and true when every lane is inside the table's range; otherwise
// false: by_table_or runs the exp form for the vector and puts the table's value back into
// the lanes inside. The signed tables (sigmoid, silu, softplus, silu') test the slot
// (slot_outside: NaN and +-inf fail it); the |x| tables compare
// |x| with amax before s is formed (on wide inputs, where most vectors fail the test, the
// index first cost tanh' 7 %); a NaN lane passes there and stays NaN through r.
template <class Arch, bool kAbs = false>
SIMDENSE_INLINE bool by_table(vf<Arch> x, const PolyTable32& t, vf<Arch>& y) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    using B = vf<Arch>;
    const B v = kAbs ? B(xsimd::abs(x)) : x;
    if constexpr (kAbs) {
      if (xsimd::any(v > B(t.amax))) return false;
    }
    const B s = table_s<Arch>(v, t);
    if constexpr (!kAbs) {
      if (slot_outside<Arch>(as_int<Arch>(s))) return false;
    }
    y = table_at<Arch>(v, s, t);
    return true;
  } else {
    return false;
  }
}

// An activation's f (or dy * f') through its table: the table where it covers every lane
// (by_table), else fb(), the exp form, for the vector with the table's value (times dy when
// kScaled) put back into the lanes the table covers. So each output depends on its own input
// only: a lane gets the same bits whether its vector (or the pair of vectors of by_table2) is
// all inside the table or not, and whatever the array's alignment, length and the lane's
// neighbours (tests: "each output depends only on its own input"). Covered = the lanes
// by_table would accept: the signed tables' slot test per lane; for the |x| tables
// |x| <= amax, NaN outside (the exp form keeps it). A vector with lanes on both sides pays the
// exp form and the table. Off AVX-512: fb() alone.
template <class Arch, bool kAbs, bool kScaled, class Fb>
SIMDENSE_INLINE vf<Arch> by_table_or_impl(vf<Arch> x, vf<Arch> dy, const PolyTable32& t, const Fb& fb) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    using B = vf<Arch>;
    if (B y; by_table<Arch, kAbs>(x, t, y)) return kScaled ? B(dy * y) : y;
    const B r = fb();
    const B v = kAbs ? B(xsimd::abs(x)) : x;
    const B s = table_s<Arch>(v, t);
    const __mmask16 in = kAbs ? _mm512_cmp_ps_mask(v, _mm512_set1_ps(t.amax), _CMP_LE_OQ)
                              : __mmask16(~slot_out_lanes<Arch>(as_int<Arch>(s)));
    if (in == 0) return r;
    const B y = table_at<Arch>(v, s, t);
    return _mm512_mask_blend_ps(in, r, kScaled ? B(dy * y) : y);
  } else {
    (void)x, (void)dy, (void)t;
    return fb();
  }
}
// f(x): the table, or fb() (the exp form) with the table's lanes put back.
template <class Arch, bool kAbs = false, class Fb>
SIMDENSE_INLINE vf<Arch> by_table_or(vf<Arch> x, const PolyTable32& t, const Fb& fb) {
  return by_table_or_impl<Arch, kAbs, false>(x, x, t, fb);
}
// dy * f'(x): the same with the table's value times dy.
template <class Arch, bool kAbs = false, class Fb>
SIMDENSE_INLINE vf<Arch> by_table_or_dy(vf<Arch> x, vf<Arch> dy, const PolyTable32& t, const Fb& fb) {
  return by_table_or_impl<Arch, kAbs, true>(x, dy, t, fb);
}

// True if a lane of v0 or of v1 (each >= 0 or NaN) is above lim or NaN: one test for two
// vectors (by_table2's |x| tables; AVX-512). Not max(v0, v1) > lim: vmaxps returns its second
// operand where either is NaN, which hid a lane of v0 beyond the table behind a NaN of v1
// (sigmoid' of -3.4e38 came out -inf). The unsigned maximum of the bits instead (a NaN is
// above every number there) and one unordered compare.
template <class Arch>
SIMDENSE_INLINE bool any_above2(vf<Arch> v0, vf<Arch> v1, float lim) {
  static_assert(std::is_base_of_v<xsimd::avx512f, Arch>, "any_above2 needs AVX-512");
  const __m512 m = _mm512_castsi512_ps(_mm512_max_epu32(_mm512_castps_si512(v0), _mm512_castps_si512(v1)));
  return _mm512_cmp_ps_mask(m, _mm512_set1_ps(lim), _CMP_NLE_UQ) != 0;
}

// by_table for two vectors at once: one range test for both, and both evaluations in one
// basic block, so that the compiler interleaves them (the streaming loops' pairs, act_f2).
// false: the caller evaluates each vector on its own (A::f / act_grad: by_table_or).
template <class Arch, bool kAbs = false>
SIMDENSE_INLINE bool by_table2(vf<Arch> x0, vf<Arch> x1, const PolyTable32& t, vf<Arch>& y0, vf<Arch>& y1) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    using B = vf<Arch>;
    const B v0 = kAbs ? B(xsimd::abs(x0)) : x0, v1 = kAbs ? B(xsimd::abs(x1)) : x1;
    if constexpr (kAbs) {
      if (any_above2<Arch>(v0, v1, t.amax)) return false;  // NaN fails here (by_table then passes it)
    }
    const B s0 = table_s<Arch>(v0, t), s1 = table_s<Arch>(v1, t);
    if constexpr (!kAbs) {
      if (slot_outside2<Arch>(as_int<Arch>(s0), as_int<Arch>(s1))) return false;
    }
    y0 = table_at<Arch>(v0, s0, t);
    y1 = table_at<Arch>(v1, s1, t);
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
  static constexpr const act_detail::PolyTable32* kFwdTable = &act_detail::kSigmoid;  // act_f2
  SIMDENSE_INLINE static B f(B x, B a) {
    // AVX-512, x in [-10.31, 9.69) (every lane): the table, <= 2 ULP, 16 operations and the test.
    return act_detail::by_table_or<Arch>(x, *kFwdTable, [&]() SIMDENSE_LAMBDA_INLINE { return f_exp(x, a); });
  }
  // f by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B f_exp(B x, B) {
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
  static constexpr const act_detail::PolyTable32* kGradTable = &act_detail::kSigmoidPrime;  // at |x|
  static constexpr bool kGradTableAbs = true;
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    return act_detail::by_table_or_dy<Arch, kGradTableAbs>(x, dy, *kGradTable,
                                                          [&]() SIMDENSE_LAMBDA_INLINE { return grad_exp(x, dy, a); });
  }
  // grad by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B grad_exp(B x, B dy, B a) {
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
  static constexpr const act_detail::PolyTable32* kGradTable = &act_detail::kTanhPrime;  // at |x|
  static constexpr bool kGradTableAbs = true;
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    return act_detail::by_table_or_dy<Arch, kGradTableAbs>(x, dy, *kGradTable,
                                                          [&]() SIMDENSE_LAMBDA_INLINE { return grad_exp(x, dy, a); });
  }
  // grad by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B grad_exp(B x, B dy, B a) {
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
  static constexpr const act_detail::PolyTable32* kFwdTable = &act_detail::kSilu;  // act_f2
  SIMDENSE_INLINE static B f(B x, B a) {
    return act_detail::by_table_or<Arch>(x, *kFwdTable, [&]() SIMDENSE_LAMBDA_INLINE { return f_exp(x, a); });
  }
  // f by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B f_exp(B x, B) {
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
  static constexpr const act_detail::PolyTable32* kGradTable = &act_detail::kSiluPrime;
  static constexpr bool kGradTableAbs = false;
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    return act_detail::by_table_or_dy<Arch, kGradTableAbs>(x, dy, *kGradTable,
                                                          [&]() SIMDENSE_LAMBDA_INLINE { return grad_exp(x, dy, a); });
  }
  // grad by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B grad_exp(B x, B dy, B a) {
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
// AVX-512 tables (kGeluG, kGeluD) end at 14.7656 (slot 31; slot 32 would wrap to 0).
constexpr float kAMax = 14.76f;

// G(a) = Q(a) e^(a^2/2), Q(a) = Phi(-a), for a in [0, kAMax] (NaN propagates).
// AVX-512: act_detail::kGeluG, 32 intervals of width h = 15/32 centered on the grid k h,
// k = round(a / h) from act_detail::table_s, a degree-5 polynomial in r = a - k h (exact) on
// each, fitted for relative error (G multiplies the result): <= 2 ULP and 3.0 * 2^-24
// relative against G (bench/tools/gen_deriv_tables.cpp; gelu measured 3 ULP over every float
// of [-15, 15], as before). Session 12: this replaced intervals [k h, (k + 1) h) with
// r = (a - k h) - h/2 (one operation more) and coefficients no generator in the tree produced.
// The grid's last center, 31 h = 14.53, sets kAMax.
template <class Arch>
SIMDENSE_INLINE vf<Arch> G_of(vf<Arch> a) {
  using B = vf<Arch>;
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return act_detail::table_eval<Arch, 5>(a, act_detail::kGeluG);
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

// D(a) = G(a) - a phi0, phi0 = 1/sqrt(2 pi) (gelu'(x) = e^(-x^2/2) D(|x|) for x < 0), root at
// a = 0.7518. AVX-512: its own table act_detail::kGeluD on kGeluG's grid (<= 5 ULP against D
// outside 0.1 of the root, 6.8e-8 absolute within), one FMA fewer than G(a) - a phi0 and more
// accurate: gelu' measured 4 ULP over every float outside the root's window (5.5e-8 absolute
// inside; the earlier G table and FMA: 7 ULP, 2.7e-8). From kGeluG by the FMA it measured 11
// ULP: D's root magnifies G's error near a = 0.65 four times. Elsewhere G(a) - a phi0.
template <class Arch>
SIMDENSE_INLINE vf<Arch> D_of(vf<Arch> a) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return act_detail::table_eval<Arch, 5>(a, act_detail::kGeluD);
  } else {
    return fnmadd<Arch>(a, vf<Arch>(3.989422917e-01f), G_of<Arch>(a));
  }
}

// a = min(|x|, kAMax) (NaN kept), e^(-a^2/2) = 2^n (1 + q) with -a^2/2 = m a, m = -a/2 (exact),
// taken exactly (exp_parts_prod). kWide = false: the caller has checked that no lane has
// |x| > 12.9 (Act<gelu>::narrow): no clamp, and n >= -120, so the final scalings need no
// subnormal path.
template <class Arch, bool kWide = true>
SIMDENSE_INLINE void gauss_parts(vf<Arch> x, vf<Arch>& a, vf<Arch>& n, vf<Arch>& q) {
  using B = vf<Arch>;
  a = kWide ? xsimd::min(B(kAMax), xsimd::abs(x)) : xsimd::abs(x);  // constant first: NaN kept
  exp_parts_prod<Arch>(a * B(-0.5f), a, B(0.0f), n, q);
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
    const B D = gelu_detail::D_of<Arch>(a);
    P = fmadd<Arch>(D, q, D);
    const B w = scale2_of<Arch, kWide>(P, n);
    return xsimd::select(x < B(0.0f), w, B(1.0f) - w);
  }
  // dx = dy * gelu'(x); x < -13 (gelu'(x) ~ x phi(x) about to leave float's normal range):
  // act_detail::grad_tail (dy P scaled once), in double only where |dy| > 20 (the float path
  // clamps |x| at kAMax = 14.76, where |gelu'| = 2.89e-47 and 20 |gelu'| < 5.8e-46 still rounds
  // to 0; 24.2 would not): Phi(x) + x phi(x) with x clamped at -38 (e^(-x^2/2) stays a positive
  // double, so dy = +-inf gives +-inf); gelu'(-inf) = 0 (dy = inf then gives NaN).
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    B P, n;
    if (narrow(x)) return dy * dparts<false>(x, a, P, n);  // no tail lane
    const B fp = dparts(x, a, P, n);
    return act_detail::grad_tail<Arch>(x, dy, a, fp, P, n, -13.0f, 20.0f, [](double v, double g, double) {
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
  // as x (mh + ml) (double-float: the constants and x^2 split exactly, the product taken exactly
  // by the exponential's reduction), since e^v amplifies an absolute error of v into a relative
  // one (v reaches -87 at x = -10).
  // v = x (K + Kc x^2), K = sqrt(8/pi), Kc = 0.044715 K, each constant as two floats, with
  // m = K + Kc x^2 carried as mh + ml: x^2 = s + sl exactly (FMA residual), mh = Kh + Kc_h s
  // rounded (one FMA; Kc_h s + Kh on SSE2, the product's error pl by Dekker), and its rounding
  // error e1 = Kc_h s + Kh - mh recovered from d = mh - Kh, which is exact: |mh| is in [Kh, 16)
  // (|x| <= 11.5); below 2 Kh by Sterbenz, above it because Kh, a multiple of 2^-20, is a
  // multiple of ulp(mh) like mh, and 0 < d < mh. The small terms (e1, Kc_h sl, Kc_l s, Kl) are
  // summed into ml; v = x (mh + ml), whose product the caller's reduction takes exactly
  // (exp_parts_prod: a mh with its error, plus a ml). (The earlier form added Kh + Kc_h s by a
  // branch-free Fast2Sum: 16 operations against 11.) The caller wants -v(|x|) = -|v|: every
  // constant is negated (each step is exact or rounds symmetrically, so this is exactly the
  // negation of the form with positive constants) and a (mh + ml) = -v(a), a = |xc|. x^2 is
  // taken of xc itself (the same value as a^2), so on narrow vectors (xc = x) it is the product
  // that narrow(x) already formed, not a second one.
  SIMDENSE_INLINE static void neg_m_hl(B xc, B& mh, B& ml) {
    const B kh(-1.595768929e+00f), kl(-1.930778950e-07f);  // |kh| = 1673285 * 2^-20
    const B ch(-7.135481387e-02f), cl(-2.398832466e-09f);
    const B s = xc * xc;
    const B sl = prod_err<Arch>(xc, xc, s);
    B e1;
    if constexpr (kHasFma<Arch>) {
      mh = fmadd<Arch>(ch, s, kh);
      e1 = fmsub<Arch>(ch, s, mh - kh);  // exact difference, one rounding of a tiny value
    } else {
      const B ph = ch * s;
      mh = kh + ph;
      e1 = (ph - (mh - kh)) + prod_err<Arch>(ch, s, ph);  // both differences exact
    }
    ml = fmadd<Arch>(ch, sl, fmadd<Arch>(cl, s, e1)) + kl;
  }
  // e^-|v| = 2^n (1 + q) from -|v| = -v(|x|) (v is odd: a (mh + ml) by neg_m_hl, no sign flips),
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
    B mh, ml;
    neg_m_hl(xc, mh, ml);
    exp_parts_prod<Arch, true>(a, mh, ml, n, q);
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
  static constexpr const act_detail::PolyTable32* kFwdTable = &act_detail::kSoftplus;  // act_f2
  SIMDENSE_INLINE static B f(B x, B a) {
    return act_detail::by_table_or<Arch>(x, *kFwdTable, [&]() SIMDENSE_LAMBDA_INLINE { return f_exp(x, a); });
  }
  // f by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B f_exp(B x, B) {
    const B e = kHasFma<Arch> ? act_detail::exp_fast<Arch, true, true>(act_detail::neg_abs_min<Arch>(x, 104.0f))
                              : exp_neg<Arch>(-xsimd::abs(x));
    const B l = xsimd::select(e < B(0x1p-24f), e, act_detail::log1p_unit<Arch>(xsimd::max(B(0x1p-24f), e)));
    return xsimd::select(x > B(0.0f), x, B(0.0f)) + l;  // NaN x: e, l and the sum are NaN
  }
  SIMDENSE_INLINE static B df(B x, B a) { return Act<Activation::sigmoid, Arch>::f(x, a); }
  // dx = dy * sigmoid(x); AVX-512, x in [-10.31, 9.69) (every lane): sigmoid's table (<= 2 ULP
  // before the product). x < -87 (sigmoid(x) about to be subnormal): act_detail::exp_grad_tail.
  static constexpr const act_detail::PolyTable32* kGradTable = &act_detail::kSigmoid;  // softplus' = sigmoid
  static constexpr bool kGradTableAbs = false;
  SIMDENSE_INLINE static B grad(B x, B dy, B a) {
    return act_detail::by_table_or_dy<Arch, kGradTableAbs>(x, dy, *kGradTable,
                                                          [&]() SIMDENSE_LAMBDA_INLINE { return grad_exp(x, dy, a); });
  }
  // grad by its exp form (a lane outside the table; every vector off AVX-512).
  SIMDENSE_INLINE static B grad_exp(B x, B dy, B a) {
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

// f for two vectors (the streaming loops' pairs): where the activation has a forward table
// (A::kFwdTable, AVX-512: sigmoid, silu, softplus), one range test for both vectors and both
// table evaluations in one block (act_detail::by_table2); otherwise, and when a lane is
// outside the table, A::f on each.
// (A bool trait and A::kFwdTable at the use, not a pointer trait compared with nullptr: GCC's
// -fsanitize=undefined makes that comparison a non-constant expression.)
template <class A, class = void>
struct HasFwdTable : std::false_type {};
template <class A>
struct HasFwdTable<A, std::void_t<decltype(A::kFwdTable)>> : std::true_type {};

template <class A, class B>
SIMDENSE_INLINE void act_f2(B x0, B x1, B alpha, B& y0, B& y1) {
  if constexpr (HasFwdTable<A>::value) {
    if (act_detail::by_table2<typename B::arch_type>(x0, x1, *A::kFwdTable, y0, y1)) return;
  }
  y0 = A::f(x0, alpha);
  y1 = A::f(x1, alpha);
}

// dy * f'(x) for two vectors, as act_f2: where the activation's backward pass starts with a
// table (A::kGradTable, at |x| when A::kGradTableAbs: sigmoid', tanh', silu', softplus'), one
// range test for both vectors; otherwise act_grad on each. (The same pairing of gelu's and
// gelu_tanh's narrow tests measured 0.99-1.01x: those kernels are long enough to hide it.)
template <class A, class = void>
struct HasGradTable : std::false_type {};
template <class A>
struct HasGradTable<A, std::void_t<decltype(A::kGradTable)>> : std::true_type {};

template <class A, class B>
SIMDENSE_INLINE void act_grad2(B x0, B x1, B dy0, B dy1, B alpha, B& dx0, B& dx1) {
  if constexpr (HasGradTable<A>::value) {
    B t0, t1;
    if (act_detail::by_table2<typename B::arch_type, A::kGradTableAbs>(x0, x1, *A::kGradTable, t0, t1)) {
      dx0 = dy0 * t0;
      dx1 = dy1 * t1;
      return;
    }
  }
  dx0 = act_grad<A>(x0, dy0, alpha);
  dx1 = act_grad<A>(x1, dy1, alpha);
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
