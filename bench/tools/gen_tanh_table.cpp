// Generator of the AVX-512 tanh table (tanh_detail in kernels/src/impl/act-inl.hpp).
//
//   g++ -O2 -std=c++17 bench/tools/gen_tanh_table.cpp -o /tmp/gen_tanh_table
//   /tmp/gen_tanh_table            # prints the C++ table, then per-interval errors on stderr
//   /tmp/gen_tanh_table check      # the errors over every float of [0, kAMax] (a few minutes)
//
// Scheme (a = min(|x|, kAMax), tanh(x) = sign(x) tanh(a)):
//   u = a + 0.75 (rounded; used only for the index), index = bits(u) >> 20 = 8 * biased
//   exponent + the first 3 mantissa bits: 8 intervals per binade of u, so intervals of width
//   1/16 for a in [0, 0.25), 1/8 in [0.25, 1.25), 1/4 in [1.25, 3.25), 1/2 in [3.25, 7.25), 1 in
//   [7.25, 9.25): 30 intervals; vpermt2ps uses the index's low 5 bits, (k + 1012) mod 32 for
//   interval k, so the table is stored rotated by 1012 mod 32 = 20 (no subtraction). The
//   intervals are read off that exact float computation here (binary search over the bits).
//   On interval k >= 1 tanh(a) = sum c_i r^i, r = a - C_k exactly (C_k a multiple of 2^-20, so
//   a - C_k is a float for every a of the interval), C_k picked among those within 1/8 of the
//   interval's width of its middle whose tanh is within 1/32 ULP of a float (c0 then carries
//   almost no rounding error), as the one whose rounded coefficients give the smallest error
//   on 1025 samples; where no such center exists (the last intervals, tanh within 1/2 ULP of 1)
//   the nearest center with tanh(center) within 1/64 ULP of a float, possibly outside the
//   interval. Interval 0 = [0, 1/16): C = 0, c0 = 0, c1 = 1 exactly, so tiny and subnormal a
//   give a (1 + r (c2 + ...)) = a exactly.
//   Coefficients: Chebyshev interpolation in long double at the interval's Chebyshev nodes,
//   rounded to float from the highest degree down, the lower ones refitted after each rounding.
//   Evaluation (emulated here with fmaf exactly as the kernel does it): Horner by FMAs.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <vector>

#include "table_fit.hpp"

namespace {

constexpr int kN = 30;        // intervals (of the 32 table entries: two 16-float registers)
constexpr int kRot = 1012 % 32;  // table position of interval k: (k + kRot) mod 32
#ifndef TANH_DEG
#define TANH_DEG 5
#endif
constexpr int kDeg = TANH_DEG;  // polynomial degree
constexpr float kAMax = 9.09375f; // tanh(a) rounds to 1 for a >= 9.0109 (checked below)

using namespace table_fit;

int index_of(float a) {
  const float u = a + 0.75f;
  return static_cast<int>(f_to_bits(u) >> 20) - 1012;
}

// Smallest float a >= 0 with index_of(a) >= k.
float first_with_index(int k) {
  std::uint32_t lo = 0, hi = f_to_bits(100.0f);
  while (lo < hi) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (index_of(bits_to_f(mid)) >= k) hi = mid; else lo = mid + 1;
  }
  return bits_to_f(lo);
}



using Interval = table_fit::Piece<kDeg>;
float eval(const Interval& iv, float a) { return iv.eval(a); }

// Coefficients for center c on [iv.lo, iv.hi]: c0 = tanh(c) rounded, c_kDeg..c1 rounded from
// the top, each after a Chebyshev refit of the residual.
void fit_at(Interval& iv, float cf) {
  iv.c = cf;
  const LD c = cf;
  const LD rlo = static_cast<LD>(iv.lo) - c, rhi = static_cast<LD>(iv.hi) - c;
  std::vector<float> fixed(kDeg + 1, 0.0f);
  fixed[0] = static_cast<float>(std::tanh(c));
  for (int j = kDeg; j >= 1; --j) {
    auto target = [&](LD r) {
      LD s = std::tanh(c + r) - static_cast<LD>(fixed[0]);
      for (int i = j + 1; i <= kDeg; ++i) s -= static_cast<LD>(fixed[i]) * std::pow(r, i);
      return s;
    };
    const std::vector<LD> cf2 = cheb_fit(target, rlo, rhi, j);
    fixed[j] = static_cast<float>(cf2[j]);
  }
  for (int j = 0; j <= kDeg; ++j) iv.coef[j] = fixed[j];
}

// Error before the final rounding (the last FMA's exact value), in ULP of t = tanh(a).
LD pre_err(const Interval& iv, float a, LD t) {
  const float r = a - iv.c;
  float p = iv.coef[kDeg];
  for (int i = kDeg - 1; i >= 1; --i) p = std::fmaf(p, r, iv.coef[i]);
  const LD y = static_cast<LD>(p) * r + iv.coef[0];
  return std::fabs((y - t) / ulp_of(t));
}

Interval make_interval(int k) {
  Interval iv{};
  iv.lo = k == 0 ? 0.0f : first_with_index(k);
  iv.hi = std::nextafterf(first_with_index(k + 1), 0.0f);
  if (k == kN - 1) iv.hi = kAMax;
  if (k == 0) {
    iv.c = 0.0f;
    // tanh(a) = a + a^2 g(a), g = (tanh(a) - a)/a^2 fitted with degree kDeg - 2.
    const LD hi = iv.hi;
    auto g = [](LD a) { return a == 0 ? 0.0L : (std::tanh(a) - a) / (a * a); };
    iv.coef[0] = 0.0f;
    iv.coef[1] = 1.0f;
    // Round from the top, refit the rest: residual target for degree j.
    std::vector<float> fixed(kDeg + 1, 0.0f);
    for (int j = kDeg; j >= 2; --j) {
      auto target = [&](LD a) {
        LD s = g(a);
        for (int i = j + 1; i <= kDeg; ++i) s -= static_cast<LD>(fixed[i]) * std::pow(a, i - 2);
        return s;
      };
      const std::vector<LD> c = cheb_fit(target, 0.0L, hi, j - 2);
      fixed[j] = static_cast<float>(c[j - 2]);
    }
    for (int j = 2; j <= kDeg; ++j) iv.coef[j] = fixed[j];
    return iv;
  }
  // Center: a multiple of 2^-20 (then a - center is exact). Among those within width/8 of the
  // middle whose tanh is within 1/32 ULP of a float (c0 then carries almost no rounding error),
  // the one whose rounded coefficients give the smallest error before the final rounding on
  // 1024 sample points of the interval. High intervals (tanh(center) within 1/2 ULP of 1 over
  // the whole window) have no such center near the middle: there the nearest center with
  // tanh(center) within 1/64 ULP of a float, within a width of the middle.
  const LD mid = (static_cast<LD>(iv.lo) + iv.hi) / 2;
  const LD step = 0x1p-20L;
  const long m0 = std::lround(mid / step);
  std::vector<LD> sa, st;
  for (int i = 0; i <= 1024; ++i) {
    const float a = static_cast<float>(iv.lo + (static_cast<LD>(iv.hi) - iv.lo) * i / 1024);
    sa.push_back(a);
    st.push_back(std::tanh(static_cast<LD>(a)));
  }
  LD best = 1e9L;
  bool found = false;
  const long span8 = std::lround((static_cast<LD>(iv.hi) - iv.lo) / 8 / step);
  for (long m = m0 - span8; m <= m0 + span8; ++m) {
    const float c = static_cast<float>(m * step);
    const LD t = std::tanh(static_cast<LD>(c));
    if (std::fabs((t - static_cast<float>(t)) / ulp_of(t)) >= 1.0L / 32) continue;
    Interval cand = iv;
    fit_at(cand, c);
    LD w = 0;
    for (std::size_t i = 0; i < sa.size(); ++i) w = std::max(w, pre_err(cand, static_cast<float>(sa[i]), st[i]));
    if (w < best) { best = w; iv = cand; found = true; }
  }
  if (!found) {
    const long span = std::lround((static_cast<LD>(iv.hi) - iv.lo) / step);
    LD bestd = 1e9L;
    float bc = static_cast<float>(m0 * step);
    for (long m = m0 - span; m <= m0 + span; ++m) {
      const float c = static_cast<float>(m * step);
      const LD t = std::tanh(static_cast<LD>(c));
      const LD dist = std::fabs(c - mid);
      if (std::fabs((t - static_cast<float>(t)) / ulp_of(t)) < 1.0L / 64 && dist < bestd) {
        bestd = dist;
        bc = c;
      }
    }
    fit_at(iv, bc);
  }
  return iv;
}

// Error of the emulated kernel at a, in ULP of the true value, and vs the correctly rounded one.
void err_at(const Interval& iv, float a, LD& frac, int& ulps) {
  const float y = eval(iv, a);
  const LD t = std::tanh(static_cast<LD>(a));
  frac = std::fabs((static_cast<LD>(y) - t) / ulp_of(t));
  const float cr = static_cast<float>(t);
  const std::int64_t d = static_cast<std::int64_t>(f_to_bits(y)) - f_to_bits(cr);
  ulps = static_cast<int>(d < 0 ? -d : d);
}

}  // namespace

int main(int argc, char** argv) {
  const bool full = argc > 1 && std::strcmp(argv[1], "check") == 0;
  std::vector<Interval> ivs;
  for (int k = 0; k < kN; ++k) ivs.push_back(make_interval(k));

  std::printf("  // Generated by bench/tools/gen_tanh_table.cpp: kAMax = %.9g, degree %d, interval k at\n"
              "  // position (k + %d) mod 32 (positions of the unused k = 30, 31 repeat interval 29).\n",
              kAMax, kDeg, kRot);
  const auto at = [&](int pos) -> const Interval& {
    const int k = ((pos - kRot) % 32 + 32) % 32;
    return ivs[k < kN ? k : kN - 1];
  };
  std::printf("  alignas(64) static constexpr float kC[32] = {");
  for (int p = 0; p < 32; ++p) std::printf("%s%.9ef", p ? ", " : "", at(p).c);
  std::printf("};\n");
  for (int j = 0; j <= kDeg; ++j) {
    std::printf("  alignas(64) static constexpr float kP%d[32] = {", j);
    for (int p = 0; p < 32; ++p) std::printf("%s%.9ef", p ? ", " : "", at(p).coef[j]);
    std::printf("};\n");
  }

  // Per-interval sampled (or full) error.
  LD worst = 0, worst_pre = 0;
  int worst_ulps = 0;
  for (int k = 0; k < kN; ++k) {
    const Interval& iv = ivs[k];
    const std::uint32_t b0 = f_to_bits(iv.lo), b1 = f_to_bits(iv.hi);
    const std::uint32_t stride = full ? 1 : (b1 - b0) / 200000 + 1;
    LD w = 0, wp = 0;
    int wu = 0;
    float wa = 0;
    for (std::uint64_t b = b0; b <= b1; b += stride) {
      const float a = bits_to_f(static_cast<std::uint32_t>(b));
      if (index_of(a) != k && k != kN - 1) { std::fprintf(stderr, "index mismatch %d %a\n", k, a); return 1; }
      LD fr; int u;
      err_at(iv, a, fr, u);
      if (fr > w) { w = fr; wa = a; }
      if (u > wu) wu = u;
      wp = std::max(wp, pre_err(iv, a, std::tanh(static_cast<LD>(a))));
    }
    // The interval's endpoints exactly.
    for (float a : {iv.lo, iv.hi}) {
      LD fr; int u;
      err_at(iv, a, fr, u);
      if (fr > w) { w = fr; wa = a; }
      if (u > wu) wu = u;
    }
    std::fprintf(stderr, "k=%2d [%.7g, %.7g] c=%.9g: before rounding %.4Lf, after %.4Lf ULP (at %a), %d ULP vs CR\n", k,
                 iv.lo, iv.hi, iv.c, wp, w, wa, wu);
    if (wp > worst_pre) worst_pre = wp;
    if (w > worst) worst = w;
    if (wu > worst_ulps) worst_ulps = wu;
  }
  // Saturation: tanh(a) rounds to 1 from here on.
  std::uint32_t b = f_to_bits(9.0f);
  while (static_cast<float>(std::tanh(static_cast<LD>(bits_to_f(b)))) != 1.0f) ++b;
  std::fprintf(stderr, "tanh rounds to 1 from a = %.9g; at kAMax the table gives %.9g\n", bits_to_f(b),
               eval(ivs[kN - 1], kAMax));
  std::fprintf(stderr, "worst before the final rounding: %.4Lf ULP\n", worst_pre);
  std::fprintf(stderr, "worst: %.4Lf ULP vs true, %d ULP vs correctly rounded (%s)\n", worst,
               worst_ulps, full ? "every float" : "sampled");
  return 0;
}
