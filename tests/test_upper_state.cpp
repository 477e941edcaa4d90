// Every public kernel returns with the upper halves of YMM/ZMM 0-15 clean (vzeroupper), so the
// caller's SSE code (the wrappers and user code built without -mavx) pays no AVX-SSE transition.
// GCC 12 inserts vzeroupper itself, but missed it on some return paths (the AVX-512 backward
// activations with a rare-lane call, AVX2 streaming loops; in the ASan build also softmax,
// matvec, dot, axpy): each call then cost ~200 ns in the wrapper's first SSE instruction
// (sigmoid_grad at n = 16: 257 ns against 18 ns for relu_grad), which made every *_grad
// benchmark at 1Ki ~35% slower than at 64Ki. The fix: kernels/src/impl/entry-inl.hpp. Checked here without timing: XGETBV
// with ECX = 1 reads XINUSE, whose bits 2 (AVX: upper halves of YMM0-15) and 6 (ZMM_Hi256:
// upper halves of ZMM0-15) are 0 exactly when those registers are in their initial state.
// Sizes are multiples of 16 (no tail: the path that was dirty) and one with a tail.
#include <doctest/doctest.h>

#include <simdense/simdense.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "support/test_util.hpp"

#if defined(__x86_64__)
#include <cpuid.h>

namespace {

std::uint64_t xinuse() {
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1));
  return (std::uint64_t(hi) << 32) | lo;
}

constexpr std::uint64_t kUpper = (1u << 2) | (1u << 6);  // YMM0-15 high, ZMM0-15 high

// vzeroupper through inline asm (this TU has no -mavx); only called when the CPU has AVX.
void clean_upper() { __asm__ volatile("vzeroupper" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"); }

// XGETBV(1) exists (CPUID.(EAX=0Dh, ECX=1):EAX bit 2) and tracks the AVX state: after a
// vzeroupper the bits read 0 (the SDM lets a CPU report a component in use conservatively).
bool can_check() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 0xD) return false;
  __cpuid_count(1, 0, a, b, c, d);
  if (!((c >> 27) & 1u) || !((c >> 28) & 1u)) return false;  // OSXSAVE, AVX
  __cpuid_count(0xD, 1, a, b, c, d);
  if (!((a >> 2) & 1u)) return false;
  clean_upper();
  return (xinuse() & kUpper) == 0;
}

}  // namespace

TEST_SUITE("upper_state") {
  TEST_CASE("every public kernel returns with clean upper vector state") {
    if (!can_check()) {
      MESSAGE("XGETBV(1) unavailable or not tracking AVX state: nothing checked");
      return;
    }
    simdense::test::for_each_isa([](simdense::Isa isa) {
      using namespace simdense;
      // 2^21 + 16: the streaming (non-temporal store) loops of the elementwise kernels.
      for (std::size_t n : {std::size_t(16), std::size_t(64), std::size_t(1024), std::size_t(1000),
                            (std::size_t(1) << 21) + 16}) {
        const bool big = n > 4096;
        CAPTURE(n);
        const std::size_t m = big ? 0 : 8;  // matrix rows for the matvec / dense calls
        std::vector<float> x(n), y(n), dy(n), dx(n), t(n), W(m * n), b(8), z(8), h(8), u(8);
        for (std::size_t i = 0; i < n; ++i) {
          x[i] = 0.01f * float(i % 97) - 0.4f;
          dy[i] = 1.0f;
          t[i] = (i % 3 == 0) ? 1.0f : 0.0f;
        }
        for (std::size_t i = 0; i < m * n; ++i) W[i] = 0.001f * float(i % 13);
        std::vector<std::size_t> labels(1, 1);
        const auto check = [&](const std::string& what, const std::function<void()>& call) {
          clean_upper();
          call();
          const std::uint64_t u1 = xinuse();
          char msg[160];
          std::snprintf(msg, sizeof msg, "%s on %s, n = %zu: XINUSE = 0x%llx", what.c_str(), isa_name(isa), n,
                        static_cast<unsigned long long>(u1));
          INFO(msg);
          CHECK((u1 & kUpper) == 0);
        };
        for (int k = 0; k < int(Activation::softplus) + 1; ++k) {
          const auto f = Activation(k);
          const std::string name = activation_name(f);
          check(name, [&] { activation(f, x.data(), y.data(), n); });
          check(name + "_grad", [&] { activation_grad(f, x.data(), dy.data(), dx.data(), n); });
          if (has_grad_from_output(f))
            check(name + "_grad_from_output",
                  [&] { activation_grad_from_output(f, y.data(), dy.data(), dx.data(), n); });
        }
        if (big) continue;  // the rest have no size-dependent paths this large
        check("exp", [&] { simdense::exp(x.data(), y.data(), n); });
        check("log1p", [&] { simdense::log1p(t.data(), y.data(), n); });
        check("softmax", [&] { softmax(x.data(), y.data(), n); });
        check("log_softmax", [&] { log_softmax(x.data(), y.data(), n); });
        check("softmax_backward", [&] { softmax_backward(y.data(), dy.data(), dx.data(), n); });
        check("log_softmax_backward", [&] { log_softmax_backward(y.data(), dy.data(), dx.data(), n); });
        check("cross_entropy_grad", [&] { (void)cross_entropy_grad(x.data(), n, 1, dx.data()); });
        check("cross_entropy_soft_grad",
              [&] { (void)cross_entropy_soft_grad(x.data(), n, t.data(), n, dx.data()); });
        check("sigmoid_bce_grad", [&] { (void)sigmoid_bce_grad(x.data(), t.data(), n, dx.data()); });
        check("dot", [&] { (void)dot(x.data(), dy.data(), n); });
        check("axpy", [&] { axpy(0.5f, x.data(), y.data(), n); });
        check("matvec", [&] { matvec(W.data(), m, n, n, x.data(), b.data(), z.data()); });
        check("matvec_act", [&] {
          matvec_act(W.data(), m, n, n, x.data(), b.data(), Activation::sigmoid, 0.0f, z.data(), h.data());
        });
        check("matvec_t", [&] { matvec_t(W.data(), m, n, n, z.data(), y.data()); });
        check("matvec_t_acc", [&] { matvec_t_acc(W.data(), m, n, n, z.data(), y.data()); });
        check("add_outer", [&] { add_outer(W.data(), m, n, n, 0.0f, z.data(), x.data()); });
        for (int k = 0; k < int(Activation::softplus) + 1; ++k) {
          const auto f = Activation(k);
          check(std::string("dense_binary_step ") + activation_name(f), [&] {
            (void)dense_binary_step(W.data(), b.data(), u.data(), m, n, f, x.data(), 1.0f, 0.0f, dx.data());
          });
        }
      }
    });
  }
}

#endif
