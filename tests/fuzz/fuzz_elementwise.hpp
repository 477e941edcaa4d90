// The differential harness for elementwise kernels (math, activations): a table of cases, each
// a public function of 1 or 2 input arrays and one output array (optionally a scalar
// parameter), with its documented tolerance as a function of the ISA and the inputs.
#pragma once

#include <functional>

#include "fuzz_util.hpp"

namespace fuzz {

// A tolerance: pass when within `ulps` of the scalar result, or within `abs` of it.
struct Tol {
  std::int64_t ulps;
  double abs = 0.0;
  bool nan_ok = false;  // NaN accepted here (documented as unspecified, or a reported finding)
};

struct EwCase {
  const char* name;
  int arity;  // 1: f(x, y, n)   2: f(a, b, out, n)
  // Calls the public function; `p` is the fuzzed parameter (e.g. alpha) when has_param.
  std::function<void(const float* a, const float* b, float* out, std::size_t n, float p)> call;
  // The documented bound at this input (ISA, a[i], b[i], p).
  std::function<Tol(Isa isa, float a, float b, float p)> tol;
  bool has_param = false;
  // Which input the output may alias exactly (documented in-place use): bit 0 = a, bit 1 = b.
  unsigned alias_ok = 1;
  bool zero_sign = false;  // the sign of a zero result is documented: it must match
  float range = 20.0f;     // typical values come from [-range, range]
  float param_lo = 0.0f, param_hi = 1.0f;
  // When set, results are checked against this exact value (long double, rounded once to
  // float) instead of the scalar path: the bounds are stated against the correctly rounded
  // result, and the scalar path may itself be 1 ULP off it (double rounding).
  std::function<long double(float a, float b, float p)> exact;
  // Maps each fuzzed a into the function's domain (e.g. a sigmoid output into [0, 1]).
  std::function<float(float a, float p)> domain_a;
};

// One run: reads the case, ISA, n, misalignments, aliasing and values; compares the ISA's
// result with the scalar reference.
inline void run_elementwise(Input& in, const std::vector<EwCase>& cases) {
  const EwCase& k = cases[in.in_range<std::size_t>(0, cases.size() - 1)];
  Ctx c;
  c.kernel = k.name;
  c.isa = in.isa();
  const std::size_t n = in.size(1100);
  const std::size_t la = in.lead(), lb = in.lead(), lo = in.lead();
  // 0: separate output; 1: out == a; 2: out == b (when documented).
  unsigned alias = in.in_range<unsigned>(0, 2);
  if (alias == 1 && !(k.alias_ok & 1)) alias = 0;
  if (alias == 2 && (k.arity < 2 || !(k.alias_ok & 2))) alias = 0;
  const float p = k.has_param ? (in.flag() ? in.value(4.0f)
                                           : in.in_range<int>(0, 1) ? k.param_lo : k.param_hi)
                              : 0.0f;
  Buf a(n, la), b(k.arity > 1 ? n : 0, lb);
  in.fill(a, k.range);
  if (k.arity > 1) in.fill(b, k.range);
  if (k.domain_a)
    for (std::size_t i = 0; i < n; ++i) a[i] = k.domain_a(a[i], p);
  c.sizes = "n=" + std::to_string(n) + " lead=" + std::to_string(la) + "/" + std::to_string(lb) +
            "/" + std::to_string(lo) + " alias=" + std::to_string(alias) +
            (k.has_param ? " p=" + fmt(p) : "");
  const std::vector<float> a0 = a.copy(), b0 = b.copy();

  // Scalar reference on a separate output. A refusal (e.g. a non-finite alpha) must be the
  // same on the ISA under test, message included.
  Buf want(n, lo);
  std::string refused;
  try {
    on_isa(Isa::scalar, [&] { k.call(a.data(), b.data(), want.data(), n, p); });
  } catch (const std::invalid_argument& e) {
    refused = e.what();
  }
  if (!refused.empty()) {
    std::string got_refusal;
    Buf out(n, lo);
    try {
      on_isa(c.isa, [&] { k.call(a.data(), b.data(), out.data(), n, p); });
    } catch (const std::invalid_argument& e) {
      got_refusal = e.what();
    }
    if (got_refusal != refused)
      fail(c, "refusal differs: scalar '" + refused + "', this ISA '" + got_refusal + "'");
    return;
  }
  check_unchanged(c, "a (scalar run)", a, a0);

  // The ISA under test, out of place or in place.
  Buf out(alias == 0 ? n : 0, lo);
  float* dst = alias == 0 ? out.data() : alias == 1 ? a.data() : b.data();
  // A null pointer with n = 0 is allowed by every elementwise contract.
  const bool null0 = n == 0 && in.flag();
  on_isa(c.isa, [&] {
    if (null0) k.call(nullptr, nullptr, nullptr, 0, p);
    else k.call(a.data(), b.data(), dst, n, p);
  });
  if (alias != 1) check_unchanged(c, "a", a, a0);
  if (alias != 2 && k.arity > 1) check_unchanged(c, "b", b, b0);

  for (std::size_t i = 0; i < n; ++i) {
    const float bi = k.arity > 1 ? b0[i] : 0.0f;
    const Tol t = k.tol(c.isa, a0[i], bi, p);
    if (t.nan_ok && std::isnan(dst[i])) continue;
    const float got = dst[i];
    const float w = k.exact ? float(k.exact(a0[i], bi, p)) : want[i];
    if (t.abs > 0 && !std::isnan(w) && !std::isinf(w) && !std::isnan(got) &&
        std::fabs(double(got) - double(w)) <= t.abs)
      continue;
    const std::string inputs = "a=" + fmt(a0[i]) + (k.arity > 1 ? " b=" + fmt(bi) : "");
    check_ulp(c, k.exact ? "out vs exact" : "out", i, got, w, t.ulps,
              inputs + (k.exact ? " scalar path=" + fmt(want[i]) : ""), k.zero_sign);
  }
}

// The body of LLVMFuzzerTestOneInput for a table of elementwise cases.
inline int run_elementwise(const std::uint8_t* data, std::size_t size,
                           const std::vector<EwCase>& cases) {
  Input in(data, size);
  run_elementwise(in, cases);
  return 0;
}

}  // namespace fuzz
