// Scalar reference softmax kernels: obvious rather than fast, long double accumulation, each
// result rounded once to float. Same special values as the SIMD kernels (simdense/softmax.hpp).
#include <cmath>
#include <limits>

#include "ref/ref.hpp"

namespace simdense::ref {

namespace {

using ld_t = long double;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Row statistics: max m and S = sum e^(x - m) as k + T, k = entries equal to m (each
// contributes exactly 1), so log S = log k + log1p(T / k) keeps the tiny non-max mass.
struct Stats {
  bool nan_row;
  float m;
  ld_t k, T;
  ld_t S() const { return k + T; }
  ld_t logS() const { return std::log(k) + std::log1p(T / k); }
};

Stats stats(const float* x, std::size_t n) {
  Stats s{false, -kInf, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i]) || x[i] == kInf) s.nan_row = true;
    if (x[i] > s.m) s.m = x[i];
  }
  if (s.m == -kInf) s.nan_row = true;  // all masked (or n = 0)
  if (s.nan_row) return s;
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] == s.m)
      s.k += 1;
    else
      s.T += std::exp(ld_t(x[i]) - ld_t(s.m));
  }
  return s;
}

void fill_nan(float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = kNaN;
}

void softmax_ref(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld) {
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    if (n == 0) continue;
    const Stats s = stats(x, n);
    if (s.nan_row) { fill_nan(y, n); continue; }
    const ld_t S = s.S();
    for (std::size_t i = 0; i < n; ++i) y[i] = float(std::exp(ld_t(x[i]) - ld_t(s.m)) / S);
  }
}

void log_softmax_ref(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld) {
  for (std::size_t r = 0; r < rows; ++r, x += ld, y += ld) {
    if (n == 0) continue;
    const Stats s = stats(x, n);
    if (s.nan_row) { fill_nan(y, n); continue; }
    const ld_t L = s.logS();
    for (std::size_t i = 0; i < n; ++i)
      y[i] = x[i] == -kInf ? -kInf : float((ld_t(x[i]) - ld_t(s.m)) - L);
  }
}

void softmax_backward_ref(const float* y, const float* dy, float* dx, std::size_t rows,
                          std::size_t n, std::size_t ld) {
  for (std::size_t r = 0; r < rows; ++r, y += ld, dy += ld, dx += ld) {
    ld_t dot = 0;
    for (std::size_t i = 0; i < n; ++i) dot += ld_t(dy[i]) * ld_t(y[i]);
    for (std::size_t i = 0; i < n; ++i) dx[i] = float(ld_t(y[i]) * (ld_t(dy[i]) - dot));
  }
}

void log_softmax_backward_ref(const float* y, const float* dy, float* dx, std::size_t rows,
                              std::size_t n, std::size_t ld) {
  for (std::size_t r = 0; r < rows; ++r, y += ld, dy += ld, dx += ld) {
    ld_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += dy[i];
    for (std::size_t i = 0; i < n; ++i) {
      // An infinite sum: e^y sum is +-inf for every y > -inf (e^y > 0 however small, though
      // long double's exp underflows to 0 below y ~ -11400, which would give 0 * inf = NaN).
      const bool inf_term = std::isinf(sum) && y[i] > -std::numeric_limits<float>::infinity();
      const ld_t t = inf_term ? sum : std::exp(ld_t(y[i])) * sum;
      dx[i] = float(ld_t(dy[i]) - t);
    }
  }
}

// Writes softmax(x) - target into d, the target's entry computed as -(mass of the others)/S
// when it is the max (no cancellation).
double ce_label_ref(const float* x, const std::size_t* labels, float* d, std::size_t rows,
                    std::size_t n, std::size_t ld) {
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r, x += ld) {
    float* dr = d ? d + r * ld : nullptr;
    const std::size_t c = labels[r];
    const float xc = x[c];  // before dr (which may alias x) is written
    const Stats s = stats(x, n);
    if (s.nan_row) {
      if (dr) fill_nan(dr, n);
      total += kNaN;
      continue;
    }
    const ld_t L = s.logS();
    const ld_t S = s.S();
    const ld_t dc = ld_t(xc) - ld_t(s.m);
    total += double(L - dc);  // -inf logit: +inf loss
    if (!dr) continue;
    ld_t others = (xc == s.m) ? (s.k - 1) + s.T : S - std::exp(dc);
    for (std::size_t i = 0; i < n; ++i) dr[i] = float(std::exp(ld_t(x[i]) - ld_t(s.m)) / S);
    dr[c] = float(-others / S);
  }
  return total;
}

double ce_soft_ref(const float* x, const float* p, float* d, std::size_t rows, std::size_t n,
                   std::size_t ld) {
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r, x += ld, p += ld) {
    float* dr = d ? d + r * ld : nullptr;
    if (n == 0) continue;
    const Stats s = stats(x, n);
    if (s.nan_row) {
      if (dr) fill_nan(dr, n);
      total += kNaN;
      continue;
    }
    const ld_t L = s.logS();
    const ld_t S = s.S();
    ld_t loss = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] != 0) loss += ld_t(p[i]) * (L - (ld_t(x[i]) - ld_t(s.m)));
    total += double(loss);
    if (!dr) continue;
    for (std::size_t i = 0; i < n; ++i)
      dr[i] = float(std::exp(ld_t(x[i]) - ld_t(s.m)) / S - ld_t(p[i]));
  }
  return total;
}

double sigmoid_bce_ref(const float* s, const float* t, float* ds, float* loss, std::size_t n) {
  ld_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ld_t si = s[i], ti = t[i];
    const ld_t e = std::exp(-std::fabs(si));
    // softplus(s) - t s = [s >= 0 ? s (1 - t) : -s t] + log1p(e^-|s|); 0 * inf counts as 0.
    ld_t a = si >= 0 ? (ti == 1 ? 0 : si * (1 - ti)) : (ti == 0 ? 0 : -si * ti);
    if (std::isnan(si)) a = si;
    const ld_t l = a + std::log1p(e);
    const ld_t sig = si >= 0 ? 1 / (1 + e) : e / (1 + e);
    total += l;
    if (loss) loss[i] = float(l);
    if (ds) ds[i] = std::isnan(si) ? kNaN : float(sig - ti);
  }
  return double(total);
}

std::size_t first_bad_target_ref(const float* t, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!(t[i] >= 0.0f && t[i] <= 1.0f)) return i;
  return n;
}

}  // namespace

detail::SoftmaxKernels softmax_kernels() {
  return {&softmax_ref,  &log_softmax_ref, &softmax_backward_ref, &log_softmax_backward_ref,
          &ce_label_ref, &ce_soft_ref,     &sigmoid_bce_ref,      &first_bad_target_ref};
}

}  // namespace simdense::ref
