// Differential fuzz target: the math family (simdense/math.hpp) on each SIMD ISA vs the scalar
// reference, within the header's bounds: exp and log1p <= 1 ULP (SSE2 <= 2); log1p keeps -0.
#include <cmath>

#include "fuzz_elementwise.hpp"

namespace {

using fuzz::EwCase;
using fuzz::Tol;
using simdense::Isa;

Tol math_bound(Isa isa, float, float, float) { return {isa == Isa::sse2 ? 2 : 1}; }

const std::vector<EwCase>& cases() {
  static const std::vector<EwCase> c = {
      {"exp", 1, [](const float* a, const float*, float* y, std::size_t n, float) {
         simdense::exp(a, y, n);
       }, math_bound, false, 1, false, 100.0f, 0, 0,
       [](float x, float, float) { return std::exp((long double)x); }},
      {"log1p", 1, [](const float* a, const float*, float* y, std::size_t n, float) {
         simdense::log1p(a, y, n);
       }, math_bound, false, 1, true, 4.0f, 0, 0,
       [](float x, float, float) { return x < -1 ? (long double)NAN : std::log1p((long double)x); }},
  };
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_elementwise(data, size, cases());
}
