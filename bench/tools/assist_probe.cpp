// assist_probe: what a subnormal costs, per AVX-512 operation, on this CPU (FTZ and DAZ off, as
// simdense runs). Prints ns per operation for each case and its ratio to the same operation on
// normal values; a ratio of ~50-250 is a microcode assist. (maskz forms with an all-ones mask:
// GCC 12's plain AVX-512 intrinsics warn -Wuninitialized.) README "Tails" quotes one run.
//
//   build/release/bench/assist_probe      (needs AVX-512 to run; built with -mavx512f -mavx512dq)
//
// Each case runs 8 independent copies of one operation per step, its inputs reset every step, so
// the time is throughput, not a dependency chain. Not a test: timings are never asserted.
#include <immintrin.h>

#include <chrono>
#include <cstdio>

namespace {

template <class F>
double ns_per_op(F f, __m512 a, __m512 b) {
  constexpr int kSteps = 200000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int it = 0; it < kSteps; ++it) {
    for (int i = 0; i < 8; ++i) {
      __m512 x = a, y = b;
      asm volatile("" : "+v"(x), "+v"(y));  // the inputs are opaque: nothing is folded
      __m512 r = f(x, y);
      asm volatile("" : "+v"(r));
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / (kSteps * 8.0);
}

void row(const char* what, double ns, double base) {
  std::printf("%-44s %8.2f ns  x%6.1f\n", what, ns, ns / base);
}

}  // namespace

int main() {
  if (!__builtin_cpu_supports("avx512f")) {
    std::printf("assist_probe: no AVX-512 here\n");
    return 77;
  }
  const __m512 one = _mm512_set1_ps(1.0f), tiny = _mm512_set1_ps(1e-30f), e10 = _mm512_set1_ps(1e-10f);
  const __m512 sub = _mm512_set1_ps(1e-40f), big = _mm512_set1_ps(1e30f), zero = _mm512_setzero_ps();
  auto mul = [](__m512 a, __m512 b) { return _mm512_mul_ps(a, b); };
  auto add = [](__m512 a, __m512 b) { return _mm512_add_ps(a, b); };
  auto sub_ = [](__m512 a, __m512 b) { return _mm512_sub_ps(a, b); };
  auto fma0 = [](__m512 a, __m512 b) { return _mm512_fmadd_ps(a, b, _mm512_setzero_ps()); };
  auto fma1 = [](__m512 a, __m512 b) { return _mm512_fmadd_ps(a, b, _mm512_set1_ps(1.0f)); };
  auto scalef = [](__m512 a, __m512 b) { return _mm512_maskz_scalef_ps(__mmask16(0xffff), a, b); };
  auto scalef_half = [](__m512 a, __m512 b) { return _mm512_maskz_scalef_ps(__mmask16(0xff00), a, b); };
  auto mx = [](__m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xffff), a, b); };
  auto rcp = [](__m512 a, __m512) { return _mm512_maskz_rcp14_ps(__mmask16(0xffff), a); };
  auto cvt = [](__m512 a, __m512) { return _mm512_castsi512_ps(_mm512_maskz_cvttps_epi32(__mmask16(0xffff), a)); };

  const double m0 = ns_per_op(mul, one, one), a0 = ns_per_op(add, one, one);
  const double f0 = ns_per_op(fma1, one, one), s0 = ns_per_op(scalef, one, _mm512_set1_ps(-100.0f));
  row("vmulps, normal", m0, m0);
  row("vmulps, subnormal result", ns_per_op(mul, tiny, e10), m0);
  row("vmulps, one lane subnormal result", ns_per_op(mul, _mm512_mask_blend_ps(1, one, tiny), e10), m0);
  row("vmulps, underflow to 0", ns_per_op(mul, tiny, tiny), m0);
  row("vmulps, subnormal operand, normal result", ns_per_op(mul, sub, big), m0);
  row("vaddps, normal", a0, a0);
  row("vaddps, 1 + subnormal", ns_per_op(add, one, sub), a0);
  row("vaddps, subnormal + subnormal", ns_per_op(add, sub, sub), a0);
  row("vsubps, normal - normal = subnormal",
      ns_per_op(sub_, _mm512_set1_ps(1.17549449e-38f), _mm512_set1_ps(1.17549435e-38f)), a0);
  row("vfmadd, normal", f0, f0);
  row("vfmadd, subnormal result", ns_per_op(fma0, tiny, e10), f0);
  row("vfmadd, subnormal operand, normal result", ns_per_op(fma1, sub, one), f0);
  row("vscalefps, normal", s0, s0);
  row("vscalefps, subnormal result", ns_per_op(scalef, one, _mm512_set1_ps(-130.0f)), s0);
  row("vscalefps, underflow to 0", ns_per_op(scalef, one, _mm512_set1_ps(-200.0f)), s0);
  row("vscalefps, subnormal lanes masked off",
      ns_per_op(scalef_half, _mm512_mask_blend_ps(0xff00, one, big), _mm512_set1_ps(-130.0f)), s0);
  row("vmaxps, subnormal operands", ns_per_op(mx, sub, sub), a0);
  row("vrcp14ps, subnormal operand", ns_per_op(rcp, sub, zero), a0);
  row("vcvttps2dq, subnormal operand", ns_per_op(cvt, sub, zero), a0);
  return 0;
}
