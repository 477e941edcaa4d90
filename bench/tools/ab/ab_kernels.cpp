// Same-process A/B timing of two versions of the SIMD kernels (bench/tools/ab/ab_kernels.sh).
//
// The shared host this project is measured on moves the same binary 20-30 % between runs, so
// two benchmark binaries run one after the other cannot resolve a 5 % change. This tool puts
// both versions in one process, each compiled from its own source tree into its own ISA
// namespace (SIMDENSE_NS = isa_a / isa_b, the ODR isolation isa/isa-inl.hpp already relies on),
// and alternates them call batch by call batch, so drift hits both alike. It reports the
// minimum and the 25th percentile of the batch times and checks the outputs bit for bit.
//
// This file is compiled three times by ab_kernels.sh: AB_SIDE=a and AB_SIDE=b (the kernels, from
// the two trees, with the avx512 flags of cmake/simdense_isa.cmake) and AB_MAIN (the driver).
#include <cstddef>
#include <cstdint>

namespace simdense::ab {
// kind: 0 forward activation f(x), 1 backward dy * f'(x) (f = simdense::Activation as int),
// 2 softmax, 3 log_softmax (one row of n).
using Kernel = void (*)(int kind, int f, const float* x, const float* dy, float* y, std::size_t n);
}  // namespace simdense::ab

#if defined(AB_SIDE)
#include "impl/arch.hpp"
namespace simdense::SIMDENSE_NS {
#if defined(AB_ISA_AVX2)
using arch = xsimd::fma3<xsimd::avx2>;
constexpr Isa kIsa = Isa::avx2;
#else
using arch = xsimd::avx512bw;
constexpr Isa kIsa = Isa::avx512;
#endif
}  // namespace simdense::SIMDENSE_NS
#include "isa/isa-inl.hpp"

namespace simdense::SIMDENSE_NS {
// Through this side's kernel table (isa/isa-inl.hpp), the entries the library dispatches to.
void ab_entry(int kind, int f, const float* x, const float* dy, float* y, std::size_t n) {
  const float alpha = default_alpha(Activation(f));
  switch (kind) {
    case 0: return table.act.fwd[f](x, y, n, alpha);
    case 1: return table.act.bwd[f](x, dy, y, n, alpha);
    case 2: return table.softmax.softmax(x, y, 1, n, n);
    default: return table.softmax.log_softmax(x, y, 1, n, n);
  }
}
}  // namespace simdense::SIMDENSE_NS
#define AB_CAT2(a, b) a##b
#define AB_CAT(a, b) AB_CAT2(a, b)
namespace simdense::ab {
extern const Kernel AB_CAT(kernel_, AB_SIDE) = &simdense::SIMDENSE_NS::ab_entry;
}
#endif

#if defined(AB_MAIN)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace simdense::ab {
extern const Kernel kernel_a, kernel_b;
}

int main(int argc, char** argv) {
  using namespace simdense::ab;
  // ab_kernels [filter-substring] [log2 n]
  const std::string filter = argc > 1 ? argv[1] : "";
  const int lg = argc > 2 ? std::atoi(argv[2]) : 10;
  const std::size_t n = std::size_t(1) << lg;
  const int calls = lg <= 16 ? int((std::size_t(1) << 18) / n) + 1 : 1;
  const int rounds = lg <= 16 ? 300 : 25;
  std::vector<float> x(n), dy(n), ya(n), yb(n);
  std::mt19937 g(42);
  // N(0, 3) as bench_activations.cpp; AB_SIGMA=<sd> changes the spread (data-dependent paths).
  const char* sigma = std::getenv("AB_SIGMA");
  std::normal_distribution<float> d(0.0f, sigma && *sigma ? std::strtof(sigma, nullptr) : 3.0f);
  for (auto& v : x) v = d(g);
  for (auto& v : dy) v = d(g) / 3.0f;
  const char* names[] = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "gelu", "gelu_tanh", "softplus"};
  struct Case { int kind, f; std::string name; };
  std::vector<Case> cases;
  for (int f = 0; f < 10; ++f) cases.push_back({0, f, names[f]});
  for (int f = 1; f < 10; ++f) cases.push_back({1, f, std::string(names[f]) + "_grad"});
  cases.push_back({2, 0, "softmax"});
  cases.push_back({3, 0, "log_softmax"});
  std::printf("n = 2^%d, %d calls per batch, %d batches per side, alternating; ns per call\n", lg, calls, rounds);
  std::printf("%-16s %10s %10s %10s %10s %8s %s\n", "kernel", "a min", "a p25", "b min", "b p25", "a/b p25", "outputs");
  const bool require_identical = std::getenv("AB_REQUIRE_IDENTICAL") != nullptr;
  bool all_identical = true;
  int ran = 0;
  for (const Case& c : cases) {
    if (c.name.find(filter) == std::string::npos) continue;
    std::vector<double> ta, tb;
    for (int r = 0; r < rounds; ++r) {
      for (int side = 0; side < 2; ++side) {
        const Kernel k = side ? kernel_b : kernel_a;
        float* y = side ? yb.data() : ya.data();
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < calls; ++i) {
          k(c.kind, c.f, x.data(), dy.data(), y, n);
          asm volatile("" ::: "memory");
        }
        const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / calls;
        (side ? tb : ta).push_back(ns);
      }
    }
    std::size_t diff = 0;
    for (std::size_t i = 0; i < n; ++i) diff += std::memcmp(&ya[i], &yb[i], sizeof(float)) != 0;
    all_identical = all_identical && diff == 0;
    ++ran;
    std::sort(ta.begin(), ta.end());
    std::sort(tb.begin(), tb.end());
    const double a25 = ta[ta.size() / 4], b25 = tb[tb.size() / 4];
    std::printf("%-16s %10.1f %10.1f %10.1f %10.1f %8.3f %s\n", c.name.c_str(), ta[0], a25, tb[0], b25, a25 / b25,
                diff ? (std::to_string(diff) + " differ").c_str() : "identical");
  }
  if (ran == 0) {
    std::fprintf(stderr, "ab_kernels: no kernel matches '%s'\n", filter.c_str());
    return 2;
  }
  return require_identical && !all_identical ? 1 : 0;
}
#endif
