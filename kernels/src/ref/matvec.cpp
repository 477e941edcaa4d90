// Scalar reference matvec kernels: obvious rather than fast. Every sum is accumulated in double
// (each product of two floats is exact in double) and rounded once to float, so the reference
// is far inside the documented bounds (error <= ~ n 2^-53 sum|terms| + 1/2 ULP).
#include <cmath>
#include <limits>
#include <vector>

#include "ref/ref.hpp"

namespace simdense::ref {
namespace {

double row_dot(const float* w, const float* x, std::size_t n) {
  double s = 0.0;
  for (std::size_t j = 0; j < n; ++j) s += double(w[j]) * double(x[j]);
  return s;
}

void matvec(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
            const float* b, float* y) {
  for (std::size_t i = 0; i < m; ++i)
    y[i] = float(row_dot(W + i * ld, x, n) + (b ? double(b[i]) : 0.0));
}

void matvec_act(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                const float* b, Activation f, float alpha, float* z, float* h) {
  for (std::size_t i = 0; i < m; ++i) {
    // z is rounded to float first: h = f(z) of the z the caller gets back.
    const float zi = float(row_dot(W + i * ld, x, n) + (b ? double(b[i]) : 0.0));
    if (z) z[i] = zi;
    h[i] = float(act_f(f, double(zi), double(alpha)));
  }
}

void matvec_t(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v, float* y,
              bool acc) {
  // Row by row into n double sums (a column-wise loop would stride through W).
  std::vector<double> s(n);
  for (std::size_t j = 0; j < n; ++j) s[j] = acc ? double(y[j]) : 0.0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) s[j] += double(W[i * ld + j]) * double(v[i]);
  for (std::size_t j = 0; j < n; ++j) y[j] = float(s[j]);
}

void add_outer(float* W, std::size_t m, std::size_t n, std::size_t ld, float a, const float* u,
               const float* v) {
  for (std::size_t i = 0; i < m; ++i) {
    const double au = double(a) * double(u[i]);  // exact
    for (std::size_t j = 0; j < n; ++j) {
      float& w = W[i * ld + j];
      // a u v + w in long double (64-bit significand), rounded once to float.
      w = float((long double)au * (long double)v[j] + (long double)w);
    }
  }
}

float dot(const float* x, const float* y, std::size_t n) { return float(row_dot(x, y, n)); }

void axpy(float a, const float* x, float* y, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) y[j] = float(double(a) * double(x[j]) + double(y[j]));
}

}  // namespace

detail::MatvecKernels matvec_kernels() {
  return {matvec, matvec_act, matvec_t, add_outer, dot, axpy};
}

}  // namespace simdense::ref
