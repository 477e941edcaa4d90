// Helpers shared by the table generators (gen_tanh_table.cpp, gen_deriv_tables.cpp): float bit
// access, the ULP of a value, and Chebyshev interpolation in long double. Header-only: each
// generator is one `g++ -O2 -std=c++17 bench/tools/gen_X.cpp` away from running.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace table_fit {

using LD = long double;

inline float bits_to_f(std::uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline std::uint32_t f_to_bits(float f) { std::uint32_t u; std::memcpy(&u, &f, 4); return u; }

// Monomial coefficients (in r) of the degree-n Chebyshev interpolant of f on [lo, hi]: Newton
// divided differences at the Chebyshev nodes, then expanded to monomials.
template <class F>
std::vector<LD> cheb_fit(F f, LD lo, LD hi, int n) {
  const LD pi = 3.141592653589793238462643383279502884L;
  std::vector<LD> xs(n + 1), ys(n + 1);
  for (int j = 0; j <= n; ++j) {
    xs[j] = (lo + hi) / 2 + (hi - lo) / 2 * std::cos(pi * (2 * j + 1) / (2 * (n + 1)));
    ys[j] = f(xs[j]);
  }
  std::vector<LD> dd = ys;
  for (int j = 1; j <= n; ++j)
    for (int i = n; i >= j; --i) dd[i] = (dd[i] - dd[i - 1]) / (xs[i] - xs[i - j]);
  std::vector<LD> c(n + 1, 0.0L);
  c[0] = dd[n];
  int deg = 0;
  for (int i = n - 1; i >= 0; --i) {  // p = p (x - xs[i]) + dd[i]
    std::vector<LD> nc(n + 1, 0.0L);
    for (int m = 0; m <= deg; ++m) {
      nc[m + 1] += c[m];
      nc[m] -= c[m] * xs[i];
    }
    ++deg;
    nc[0] += dd[i];
    c = nc;
  }
  return c;
}

// The float ULP at |y| (normal and subnormal).
inline LD ulp_of(LD y) {
  y = std::fabs(y);
  if (y < 0x1p-126L) return 0x1p-149L;
  int e;
  std::frexp(y, &e);  // y = m 2^e, m in [0.5, 1)
  return std::ldexp(1.0L, e - 24);
}

// One interval (piece) of a table: its floats [lo, hi], center c and the polynomial in r = a - c,
// evaluated as the kernels do (Horner by FMAs).
template <int kDeg>
struct Piece {
  float lo, hi;
  float c;
  float coef[kDeg + 1];
  float eval(float a) const {
    const float r = a - c;
    float p = coef[kDeg];
    for (int i = kDeg - 1; i >= 0; --i) p = std::fmaf(p, r, coef[i]);
    return p;
  }
};

}  // namespace table_fit
