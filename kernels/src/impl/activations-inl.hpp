// SIMD activations kernels, written once as templates over xsimd's Arch and instantiated in each
// isa/<isa>.cpp inside that ISA's namespace (SIMDENSE_NS). See isa/isa-inl.hpp.
// The per-element math is in act-inl.hpp (shared with the fused dense kernels).
#pragma once

#include "impl/act-inl.hpp"
#include "impl/elementwise-inl.hpp"
#include "impl/entry-inl.hpp"
#include "impl/math-inl.hpp"
#include "tables/activations.hpp"

namespace simdense::SIMDENSE_NS {

// Where the streaming loops prefetch (elementwise-inl.hpp, kPrefetchFloats): the forward
// kernels into L2 (all of them since session 10: 64Mi A/B, sigmoid 1.22x, tanh 1.27x, elu
// 1.29x, silu 1.23x, softplus 1.22x, gelu 1.11x, gelu_tanh 1.10x against L1); the backward
// passes into L2 for the kernels that only move data, into L1 for those with a polynomial
// (L2 measured 0.94-0.97x for sigmoid', tanh', gelu_tanh').
constexpr PrefetchTo stream_prefetch_bwd(Activation f) {
  return f == Activation::identity || f == Activation::relu || f == Activation::leaky_relu ? PrefetchTo::kL2
                                                                                           : PrefetchTo::kL1;
}

// The forward kernels that keep a streamed array in the cache when it fits (ordinary stores:
// map_unary's kCacheStores, measured in elementwise-inl.hpp).
constexpr bool stream_cache_stores(Activation f) {
  return f == Activation::sigmoid || f == Activation::tanh || f == Activation::elu || f == Activation::silu ||
         f == Activation::softplus;
}

// The forward functor of map_unary: one vector (f) or two (pair: act_f2).
template <Activation F, class Arch>
struct ActFwd {
  vf<Arch> a;
  SIMDENSE_INLINE vf<Arch> operator()(vf<Arch> v) const { return Act<F, Arch>::f(v, a); }
  SIMDENSE_INLINE void pair(vf<Arch> v0, vf<Arch> v1, vf<Arch>& y0, vf<Arch>& y1) const {
    act_f2<Act<F, Arch>>(v0, v1, a, y0, y1);
  }
};

template <Activation F, class Arch>
void act_fwd_kernel(const float* x, float* y, std::size_t n, float alpha) {
  map_unary<Arch, ActFwd<F, Arch>, true, PrefetchTo::kL2, stream_cache_stores(F)>(x, y, n,
                                                                                  ActFwd<F, Arch>{vf<Arch>(alpha)});
}

// The backward functor of map_binary: one vector pair (x, dy) or two (pair: act_grad2).
template <Activation F, class Arch>
struct ActBwd {
  vf<Arch> a;
  SIMDENSE_INLINE vf<Arch> operator()(vf<Arch> v, vf<Arch> g) const { return act_grad<Act<F, Arch>>(v, g, a); }
  SIMDENSE_INLINE void pair(vf<Arch> v0, vf<Arch> v1, vf<Arch> g0, vf<Arch> g1, vf<Arch>& d0, vf<Arch>& d1) const {
    act_grad2<Act<F, Arch>>(v0, v1, g0, g1, a, d0, d1);
  }
};

template <Activation F, class Arch>
void act_bwd_kernel(const float* x, const float* dy, float* dx, std::size_t n, float alpha) {
  map_binary<Arch, ActBwd<F, Arch>, true, stream_prefetch_bwd(F)>(x, dy, dx, n, ActBwd<F, Arch>{vf<Arch>(alpha)});
}

// Backward passes from the forward output y (cheaper, weaker: see activations.hpp).
template <class Arch>
struct FromY {
  using B = vf<Arch>;
  // sigmoid' = y (1 - y)
  static B sigmoid(B y, B) { return y * (B(1.0f) - y); }
  // tanh' = 1 - y^2 = (1 - y)(1 + y)
  static B tanh(B y, B) { return (B(1.0f) - y) * (B(1.0f) + y); }
  // relu' = 1 where y > 0, 0 where y <= 0, NaN for NaN
  static B relu(B y, B) {
    return xsimd::select(xsimd::isnan(y), y, xsimd::select(y > B(0.0f), B(1.0f), B(0.0f)));
  }
  // elu' = 1 where y > 0, y + alpha where y <= 0 (alpha e^x = y + alpha; alpha > 0)
  static B elu(B y, B a) { return xsimd::select(y > B(0.0f), B(1.0f), y + a); }
};

// dx = dy * D(y, alpha), D one of the FromY formulas (a few operations: prefetched into L2).
template <class Arch, vf<Arch> (*D)(vf<Arch>, vf<Arch>)>
void act_bwd_y_kernel(const float* y, const float* dy, float* dx, std::size_t n, float alpha) {
  const vf<Arch> a(alpha);
  const auto fn = [a](vf<Arch> v, vf<Arch> g) SIMDENSE_LAMBDA_INLINE { return g * D(v, a); };
  map_binary<Arch, decltype(fn), true, PrefetchTo::kL2>(y, dy, dx, n, fn);
}

template <class Arch>
constexpr detail::ActivationKernels activation_kernels() {
  using A = Activation;
  return {{entry<Arch, &act_fwd_kernel<A::identity, Arch>>, entry<Arch, &act_fwd_kernel<A::sigmoid, Arch>>,
           entry<Arch, &act_fwd_kernel<A::tanh, Arch>>, entry<Arch, &act_fwd_kernel<A::relu, Arch>>,
           entry<Arch, &act_fwd_kernel<A::leaky_relu, Arch>>, entry<Arch, &act_fwd_kernel<A::elu, Arch>>,
           entry<Arch, &act_fwd_kernel<A::silu, Arch>>, entry<Arch, &act_fwd_kernel<A::gelu, Arch>>,
           entry<Arch, &act_fwd_kernel<A::gelu_tanh, Arch>>, entry<Arch, &act_fwd_kernel<A::softplus, Arch>>},
          {entry<Arch, &act_bwd_kernel<A::identity, Arch>>, entry<Arch, &act_bwd_kernel<A::sigmoid, Arch>>,
           entry<Arch, &act_bwd_kernel<A::tanh, Arch>>, entry<Arch, &act_bwd_kernel<A::relu, Arch>>,
           entry<Arch, &act_bwd_kernel<A::leaky_relu, Arch>>, entry<Arch, &act_bwd_kernel<A::elu, Arch>>,
           entry<Arch, &act_bwd_kernel<A::silu, Arch>>, entry<Arch, &act_bwd_kernel<A::gelu, Arch>>,
           entry<Arch, &act_bwd_kernel<A::gelu_tanh, Arch>>, entry<Arch, &act_bwd_kernel<A::softplus, Arch>>},
          {nullptr, entry<Arch, &act_bwd_y_kernel<Arch, &FromY<Arch>::sigmoid>>,
           entry<Arch, &act_bwd_y_kernel<Arch, &FromY<Arch>::tanh>>, entry<Arch, &act_bwd_y_kernel<Arch, &FromY<Arch>::relu>>,
           nullptr, entry<Arch, &act_bwd_y_kernel<Arch, &FromY<Arch>::elu>>, nullptr, nullptr, nullptr, nullptr}};
}

}  // namespace simdense::SIMDENSE_NS
