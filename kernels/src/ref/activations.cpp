// Scalar reference activations: obvious rather than fast. Each value is computed in double by a
// formula stable over the whole float range (e^-|x| forms, erfc, never 1 + erf) and rounded once
// to float. This is the `scalar` ISA of the dispatch.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ref/ref.hpp"

namespace simdense::ref {

namespace {

using A = Activation;

double sigmoid_d(double x) {
  const double e = std::exp(-std::fabs(x));
  return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

// e^(-k|x|) for the derivatives, |x| clamped to 700/k for finite x so that it never underflows
// in double (f'(x) > 0 for every finite x: dy = +-inf must give +-inf, not inf * 0 = NaN; for
// finite dy the clamp changes nothing, dy * e^-700 rounds to 0 in float); 0 at +-inf.
double exp_neg_d(double x, double k) {
  if (std::isinf(x)) return 0.0;
  return std::exp(-k * std::min(std::fabs(x), 700.0 / k));
}

template <A F>
void fwd(const float* x, float* y, std::size_t n, float alpha) {
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(act_f(F, double(x[i]), double(alpha)));
}

template <A F>
void bwd(const float* x, const float* dy, float* dx, std::size_t n, float alpha) {
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i];
    // elu: (dy*alpha)*e^x, so a subnormal alpha*e^x cannot underflow in double first.
    dx[i] = F == A::elu && xi < 0
                ? static_cast<float>((double(dy[i]) * double(alpha)) * exp_neg_d(xi, 1.0))
                : static_cast<float>(double(dy[i]) * act_df(F, xi, double(alpha)));
  }
}

void sigmoid_bwd_y(const float* y, const float* dy, float* dx, std::size_t n, float) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = y[i];
    dx[i] = static_cast<float>(double(dy[i]) * (v * (1.0 - v)));
  }
}
void tanh_bwd_y(const float* y, const float* dy, float* dx, std::size_t n, float) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = y[i];
    dx[i] = static_cast<float>(double(dy[i]) * (1.0 - v * v));
  }
}
void relu_bwd_y(const float* y, const float* dy, float* dx, std::size_t n, float) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = y[i];
    dx[i] = static_cast<float>(double(dy[i]) * (std::isnan(v) ? v : v > 0 ? 1.0 : 0.0));
  }
}
void elu_bwd_y(const float* y, const float* dy, float* dx, std::size_t n, float alpha) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = y[i];
    dx[i] = static_cast<float>(double(dy[i]) * (v > 0 ? 1.0 : v + double(alpha)));
  }
}

}  // namespace

// Declared in ref.hpp: the double-precision activations every scalar reference shares.
double act_f(Activation f, double x, double a) {
  switch (f) {
    case A::identity: return x;
    case A::sigmoid: return sigmoid_d(x);
    case A::tanh: return std::tanh(x);
    case A::relu: return x < 0 ? 0.0 : x;                   // NaN and -0 pass through
    case A::leaky_relu: return x < 0 ? a * x : x;
    case A::elu: return x < 0 ? a * std::expm1(x) : x;
    case A::silu: return std::isinf(x) ? (x > 0 ? x : -0.0) : x * sigmoid_d(x);
    case A::gelu:
      return std::isinf(x) ? (x > 0 ? x : -0.0) : 0.5 * x * std::erfc(-x / std::sqrt(2.0));
    case A::gelu_tanh: {
      if (std::isinf(x)) return x > 0 ? x : -0.0;
      const double v = 2.0 * std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
      return std::isnan(v) ? x : x * sigmoid_d(v);
    }
    case A::softplus: return (x > 0 ? x : 0.0) + std::log1p(std::exp(-std::fabs(x)));
  }
  return x;
}

double act_df(Activation f, double x, double a) {
  if (std::isnan(x)) return x;
  switch (f) {
    case A::identity: return 1.0;
    case A::sigmoid: {
      const double e = exp_neg_d(x, 1.0);
      return e / ((1.0 + e) * (1.0 + e));
    }
    case A::tanh: {
      const double e = exp_neg_d(x, 2.0);
      return 4.0 * e / ((1.0 + e) * (1.0 + e));
    }
    case A::relu: return x > 0 ? 1.0 : 0.0;
    case A::leaky_relu: return x > 0 ? 1.0 : a;
    case A::elu: return x < 0 ? a * exp_neg_d(x, 1.0) : 1.0;
    case A::silu: {
      if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
      x = std::max(x, -700.0);
      const double e = exp_neg_d(x, 1.0);
      const double num = x >= 0 ? (1.0 + e) + x * e : e * ((1.0 + e) + x);
      return num / ((1.0 + e) * (1.0 + e));
    }
    case A::gelu: {
      if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
      x = std::max(x, -38.0);  // e^(-x^2/2) stays a positive double: dy = +-inf gives +-inf
      return 0.5 * std::erfc(-x / std::sqrt(2.0)) + x * std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    }
    case A::gelu_tanh: {
      if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
      x = std::max(x, -20.0);  // e^v stays a positive double: dy = +-inf gives +-inf
      if (x > 1e5) return 1.0;  // keeps x^3 finite; exact limit
      const double k = 2.0 * std::sqrt(2.0 / M_PI);
      const double v = k * (x + 0.044715 * x * x * x);
      const double dv = k * (1.0 + 3.0 * 0.044715 * x * x);
      const double e = std::exp(-std::fabs(v));
      const double num = v < 0 ? e * ((1.0 + e) + x * dv) : (1.0 + e) + x * dv * e;
      return num / ((1.0 + e) * (1.0 + e));
    }
    case A::softplus: {
      const double e = exp_neg_d(x, 1.0);
      return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }
  }
  return 1.0;
}

detail::ActivationKernels activation_kernels() {
  return {{&fwd<A::identity>, &fwd<A::sigmoid>, &fwd<A::tanh>, &fwd<A::relu>, &fwd<A::leaky_relu>,
           &fwd<A::elu>, &fwd<A::silu>, &fwd<A::gelu>, &fwd<A::gelu_tanh>, &fwd<A::softplus>},
          {&bwd<A::identity>, &bwd<A::sigmoid>, &bwd<A::tanh>, &bwd<A::relu>, &bwd<A::leaky_relu>,
           &bwd<A::elu>, &bwd<A::silu>, &bwd<A::gelu>, &bwd<A::gelu_tanh>, &bwd<A::softplus>},
          {nullptr, &sigmoid_bwd_y, &tanh_bwd_y, &relu_bwd_y, nullptr, &elu_bwd_y, nullptr, nullptr,
           nullptr, nullptr}};
}

}  // namespace simdense::ref
