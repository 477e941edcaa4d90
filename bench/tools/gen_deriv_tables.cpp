// Generator of the AVX-512 polynomial tables act_detail::kTanhPrime, kSigmoidPrime, kSiluPrime,
// kSilu, kSoftplus, kSigmoid and kGeluG (kernels/src/impl/act-inl.hpp), each 32 polynomials of
// degree 6 (kGeluG: 5) on intervals of width ~w, interval k = cvttps(fma(x, scale, offset)) (the
// kernel's exact float computation; since session 10 k = round(x / h), see main's specs):
//   tanh'(a)    = sech^2(a)                   a = |x| in [0, 32 w], w = 0.3, offset 0
//   sigmoid'(a) = sech^2(a / 2) / 4           a = |x| in [0, 32 w], w = 0.6, offset 0
//   silu'(x)    = s (1 + x (1 - s)), s = sigmoid(x), x in [-16 w, 16 w), w = 0.6, offset 16
//   silu(x)     = x sigmoid(x)         x in [-15.5 w, 15.5 w), w = 0.6, offset 16.5
//   softplus(x) = log(1 + e^x)         x in [-15.5 w, 15.5 w), w = 0.6, offset 16.5
//   sigmoid(x)  = 1/(1 + e^-x)         x in [-15.5 w, 15.5 w), w = 0.6, offset 16.5
//   G(a)        = Phi(-a) e^(a^2/2)     a = |x| in [0, 31.5 h), h = 15/32 (gelu; refine())
//   D(a)        = G(a) - a/sqrt(2 pi)   a = |x| in [0, 31.5 h), h = 15/32 (gelu'; refine())
// (offset 16.5: 0 is the middle of interval 16, center 0, where silu = r (1/2 + r H(r)) with
// c0 = -0 and c1 = 1/2 exact; an interval ending at 0 left H's fit 1.7 ULP short at its far end)
//
//   g++ -O2 -std=c++17 bench/tools/gen_deriv_tables.cpp -o /tmp/gen_deriv && /tmp/gen_deriv
//   /tmp/gen_deriv check     # every float of each table's range (a few minutes)
//
// The floats of interval k are read off the index computation itself (binary search over the
// ordered bit patterns). On interval k, f = sum c_i r^i with r = a - C_k: C_k is a multiple of
// 2^-20 within w/8 of the middle whose f(C_k) is within 1/32 ULP of a float (c0 = f(C_k)
// rounded then carries almost no error), the best of the 40 nearest the middle on 257 samples;
// 0 for the intervals starting at or around 0 (a - C_k is exact where both are multiples of
// 2^-20 or finer and within a factor 2 of each other; elsewhere, near 0 in the signed tables, r
// rounds by <= 2^-26 against values near 1/2).
// Coefficients: c0 first, then Chebyshev interpolation in long double at the interval's nodes,
// rounded to float from the highest degree down, the lower ones refitted after each rounding. Evaluation
// as in the kernel: Horner by FMAs. Degree 6: the functions decay at most like e^-|x| (sech^2:
// e^-2a), so an interval spans a factor <= e^0.6, and the poles nearest the real axis (sech^2:
// +-i pi/2) are far enough: interpolation error <= 0.1 ULP; degree 5 measured up to 7 ULP after
// the roundings. Lanes outside the range take the exp-based path in the kernel.
// silu' has a root at -1.2785: within 0.1 of it the error is absolute (bound 1e-7).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "table_fit.hpp"

namespace {

constexpr int kN = 32;
#ifndef TABLE_DEG
#define TABLE_DEG 6
#endif
constexpr int kDeg = TABLE_DEG;  // polynomial degree

using namespace table_fit;

enum class Fn { sech2, silu_prime, silu, softplus, sigmoid, gelu_g, gelu_d };

struct Spec {
  const char* name;
  float h;       // interval width and grid step: centers k h, exact (a multiple of 2^-4)
  bool is_signed;  // slots k + 16 for k in [-16, 15] (x signed); else k in [0, 31] (x = |x|)
  Fn fn;
  LD s, K;       // sech2: f(a) = K sech^2(s a)
  int deg = kDeg;  // polynomial degree (<= kDeg; the rows above it are not printed)
  bool refine = false;  // coefficients refined by a descent on their last bits (refine())
};

constexpr LD kPhi0 = 0.398942280401432677939946059934L;  // 1/sqrt(2 pi)

// G(a) = Phi(-a) e^(a^2/2) (gelu's factor; a >= 0, up to 16 here: erfc(11.3) ~ 1e-57 and
// e^128 are far inside long double's range).
LD gelu_g(LD a) { return std::erfc(a / std::sqrt(2.0L)) / 2 * std::exp(a * a / 2); }

LD f_of(const Spec& sp, LD x) {
  if (sp.fn == Fn::sech2) {
    const LD c = std::cosh(sp.s * x);
    return sp.K / (c * c);
  }
  if (sp.fn == Fn::silu) return x / (1 + std::exp(-x));
  if (sp.fn == Fn::sigmoid) return 1 / (1 + std::exp(-x));
  if (sp.fn == Fn::softplus) return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  if (sp.fn == Fn::gelu_g) return gelu_g(x);
  if (sp.fn == Fn::gelu_d) return gelu_g(x) - x * kPhi0;
  const LD sg = 1 / (1 + std::exp(-x));
  return sg * (1 + x * (1 - sg));
}

constexpr LD kSiluRoot = -1.27846454276107379510935873902L;
constexpr LD kGeluRoot = 0.751791524693564457457904947L;  // D(a) = 0, gelu'(-a) = 0

// The root whose 0.1 window is checked in absolute error (silu', gelu's D), else NaN.
LD root_of(const Spec& sp) {
  return sp.fn == Fn::silu_prime ? kSiluRoot : sp.fn == Fn::gelu_d ? kGeluRoot : NAN;
}

// The kernel's shifter: 1.5 * 2^23 (+ 16 for the signed tables), so that fma(x, S, shifter)
// rounds x S to an integer k and its low 5 bits are the slot (k + 16 or k).
float shifter_of(const Spec& sp) { return sp.is_signed ? 0x1.8p23f + 16.0f : 0x1.8p23f; }

// The slot of x (the kernel's exact float computation): k = fma(x, S, shifter) - shifter,
// plus 16 for the signed tables; in [0, 31] on the table's range.
int index_of(const Spec& sp, float S, float x) {
  const float sh = shifter_of(sp);
  return static_cast<int>(std::fmaf(x, S, sh) - sh) + (sp.is_signed ? 16 : 0);
}

// Ordered integer of a float (monotone over all non-NaN floats) and back.
std::int64_t ord(float f) {
  const std::uint32_t b = f_to_bits(f);
  return (b >> 31) ? -static_cast<std::int64_t>(b & 0x7fffffffu) : static_cast<std::int64_t>(b);
}
float from_ord(std::int64_t o) {
  return o < 0 ? bits_to_f(static_cast<std::uint32_t>(-o) | 0x80000000u) : bits_to_f(static_cast<std::uint32_t>(o));
}

// Smallest float x of the table's domain with index_of(x) >= k.
float first_with_index(const Spec& sp, float S, int k) {
  std::int64_t lo = ord(sp.is_signed ? -100.0f : 0.0f), hi = ord(1000.0f);
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (index_of(sp, S, from_ord(mid)) >= k) hi = mid; else lo = mid + 1;
  }
  return from_ord(lo);
}

using Interval = table_fit::Piece<kDeg>;
float eval(const Interval& iv, float a) { return iv.eval(a); }

// Coefficients for center cf: c0 = f(cf) rounded (the centers are chosen so that this is nearly
// exact), then c_kDeg..c_1 rounded from the top, each after a Chebyshev refit of the residual.
// zero_c0 (silu's interval around 0, center 0): c0 = -0 and f(r) = r g(r), g = f(r)/r fitted,
// so tiny x keep full relative accuracy.
void fit_at(const Spec& sp, Interval& iv, float cf, bool zero_c0) {
  iv.c = cf;
  const LD c = cf, rlo = static_cast<LD>(iv.lo) - c, rhi = static_cast<LD>(iv.hi) - c;
  const int deg = sp.deg;
  std::vector<float> fixed(kDeg + 1, 0.0f);
  if (zero_c0) {
    // silu(r) = r g(r), g = sigmoid: c0 = 0, c1 = g(0) = 1/2 exactly, and (g(r) - 1/2) / r
    // fitted for c2.., so p -> 1/2 exactly as r -> 0 (tiny and subnormal x: silu = x/2 rounded).
    fixed[0] = -0.0f;  // fma(p, r, -0) keeps the sign of a zero r: silu(-0) = -0
    fixed[1] = 0.5f;
    // (sigmoid(r) - 1/2) / r = tanh(r/2) / (2r): no cancellation at the tiny r of a node near 0.
    auto h = [](LD r) { return r == 0 ? 0.25L : std::tanh(r / 2) / (2 * r); };
    for (int j = deg; j >= 2; --j) {
      auto target = [&](LD r) {
        LD s = h(r);
        for (int i = j + 1; i <= deg; ++i) s -= static_cast<LD>(fixed[i]) * std::pow(r, i - 2);
        return s;
      };
      fixed[j] = static_cast<float>(cheb_fit(target, rlo, rhi, j - 2)[j - 2]);
    }
  } else {
    fixed[0] = static_cast<float>(f_of(sp, c));
    for (int j = deg; j >= 1; --j) {
      auto target = [&](LD r) {
        LD s = f_of(sp, c + r) - static_cast<LD>(fixed[0]);
        for (int i = j + 1; i <= deg; ++i) s -= static_cast<LD>(fixed[i]) * std::pow(r, i);
        return s;
      };
      fixed[j] = static_cast<float>(cheb_fit(target, rlo, rhi, j)[j]);
    }
  }
  for (int j = 0; j <= kDeg; ++j) iv.coef[j] = fixed[j];
}

// Largest error of iv on 1025 evenly spaced samples and the interval's ends, relative (in units
// of 2^-24: gelu's G and D are factors of the kernel's result, whose ULP is what counts, so an
// error of 1 ULP of G just above a power of 2 is worth 2 at the result's top of binade), and
// within the root's 0.1 window the absolute error in units of 1.5e-8.
LD sampled_error(const Spec& sp, const Interval& iv) {
  LD worst = 0;
  for (int i = 0; i <= 1024; ++i) {
    const LD span = static_cast<LD>(iv.hi) - iv.lo;
    const float a = i == 1024 ? iv.hi : static_cast<float>(iv.lo + span * i / 1024);
    const LD t = f_of(sp, a), e = std::fabs(static_cast<LD>(iv.eval(a)) - t);
    const bool in_window = std::fabs(a - root_of(sp)) < 0.1L;  // false for NaN: no root
    worst = std::max(worst, in_window ? e / 1.5e-8L : e / (std::fabs(t) * 0x1p-24L));
  }
  return worst;
}

// Spec::refine (gelu's G and D, degree 5): the float coefficients moved by +-1, 2, 4 ... 64
// units in their last place, one at a time, while that lowers sampled_error (a discrete
// descent toward the minimax polynomial; c0 too). Sampled, not every float: `check` measures
// the result over every float of the range.
void refine(const Spec& sp, Interval& iv) {
  LD best = sampled_error(sp, iv);
  for (bool moved = true; moved;) {
    moved = false;
    for (int j = 0; j <= sp.deg; ++j) {
      for (int step = 1; step <= 64; step *= 2) {
        for (int sgn : {-1, 1}) {
          Interval t = iv;
          t.coef[j] = from_ord(ord(iv.coef[j]) + sgn * step);
          const LD e = sampled_error(sp, t);
          if (e < best) { best = e; iv = t; moved = true; }
        }
      }
    }
  }
}

// Interval (slot) k: its floats from the index computation, center the grid point
// (k - 16) h or k h, so that the kernel forms r = x - center exactly by one FMA with no
// lookup. silu's interval around 0 (center 0) is fitted as r g(r) (zero_c0).
Interval make_interval(const Spec& sp, float S, int k) {
  Interval iv{};
  iv.lo = k == 0 && !sp.is_signed ? 0.0f : first_with_index(sp, S, k);
  iv.hi = from_ord(ord(first_with_index(sp, S, k + 1)) - 1);
  const float c = static_cast<float>((sp.is_signed ? k - 16 : k) * static_cast<LD>(sp.h));
  fit_at(sp, iv, c, sp.fn == Fn::silu && c == 0.0f);
  if (sp.refine) refine(sp, iv);
  return iv;
}

void emit(const Spec& sp, float S, const std::vector<Interval>& ivs, float amax) {
  std::printf("// %s: generated by bench/tools/gen_deriv_tables.cpp (h = %g, slot = low 5 bits of\n"
              "// fma(x, %.9g, %.9g)%s).\n", sp.name, sp.h, S, shifter_of(sp), sp.is_signed ? "" : ", x = |x|");
  std::printf("inline constexpr PolyTable32 %s = {\n    %.9ef, %.9ef, %.9ef, %.9ef,\n", sp.name, S, shifter_of(sp),
              sp.h, amax);
  std::printf("    {");
  for (int j = 0; j <= sp.deg; ++j) {
    std::printf("%s{", j ? ",\n     " : "");
    for (int k = 0; k < kN; ++k) std::printf("%s%.9ef", k ? ", " : "", ivs[k].coef[j]);
    std::printf("}");
  }
  std::printf("}};\n");
}

}  // namespace

int main(int argc, char** argv) {
  const bool full = argc > 1 && std::strcmp(argv[1], "check") == 0;
  const Spec specs[] = {{"kTanhPrime", 0.3125f, false, Fn::sech2, 1.0L, 1.0L},
                        {"kSigmoidPrime", 0.625f, false, Fn::sech2, 0.5L, 0.25L},
                        {"kSiluPrime", 0.625f, true, Fn::silu_prime, 0, 0},
                        {"kSilu", 0.625f, true, Fn::silu, 0, 0},
                        {"kSoftplus", 0.625f, true, Fn::softplus, 0, 0},
                        {"kSigmoid", 0.625f, true, Fn::sigmoid, 0, 0},
                        {"kGeluG", 0.46875f, false, Fn::gelu_g, 0, 0, 5, true},
                        {"kGeluD", 0.46875f, false, Fn::gelu_d, 0, 0, 5, true}};
  bool ok = true;
  for (const Spec& sp : specs) {
    const float S = static_cast<float>(1.0L / sp.h);
    std::vector<Interval> ivs;
    for (int k = 0; k < kN; ++k) ivs.push_back(make_interval(sp, S, k));
    // Largest |x| of the range (the kernel's fast-path test is |x| <= amax): for the |x|
    // tables the last float of interval 31; for silu' the smaller of -(first float) and the
    // last float, so both signs are inside.
    const float amax = sp.is_signed ? std::min(-ivs[0].lo, ivs[kN - 1].hi) : ivs[kN - 1].hi;
    emit(sp, S, ivs, amax);
    int worst = 0;
    LD worst_true = 0, worst_abs = 0;
    for (int k = 0; k < kN; ++k) {
      const Interval& iv = ivs[k];
      const std::int64_t b0 = ord(iv.lo), b1 = ord(iv.hi);
      const std::int64_t stride = full ? 1 : (b1 - b0) / 100000 + 1;
      int wu = 0;
      LD wt = 0, wabs = 0, wrel = 0;
      float wa = 0;
      for (std::int64_t b = b0; b <= b1 + stride - 1; b += stride) {
        const float a = from_ord(b > b1 ? b1 : b);
        if (index_of(sp, S, a) != k) { std::fprintf(stderr, "index mismatch %d %a\n", k, a); return 1; }
        const float y = eval(iv, a);
        const LD t = f_of(sp, a);
        if (std::fabs(a - root_of(sp)) < 0.1L) {  // false for NaN: no root
          wabs = std::max(wabs, std::fabs(static_cast<LD>(y) - t));
          continue;
        }
        const std::int64_t d = ord(y) - ord(static_cast<float>(t));
        const int u = static_cast<int>(d < 0 ? -d : d);
        const LD tr = std::fabs((static_cast<LD>(y) - t) / ulp_of(t));
        wrel = std::max(wrel, std::fabs((static_cast<LD>(y) - t) / t) * 0x1p24L);
        if (u > wu) { wu = u; wa = a; }
        wt = std::max(wt, tr);
      }
      std::fprintf(stderr, "%s k=%2d [%.7g, %.7g] c=%.9g: %.3Lf ULP vs true, %d vs CR (at %a), relative %.3Lf 2^-24%s\n",
                   sp.name, k, iv.lo, iv.hi, iv.c, wt, wu, wa, wrel, wabs > 0 ? " (root window)" : "");
      worst = std::max(worst, wu);
      worst_true = std::max(worst_true, wt);
      worst_abs = std::max(worst_abs, wabs);
    }
    std::fprintf(stderr, "%s: amax = %.9g; worst %.3Lf ULP vs true, %d ULP vs correctly rounded; near the root "
                 "%.2Lg absolute (%s)\n", sp.name, amax, worst_true, worst, worst_abs, full ? "every float" : "sampled");
    // Targets: sigmoid', tanh' <= 2 against the correctly rounded value (bound 4); silu' <= 16
    // (its bound) and <= 1e-7 absolute within 0.1 of the root; gelu's G <= 2; gelu's D <= 5
    // outside its root's window (the root magnifies the interpolant's error, as it would G's
    // in G - a phi0; the kernel's bound for gelu' is 16).
    const int target = sp.fn == Fn::silu_prime ? 16 : sp.fn == Fn::gelu_d ? 5 : 2;
    ok = ok && worst <= target && worst_abs <= 1e-7L;
  }
  return ok ? 0 : 1;
}
