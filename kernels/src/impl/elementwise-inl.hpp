// Elementwise drivers shared by the families: run a vector functor over n floats, the tail on
// a padded copy so tail lanes get exactly the bulk code (and its error bound), without reading
// or writing past the end. In-place (y == x) is fine: each block is loaded before it is stored.
#pragma once

#include <tuple>

#include "impl/math-inl.hpp"

namespace simdense::detail {
std::size_t stream_llc_bytes() noexcept;  // cpu.cpp: the last-level cache's size; 0: unknown, or no PREFETCHW
}  // namespace simdense::detail

namespace simdense::SIMDENSE_NS {

// The streaming loops (the activation kernels from kStreamMinFloats on): the input prefetched
// kPrefetchFloats ahead, and the output stored by one of two policies:
// - non-temporal stores (outputs too large to be read again from cache soon: they skip the
//   read-for-ownership of the destination line): every backward pass, and the forward passes
//   whose arrays (input and output) do not fit in half the last-level cache or whose kernel
//   does not ask for the second policy;
// - ordinary stores, the output line requested for writing (prefetchw) as far ahead as the
//   input, for the forward kernels that ask (map_unary's kCacheStores) when the arrays fit in
//   half the last-level cache: they stay there, and the stores do not wait for their lines.
// Session 11 (same-process A/B at 4Mi floats, 480 MiB L3 here, where non-temporal stores wrote
// 16 MiB back to memory in every call): sigmoid 1.08x, tanh 1.06x, elu 1.04x, silu 1.09x,
// softplus 1.07x, which ask for it; gelu 0.95-1.00x, gelu_tanh 0.99x, identity, relu and leaky
// relu 0.98-1.00x, the backward passes 0.96-1.04x, which do not. bench/activations-history.md,
// "Session 11".
inline constexpr std::size_t kStreamMinFloats = std::size_t(1) << 21;  // 8 MiB of output

// Whether a forward streaming call over n floats may keep its arrays (input and output) in the
// cache: they fit in half the last-level cache, whose size is known, and the CPU has PREFETCHW.
inline bool stream_fits_llc(std::size_t n) {
  const std::size_t llc = simdense::detail::stream_llc_bytes();
  return llc != 0 && n * sizeof(float) * 2 <= llc / 2;
}

template <class Arch>
inline void store_stream(float* p, vf<Arch> v) {  // p aligned to sizeof(v)
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    _mm512_stream_ps(p, v);
  } else if constexpr (std::is_base_of_v<xsimd::avx, Arch>) {
    _mm256_stream_ps(p, v);
  } else {
    _mm_stream_ps(p, v);
  }
}

// Software prefetch in the streaming loops (n >= kStreamMinFloats): each step asks for the
// line kPrefetchFloats ahead of the one it loads. The hardware prefetchers alone leave the
// compute-heavy kernels waiting on L3/DRAM (sigmoid/avx512/64Mi 1.56 -> 2.2 Gelem/s, 4Mi
// 1.32 -> 2.6 with a 4 KiB distance, measured on this machine; see README Benchmarks);
// prefetches past the end of the array are harmless (they never fault). In cache (below 2^21
// floats) the hardware prefetchers suffice: a prefetching ordinary loop from 1 MiB on gained
// ~6% at 1Mi, not kept.
// Where to (`kTo`): session 9 measured the kernels that only move data (identity, relu, leaky
// relu and their backward passes) 7-15 % faster at 64Mi prefetching into L2 (prefetcht1) than
// into L1 (identity 1.14-1.16x, relu 1.12x, relu' 1.07x, sigmoid' from the output 1.06x;
// same-process A/B), and every kernel with a polynomial 2-3 % slower that way. Session 10, on
// this session's host and with the faster forward tables, measured every forward kernel
// 1.10-1.29x faster with L2 and the polynomial backward passes still 3-6 % slower: the
// forward kernels now all use L2 (activations-inl.hpp, stream_prefetch_bwd for the rest).
inline constexpr std::size_t kPrefetchFloats = 1024;  // 4 KiB ahead

template <PrefetchTo kTo>
SIMDENSE_INLINE void prefetch_ahead(const float* p) { prefetch<kTo>(p + kPrefetchFloats); }

// The output line kPrefetchFloats ahead requested for writing (the ordinary-store streaming
// loop, only taken on CPUs with PREFETCHW: stream_fits_llc).
SIMDENSE_INLINE void prefetch_out_ahead(float* p) {
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(static_cast<const void*>(p + kPrefetchFloats))));
}

template <class Arch, bool kNt>
SIMDENSE_INLINE void store_out(float* p, vf<Arch> v) {  // p aligned to sizeof(v)
  if constexpr (kNt) {
    store_stream<Arch>(p, v);
  } else {
    v.store_aligned(p);
  }
}

// Whether the functor F has pair(Args...): the streaming loops hand it both vectors of an
// iteration at once (ActFwd, ActBwd: one fast-path test for both).
template <class F, class Args, class = void>
struct HasPair : std::false_type {};
template <class F, class... Args>
struct HasPair<F, std::tuple<Args...>, std::void_t<decltype(std::declval<const F&>().pair(std::declval<Args>()...))>>
    : std::true_type {};

// map_unary's two vectors: f.pair(a, b, ya, yb) where F has it, else f(a) and f(b).
template <class F, class B>
SIMDENSE_INLINE void apply_pair(const F& f, B a, B b, B& ya, B& yb) {
  if constexpr (HasPair<F, std::tuple<B, B, B&, B&>>::value) {
    f.pair(a, b, ya, yb);
  } else {
    ya = f(a);
    yb = f(b);
  }
}

// map_binary's: f.pair(a0, a1, b0, b1, o0, o1) where F has it, else f(a0, b0) and f(a1, b1).
template <class F, class B>
SIMDENSE_INLINE void apply_pair2(const F& f, B a0, B a1, B b0, B b1, B& o0, B& o1) {
  if constexpr (HasPair<F, std::tuple<B, B, B, B, B&, B&>>::value) {
    f.pair(a0, a1, b0, b1, o0, o1);
  } else {
    o0 = f(a0, b0);
    o1 = f(a1, b1);
  }
}

// Elements before the first vector-aligned output address (done with ordinary stores).
template <class Arch>
inline std::size_t stream_head(const float* out) {
  constexpr std::size_t align = sizeof(vf<Arch>);
  const auto a = reinterpret_cast<std::uintptr_t>(out) % align;
  return a == 0 ? 0 : (align - a) / sizeof(float);
}

// The streaming loops' bodies from i (out + i vector-aligned) while two vectors remain; return
// where they stopped. unary_stream's kNt: non-temporal stores, else ordinary ones after
// prefetchw; binary_stream's are non-temporal.
template <class Arch, bool kNt, PrefetchTo kTo, class F>
SIMDENSE_INLINE std::size_t unary_stream(const float* x, float* y, std::size_t i, std::size_t n, const F& f) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  for (; i + 2 * L <= n; i += 2 * L) {
    prefetch_ahead<kTo>(x + i);
    if constexpr (L >= 16) prefetch_ahead<kTo>(x + i + L);  // one per 64-byte line
    if constexpr (!kNt) {
      prefetch_out_ahead(y + i);
      if constexpr (L >= 16) prefetch_out_ahead(y + i + L);
    }
    B ya, yb;
    apply_pair(f, B::load_unaligned(x + i), B::load_unaligned(x + i + L), ya, yb);
    store_out<Arch, kNt>(y + i, ya);
    store_out<Arch, kNt>(y + i + L, yb);
  }
  return i;
}

template <class Arch, PrefetchTo kTo, class F>
SIMDENSE_INLINE std::size_t binary_stream(const float* a, const float* b, float* out, std::size_t i, std::size_t n,
                                          const F& f) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  for (; i + 2 * L <= n; i += 2 * L) {
    prefetch_ahead<kTo>(a + i);
    prefetch_ahead<kTo>(b + i);
    if constexpr (L >= 16) {
      prefetch_ahead<kTo>(a + i + L);
      prefetch_ahead<kTo>(b + i + L);
    }
    B o0, o1;
    apply_pair2(f, B::load_unaligned(a + i), B::load_unaligned(a + i + L), B::load_unaligned(b + i),
                B::load_unaligned(b + i + L), o0, o1);
    store_stream<Arch>(out + i, o0);
    store_stream<Arch>(out + i + L, o1);
  }
  return i;
}

// y[i] = f(x[i]); f maps vf<Arch> -> vf<Arch>. `pad` fills the unused tail lanes.
// kStream: large outputs (n >= kStreamMinFloats, y float-aligned) take the streaming loop (the
// input prefetched kPrefetchFloats ahead into kTo; non-temporal stores, or see kCacheStores).
// kCacheStores: ordinary stores where the arrays fit in the cache (stream_fits_llc; see above).
template <class Arch, class F, bool kStream = false, PrefetchTo kTo = PrefetchTo::kL1, bool kCacheStores = false>
inline void map_unary(const float* x, float* y, std::size_t n, F f, float pad = 0.0f) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  std::size_t i = 0;
  if constexpr (kStream) {
    if (n >= kStreamMinFloats && reinterpret_cast<std::uintptr_t>(y) % sizeof(float) == 0) {
      const std::size_t h = stream_head<Arch>(y);
      map_unary<Arch, F, false>(x, y, h, f, pad);
      i = kCacheStores && stream_fits_llc(n) ? unary_stream<Arch, false, kTo>(x, y, h, n, f)
                                            : unary_stream<Arch, true, kTo>(x, y, h, n, f);
      _mm_sfence();
      map_unary<Arch, F, false>(x + i, y + i, n - i, f, pad);
      return;
    }
  }
  // Two batches per iteration: independent chains let the polynomials overlap.
  for (; i + 2 * L <= n; i += 2 * L) {
    B ya, yb;
    apply_pair(f, B::load_unaligned(x + i), B::load_unaligned(x + i + L), ya, yb);
    ya.store_unaligned(y + i);
    yb.store_unaligned(y + i + L);
  }
  for (; i + L <= n; i += L) f(B::load_unaligned(x + i)).store_unaligned(y + i);
  if (i < n) {
    alignas(64) float t[L];
    const std::size_t r = n - i;
    for (std::size_t k = 0; k < L; ++k) t[k] = k < r ? x[i + k] : pad;
    f(B::load_aligned(t)).store_aligned(t);
    for (std::size_t k = 0; k < r; ++k) y[i + k] = t[k];
  }
}

// out[i] = f(a[i], b[i]) (e.g. a backward pass dx = dy * f'(x)). out may alias a or b exactly.
// kStream and kTo as in map_unary; the stores are non-temporal.
template <class Arch, class F, bool kStream = false, PrefetchTo kTo = PrefetchTo::kL1>
inline void map_binary(const float* a, const float* b, float* out, std::size_t n, F f,
                       float pad_a = 0.0f, float pad_b = 0.0f) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  std::size_t i = 0;
  if constexpr (kStream) {
    if (n >= kStreamMinFloats && reinterpret_cast<std::uintptr_t>(out) % sizeof(float) == 0) {
      const std::size_t h = stream_head<Arch>(out);
      map_binary<Arch, F, false>(a, b, out, h, f, pad_a, pad_b);
      i = binary_stream<Arch, kTo>(a, b, out, h, n, f);
      _mm_sfence();
      map_binary<Arch, F, false>(a + i, b + i, out + i, n - i, f, pad_a, pad_b);
      return;
    }
  }
  for (; i + 2 * L <= n; i += 2 * L) {
    B o0, o1;
    apply_pair2(f, B::load_unaligned(a + i), B::load_unaligned(a + i + L), B::load_unaligned(b + i),
                B::load_unaligned(b + i + L), o0, o1);
    o0.store_unaligned(out + i);
    o1.store_unaligned(out + i + L);
  }
  for (; i + L <= n; i += L)
    f(B::load_unaligned(a + i), B::load_unaligned(b + i)).store_unaligned(out + i);
  if (i < n) {
    alignas(64) float ta[L], tb[L];
    const std::size_t r = n - i;
    for (std::size_t k = 0; k < L; ++k) {
      ta[k] = k < r ? a[i + k] : pad_a;
      tb[k] = k < r ? b[i + k] : pad_b;
    }
    f(B::load_aligned(ta), B::load_aligned(tb)).store_aligned(ta);
    for (std::size_t k = 0; k < r; ++k) out[i + k] = ta[k];
  }
}

}  // namespace simdense::SIMDENSE_NS
