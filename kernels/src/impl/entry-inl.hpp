// The kernels' exits to the dispatch tables: every table entry is entry<Arch, &kernel<Arch>>,
// a thunk that calls the kernel and then leave_avx (vzeroupper), so each kernel returns to the
// caller's SSE code (the public wrappers and user code built without -mavx) with the upper
// halves of YMM/ZMM0-15 clean. GCC 12 inserts a vzeroupper before each return of a function that
// dirtied them, but not on every path: release builds missed it on the no-tail return of the
// AVX-512 backward activations with a rare-lane call in their loop, AVX2 elu/silu grads and
// AVX2 streaming elu/leaky_relu; ASan builds also on softmax, matvec, dot and axpy. The caller's
// next SSE instruction then stalled ~200 ns per call (sigmoid_grad/avx512 at n = 16: 257 ns a
// call, relu_grad 18 ns; 27 ns with this). tests/test_upper_state.cpp checks every public kernel
// with XGETBV(1), in the release and sanitizer builds.
#pragma once

#include <type_traits>

namespace simdense::SIMDENSE_NS {

// vzeroupper as inline asm: GCC deletes a _mm256_zeroupper() it believes redundant after a
// call (it assumes callees return clean). Nothing vector is live across it (the clobbers say so).
template <class Arch>
inline void leave_avx() {
  if constexpr (std::is_base_of_v<xsimd::avx, Arch> || std::is_base_of_v<xsimd::avx512f, Arch>)
    __asm__ volatile("vzeroupper" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                     "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

// The same, keeping a kernel's return value in memory across the vzeroupper: held in a vector
// register, GCC moved it back with a full-width vmovaps from zmm16 (ASan build), which dirtied
// zmm0's upper half again; the reload from memory (vmovss / vmovsd) leaves it clean.
template <class Arch, class T>
inline void leave_avx_keeping(T& v) {
  if constexpr (std::is_base_of_v<xsimd::avx, Arch> || std::is_base_of_v<xsimd::avx512f, Arch>)
    __asm__ volatile("vzeroupper" : "+m"(v) : : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                     "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

template <class Arch, auto F>
struct Entry;

template <class Arch, class R, class... A, R (*F)(A...)>
struct Entry<Arch, F> {
  static R call(A... a) {
    if constexpr (std::is_void_v<R>) {
      F(a...);
      leave_avx<Arch>();
    } else {
      R r = F(a...);
      leave_avx_keeping<Arch>(r);
      return r;
    }
  }
};

// The table entry for kernel F of this ISA.
template <class Arch, auto F>
inline constexpr auto entry = &Entry<Arch, F>::call;

}  // namespace simdense::SIMDENSE_NS
