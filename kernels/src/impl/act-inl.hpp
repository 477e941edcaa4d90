// Activation functors f(x) and f'(x) over one batch, shared by the elementwise activation
// kernels (activations-inl.hpp) and the fused dense kernels (matvec epilogues, dense-inl.hpp).
//
// Interface (kept stable; the activations issue owns the bodies and their accuracy):
//   Act<Activation::F, Arch>::f(x, alpha)   -> f(x)
//   Act<Activation::F, Arch>::df(x, alpha)  -> f'(x), computed from x
//   with_activation<Arch>(Activation, g)    -> g(Act<F, Arch>{}) for the runtime value
// alpha is the leaky-relu slope or the elu alpha (ignored by the others).
#pragma once

#include <simdense/activations.hpp>

#include "impl/math-inl.hpp"

namespace simdense::SIMDENSE_NS {

template <Activation F, class Arch>
struct Act;

template <class Arch>
struct Act<Activation::identity, Arch> {
  using B = vf<Arch>;
  static B f(B x, B) { return x; }
  static B df(B x, B) { return xsimd::select(xsimd::isnan(x), x, B(1.0f)); }
};

template <class Arch>
struct Act<Activation::sigmoid, Arch> {
  using B = vf<Arch>;
  // e = e^-|x| never overflows; s = 1/(1+e); sigmoid = s (x >= 0) or e*s (x < 0).
  static B f(B x, B) {
    const B e = exp<Arch>(-xsimd::abs(x));
    const B s = B(1.0f) / (B(1.0f) + e);
    return xsimd::select(x < B(0.0f), e * s, s);
  }
  // sigmoid'(x) = e/(1+e)^2 from e = e^-|x| (never s(1-s), which is 0 for large |x|).
  static B df(B x, B) {
    const B e = exp<Arch>(-xsimd::abs(x));
    const B s = B(1.0f) / (B(1.0f) + e);
    return (e * s) * s;
  }
};

template <class Arch>
struct Act<Activation::tanh, Arch> {
  using B = vf<Arch>;
  // PLACEHOLDER accuracy: (1-e)/(1+e) with e = e^-2|x| cancels for small |x|.
  static B f(B x, B) {
    const B ax = xsimd::abs(x);
    const B e = exp<Arch>(B(-2.0f) * ax);
    const B t = (B(1.0f) - e) / (B(1.0f) + e);
    const B r = xsimd::select(ax < B(0x1p-12f), ax, t);
    return xsimd::copysign(r, x);
  }
  // tanh'(x) = 4e/(1+e)^2, e = e^-2|x|.
  static B df(B x, B) {
    const B e = exp<Arch>(B(-2.0f) * xsimd::abs(x));
    const B d = B(1.0f) / (B(1.0f) + e);
    return B(4.0f) * e * d * d;
  }
};

template <class Arch>
struct Act<Activation::relu, Arch> {
  using B = vf<Arch>;
  // select on x < 0 (not max(x, 0)) so NaN propagates; relu(-0) = -0.
  static B f(B x, B) { return xsimd::select(x < B(0.0f), B(0.0f), x); }
  static B df(B x, B) {
    return xsimd::select(xsimd::isnan(x), x, xsimd::select(x > B(0.0f), B(1.0f), B(0.0f)));
  }
};

template <class Arch>
struct Act<Activation::leaky_relu, Arch> {
  using B = vf<Arch>;
  static B f(B x, B a) { return xsimd::select(x < B(0.0f), a * x, x); }
  static B df(B x, B a) {
    return xsimd::select(xsimd::isnan(x), x, xsimd::select(x < B(0.0f), a, B(1.0f)));
  }
};

template <class Arch>
struct Act<Activation::elu, Arch> {
  using B = vf<Arch>;
  // PLACEHOLDER accuracy: exp(x) - 1 cancels near 0 (needs expm1).
  static B f(B x, B a) { return xsimd::select(x < B(0.0f), a * (exp<Arch>(x) - B(1.0f)), x); }
  static B df(B x, B a) {
    return xsimd::select(xsimd::isnan(x), x,
                         xsimd::select(x < B(0.0f), a * exp<Arch>(x), B(1.0f)));
  }
};

template <class Arch>
struct Act<Activation::silu, Arch> {
  using B = vf<Arch>;
  static B f(B x, B a) {
    const B r = x * Act<Activation::sigmoid, Arch>::f(x, a);
    return xsimd::select(x == B(-std::numeric_limits<float>::infinity()), B(0.0f), r);
  }
  // silu' = s + x s (1 - s) = s (1 + x sigmoid(-x)).
  static B df(B x, B a) {
    const B s = Act<Activation::sigmoid, Arch>::f(x, a);
    const B sm = Act<Activation::sigmoid, Arch>::f(-x, a);
    const B r = s * fmadd<Arch>(x, sm, B(1.0f));
    return xsimd::select(xsimd::isinf(x), xsimd::select(x > B(0.0f), B(1.0f), B(0.0f)), r);
  }
};

template <class Arch>
struct Act<Activation::gelu, Arch> {
  using B = vf<Arch>;
  // PLACEHOLDER accuracy: xsimd::erfc. gelu = x * 0.5 * erfc(-x/sqrt2).
  static B phi(B x) { return B(0.5f) * xsimd::erfc(x * B(-0.70710678118654752f)); }
  static B f(B x, B) {
    const B r = x * phi(x);
    return xsimd::select(x == B(-std::numeric_limits<float>::infinity()), B(0.0f), r);
  }
  // gelu' = Phi(x) + x phi(x), phi(x) = e^(-x^2/2)/sqrt(2 pi).
  static B df(B x, B) {
    const B pdf = B(0.39894228040143268f) * exp<Arch>(B(-0.5f) * x * x);
    const B r = phi(x) + x * pdf;
    return xsimd::select(xsimd::isinf(x), xsimd::select(x > B(0.0f), B(1.0f), B(0.0f)), r);
  }
};

template <class Arch>
struct Act<Activation::gelu_tanh, Arch> {
  using B = vf<Arch>;
  // 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3).
  static B two_u(B x) {
    return B(2.0f * 0.79788456080286536f) * fmadd<Arch>(B(0.044715f) * x * x, x, x);
  }
  static B f(B x, B a) {
    const B r = x * Act<Activation::sigmoid, Arch>::f(two_u(x), a);
    return xsimd::select(x == B(-std::numeric_limits<float>::infinity()), B(0.0f), r);
  }
  // d/dx x s(2u) = s(2u) + x s'(2u) 2u', 2u' = 2 sqrt(2/pi) (1 + 3 0.044715 x^2).
  static B df(B x, B a) {
    const B v = two_u(x);
    const B s = Act<Activation::sigmoid, Arch>::f(v, a);
    const B ds = Act<Activation::sigmoid, Arch>::df(v, a);
    const B dv = B(2.0f * 0.79788456080286536f) * fmadd<Arch>(B(3.0f * 0.044715f) * x, x, B(1.0f));
    const B r = fmadd<Arch>(x * ds, dv, s);
    return xsimd::select(xsimd::isinf(x), xsimd::select(x > B(0.0f), B(1.0f), B(0.0f)), r);
  }
};

template <class Arch>
struct Act<Activation::softplus, Arch> {
  using B = vf<Arch>;
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
  static B f(B x, B) {
    const B r = xsimd::max(x, B(0.0f)) + log1p<Arch>(exp<Arch>(-xsimd::abs(x)));
    return xsimd::select(xsimd::isnan(x), x, r);
  }
  static B df(B x, B a) { return Act<Activation::sigmoid, Arch>::f(x, a); }
};

// Calls g(Act<F, Arch>{}) for the runtime activation f (one switch per call, not per element).
template <class Arch, class G>
inline decltype(auto) with_activation(Activation f, G&& g) {
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
