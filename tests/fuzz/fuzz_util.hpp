// Shared pieces of the differential fuzz targets (tests/fuzz/fuzz_<family>.cpp).
//
// Each target reads from the fuzzer's bytes: which kernel of its table, which SIMD ISA (among
// supported_isas()), sizes, strides, buffer misalignments, in-place or not, and the values
// (special values, raw bit patterns, typical ranges, points near each kernel's thresholds). It
// runs the kernel on the scalar reference (set_isa(Isa::scalar)) and on the chosen ISA and
// requires the two to agree within the bound the public header documents; NaN must match NaN.
// A mismatch prints the kernel, ISA, sizes, index, inputs and both results, then aborts, so
// libFuzzer saves the input as a crash-* artifact (replay: ./fuzz_<family> crash-...).
//
// Buffers are exact-size heap blocks (posix_memalign, 64-byte aligned, then shifted by the
// chosen misalignment): ASan's redzone starts right after the last element, and the floats
// before the start are poisoned, so a read or write past either end of any buffer is reported.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>
#include <sanitizer/asan_interface.h>

#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <simdense/simdense.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/ulp.hpp"

namespace fuzz {

using simdense::Isa;

// ---- buffers --------------------------------------------------------------------------------

// n floats starting `lead` floats past a 64-byte boundary; the lead is poisoned.
class Buf {
 public:
  Buf() = default;
  Buf(std::size_t n, std::size_t lead) : n_(n), lead_(lead) {
    void* p = nullptr;
    const std::size_t bytes = (lead + n) * sizeof(float);
    if (posix_memalign(&p, 64, bytes == 0 ? 1 : bytes) != 0) std::abort();
    base_ = static_cast<float*>(p);
    data_ = base_ + lead;
    for (std::size_t i = 0; i < n; ++i) data_[i] = 0.0f;
    ASAN_POISON_MEMORY_REGION(base_, lead * sizeof(float));
  }
  ~Buf() { release(); }
  Buf(Buf&& o) noexcept { *this = static_cast<Buf&&>(o); }
  Buf& operator=(Buf&& o) noexcept {
    if (this != &o) {
      release();
      base_ = o.base_, data_ = o.data_, n_ = o.n_, lead_ = o.lead_;
      o.base_ = o.data_ = nullptr;
      o.n_ = o.lead_ = 0;
    }
    return *this;
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return n_; }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }
  std::vector<float> copy() const { return std::vector<float>(data_, data_ + n_); }
  // A deep copy at the same misalignment.
  Buf clone() const {
    Buf b(n_, lead_);
    for (std::size_t i = 0; i < n_; ++i) b[i] = data_[i];
    return b;
  }

 private:
  void release() {
    if (base_ == nullptr) return;
    ASAN_UNPOISON_MEMORY_REGION(base_, lead_ * sizeof(float));
    std::free(base_);
    base_ = data_ = nullptr;
  }
  float* base_ = nullptr;
  float* data_ = nullptr;
  std::size_t n_ = 0, lead_ = 0;
};

// ---- values -----------------------------------------------------------------------------------

inline const std::vector<float>& special_values() {
  constexpr float inf = std::numeric_limits<float>::infinity();
  static const std::vector<float> v = {
      0.0f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
      -std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::max(),
      -std::numeric_limits<float>::max(), std::numeric_limits<float>::min(),
      -std::numeric_limits<float>::min(), std::numeric_limits<float>::denorm_min(),
      -std::numeric_limits<float>::denorm_min(), 1e-38f, -1e-38f, 1e-45f * 300,
      std::numeric_limits<float>::epsilon(), 1.0f, -1.0f, 0.5f, -0.5f, 2.0f, -2.0f};
  return v;
}

// Thresholds where kernels switch paths or results change regime (overflow, underflow,
// subnormal results, derivative roots, saturation); the fuzzer probes a few ULPs around them.
inline const std::vector<float>& threshold_values() {
  static const std::vector<float> v = {
      88.72283f, 88.7228394f, -87.33654f, -103.972084f, -104.0f, -150.0f, 89.0f, -88.0f,
      -0.99999994f, -1.0f, -1.2785f, -0.7518f, -0.7525f, 9.0f, -9.0f, 15.0f, -15.0f, 20.0f,
      -20.0f, 0.625f, -0.625f, 1e-4f, -1e-4f, 1e-8f, -1e-8f, 4.0f, -4.0f, -5.0f, 10.0f, -10.0f,
      1e13f, -1e13f, 1e19f, -1e19f, 1e30f, -1e30f, 0.693147f, -0.693147f, 3.0f, -3.0f};
  return v;
}

inline float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
inline std::uint32_t bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// The fuzzer's bytes, read as the parameters of one differential run.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data, size) {}

  bool empty() { return p_.remaining_bytes() == 0; }
  template <class T>
  T in_range(T lo, T hi) { return p_.ConsumeIntegralInRange<T>(lo, hi); }
  bool flag() { return p_.ConsumeBool(); }

  // A size in [0, max]: mostly small (every tail of 4/8/16-lane code), sometimes up to max.
  std::size_t size(std::size_t max) {
    switch (in_range<int>(0, 3)) {
      case 0: return in_range<std::size_t>(0, max < 40 ? max : 40);
      case 1: return in_range<std::size_t>(0, max);
      default: return in_range<std::size_t>(0, max < 70 ? max : 70);
    }
  }
  // A misalignment in floats from a 64-byte boundary.
  std::size_t lead() { return in_range<std::size_t>(0, 15); }

  // A SIMD ISA among those this CPU supports (scalar only when there is nothing else).
  Isa isa() {
    static const std::vector<Isa> simd = [] {
      std::vector<Isa> v;
      for (Isa i : simdense::supported_isas())
        if (i != Isa::scalar) v.push_back(i);
      if (v.empty()) v.push_back(Isa::scalar);
      return v;
    }();
    return simd[in_range<std::size_t>(0, simd.size() - 1)];
  }

  // One value: special, threshold +- a few ULPs, raw bits, or typical in [-range, range].
  float value(float range = 20.0f) {
    switch (in_range<int>(0, 7)) {
      case 0: {
        const auto& s = special_values();
        return s[in_range<std::size_t>(0, s.size() - 1)];
      }
      case 1: {
        const auto& t = threshold_values();
        const float x = t[in_range<std::size_t>(0, t.size() - 1)];
        const int d = in_range<int>(-4, 4);
        return from_bits(bits(x) + std::uint32_t(d));
      }
      case 2: return from_bits(p_.ConsumeIntegral<std::uint32_t>());
      case 3: return float(in_range<int>(-8, 8));
      default: return p_.ConsumeFloatingPointInRange<float>(-range, range);
    }
  }
  // A value from a bounded range only (no inf/NaN): for weights where an inf would make
  // every output NaN and the run uninformative. Special values still reach through value().
  float finite(float range) { return p_.ConsumeFloatingPointInRange<float>(-range, range); }

  // Fills b: either every element from value(), or a "smooth" vector (all typical except a few
  // special entries), so long rows with a handful of special values are common.
  void fill(Buf& b, float range = 20.0f) {
    if (flag()) {
      for (std::size_t i = 0; i < b.size(); ++i) b[i] = value(range);
    } else {
      const std::uint64_t seed = p_.ConsumeIntegral<std::uint64_t>();
      std::uint64_t s = seed;
      for (std::size_t i = 0; i < b.size(); ++i) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        b[i] = float(double(std::int64_t(s >> 11) - (std::int64_t(1) << 52)) * 0x1p-52 * range);
      }
      const int k = in_range<int>(0, 3);
      for (int j = 0; j < k && b.size() != 0; ++j) b[in_range<std::size_t>(0, b.size() - 1)] = value(range);
    }
  }

 private:
  FuzzedDataProvider p_;
};

// ---- comparison ----------------------------------------------------------------------------

using simdense::test::float_order;
using simdense::test::ulp_distance;

// The context printed with a mismatch.
struct Ctx {
  const char* kernel = "?";
  Isa isa = Isa::scalar;
  std::string sizes;  // e.g. "n=17 lead_x=3 inplace=1"
  // With SIMDENSE_FUZZ_DUMP=1 in the environment, a mismatch also prints every input array.
  const std::vector<Buf>* arrays = nullptr;
};

[[noreturn]] inline void fail(const Ctx& c, const std::string& what) {
  std::fprintf(stderr, "\n=== simdense differential mismatch: %s on %s (%s)\n%s\n", c.kernel,
               simdense::isa_name(c.isa), c.sizes.c_str(), what.c_str());
  if (c.arrays != nullptr && std::getenv("SIMDENSE_FUZZ_DUMP") != nullptr) {
    for (std::size_t k = 0; k < c.arrays->size(); ++k) {
      std::fprintf(stderr, "array #%zu (%zu floats):", k, (*c.arrays)[k].size());
      for (std::size_t i = 0; i < (*c.arrays)[k].size(); ++i)
        std::fprintf(stderr, "%s%.9g", i % 8 ? " " : "\n  ", double((*c.arrays)[k][i]));
      std::fprintf(stderr, "\n");
    }
  }
  std::fflush(stderr);
  std::abort();
}

inline std::string fmt(float x) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g (0x%08" PRIx32 ")", double(x), bits(x));
  return b;
}

// got vs want within `ulps`; NaN only where want is NaN. Optionally the sign of a zero.
inline void check_ulp(const Ctx& c, const char* what, std::size_t i, float got, float want,
                      std::int64_t ulps, const std::string& inputs, bool zero_sign = false) {
  const std::int64_t d = ulp_distance(got, want);
  const bool sign_bad = zero_sign && want == 0.0f && got == 0.0f &&
                        std::signbit(got) != std::signbit(want);
  if (d > ulps || sign_bad)
    fail(c, std::string(what) + "[" + std::to_string(i) + "]: got " + fmt(got) + ", scalar " +
                fmt(want) + ", " + (d == INT64_MAX ? std::string("NaN mismatch")
                                                   : std::to_string(d) + " ULP") +
                " > bound " + std::to_string(ulps) + (sign_bad ? " (sign of zero)" : "") +
                "; inputs: " + inputs);
}

// |got - want| <= tol (an absolute bound derived from the header's error formula); NaN only
// where want is NaN, inf only equal to the same inf.
inline void check_abs(const Ctx& c, const char* what, std::size_t i, float got, float want,
                      double tol, const std::string& inputs) {
  bool bad;
  if (std::isnan(want) || std::isnan(got)) bad = std::isnan(want) != std::isnan(got);
  else if (std::isinf(want) || std::isinf(got)) bad = got != want;
  else bad = !(std::fabs(double(got) - double(want)) <= tol);
  if (bad)
    fail(c, std::string(what) + "[" + std::to_string(i) + "]: got " + fmt(got) + ", scalar " +
                fmt(want) + ", |diff| " + std::to_string(std::fabs(double(got) - double(want))) +
                " > tol " + std::to_string(tol) + "; inputs: " + inputs);
}

// The inputs of element i (for elementwise kernels) as text.
inline std::string at(const char* name, const float* p, std::size_t i) {
  return std::string(name) + "=" + fmt(p[i]);
}

// The input must not change (unless the call was in place).
inline void check_unchanged(const Ctx& c, const char* name, const Buf& b,
                            const std::vector<float>& before) {
  for (std::size_t i = 0; i < b.size(); ++i)
    if (bits(b[i]) != bits(before[i]))
      fail(c, std::string("input ") + name + " was written at " + std::to_string(i));
}

// ---- differential runs of calls with several arrays and a returned value -----------------------

// What one call did: its arrays afterwards, its returned value, or the exception it threw.
struct Outcome {
  std::vector<Buf> bufs;
  double ret = 0;
  std::string error;  // "" or "<type>: <what>"
};

// Runs f(bufs) -> returned value on a deep copy of `init` with `isa` forced.
template <class F>
Outcome run_on(Isa isa, const std::vector<Buf>& init, F&& f) {
  Outcome o;
  for (const Buf& b : init) o.bufs.push_back(b.clone());
  simdense::set_isa(isa);
  try {
    o.ret = double(f(o.bufs));
  } catch (const std::out_of_range& e) {
    o.error = std::string("out_of_range: ") + e.what();
  } catch (const std::invalid_argument& e) {
    o.error = std::string("invalid_argument: ") + e.what();
  }
  return o;
}

// The ISA under test must refuse exactly what the scalar path refuses, with the same message.
// Returns true when both refused (nothing more to compare).
inline bool same_refusal(const Ctx& c, const Outcome& want, const Outcome& got) {
  if (want.error != got.error)
    fail(c, "refusal differs: scalar '" + want.error + "', this ISA '" + got.error + "'");
  return !want.error.empty();
}

// Arrays that are inputs only must be bit-for-bit unchanged.
inline void check_inputs_unchanged(const Ctx& c, const std::vector<Buf>& init, const Outcome& o,
                                   std::initializer_list<std::size_t> inputs) {
  for (std::size_t k : inputs)
    for (std::size_t i = 0; i < init[k].size(); ++i)
      if (bits(init[k][i]) != bits(o.bufs[k][i]))
        fail(c, "input array #" + std::to_string(k) + " was written at " + std::to_string(i));
}

// Relative-plus-absolute closeness of results (NaN must match NaN, an infinity the same infinity).
inline void check_rel(const Ctx& c, const char* what, std::size_t i, double got, double want,
                      double rel, double abs, const std::string& inputs = "") {
  bool bad;
  if (std::isnan(want) || std::isnan(got)) bad = std::isnan(want) != std::isnan(got);
  else if (std::isinf(want) || std::isinf(got)) bad = got != want;
  else bad = !(std::fabs(got - want) <= rel * std::fabs(want) + abs);
  if (bad) {
    char b[256];
    std::snprintf(b, sizeof b, "%s[%zu]: got %.9g, scalar %.9g, |diff| %.3g > %.3g rel + %.3g abs",
                  what, i, got, want, std::fabs(got - want), rel, abs);
    fail(c, b + (inputs.empty() ? std::string() : "; " + inputs));
  }
}

// The common driver: runs `call` on a copy of `init` on the scalar path and on c.isa, requires
// identical refusals, leaves the `inputs` arrays untouched (bit for bit), then `check(want, got)`.
template <class Call, class Check>
void differential(Ctx& c, const std::vector<Buf>& init, std::vector<std::size_t> inputs,
                  Call call, Check check) {
  c.arrays = &init;
  const Outcome want = run_on(Isa::scalar, init, call);
  const Outcome got = run_on(c.isa, init, call);
  if (same_refusal(c, want, got)) return;
  for (std::size_t k : inputs)
    for (std::size_t i = 0; i < init[k].size(); ++i)
      if (bits(init[k][i]) != bits(got.bufs[k][i]))
        fail(c, "input array #" + std::to_string(k) + " was written at " + std::to_string(i));
  check(want, got);
}

// ---- activations in long double (for matvec_act, dense and the activations family) ----------

// f(x) in long double for simdense::Activation (alpha: leaky slope / elu alpha).
inline long double act_ref(simdense::Activation f, long double x, long double alpha) {
  using A = simdense::Activation;
  const long double sq2pi = 0.797884560802865355879892119868763737L;  // sqrt(2/pi)
  if (std::isinf(x)) {  // the limits (simdense/activations.hpp)
    const bool pos = x > 0;
    switch (f) {
      case A::identity: case A::relu: return pos ? x : (f == A::relu ? 0.0L : x);
      case A::sigmoid: return pos ? 1 : 0;
      case A::tanh: return pos ? 1 : -1;
      case A::leaky_relu: return pos ? x : alpha * x;
      case A::elu: return pos ? x : -alpha;
      case A::silu: case A::gelu: case A::gelu_tanh: return pos ? x : -0.0L;
      case A::softplus: return pos ? x : 0;
    }
  }
  switch (f) {
    case A::identity: return x;
    case A::sigmoid: return 1 / (1 + std::exp(-x));
    case A::tanh: return std::tanh(x);
    case A::relu: return x < 0 ? 0.0L : x;  // NaN and -0 pass through
    case A::leaky_relu: return x < 0 ? alpha * x : x;
    case A::elu: return x < 0 ? alpha * std::expm1(x) : x;
    case A::silu: return x / (1 + std::exp(-x));
    case A::gelu: return x / 2 * std::erfc(-x / std::sqrt(2.0L));
    case A::gelu_tanh: return x / (1 + std::exp(-2 * sq2pi * (x + 0.044715L * x * x * x)));
    case A::softplus: return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
  return NAN;
}

// f'(x) in long double (the derivative the *_grad kernels multiply dy by).
inline long double act_grad_ref(simdense::Activation f, long double x, long double alpha) {
  using A = simdense::Activation;
  const long double c = 0.797884560802865355879892119868763737L;  // sqrt(2/pi)
  const long double inv_sqrt_2pi = 0.398942280401432677939946059934381868L;
  auto sig = [](long double t) { return 1 / (1 + std::exp(-t)); };
  if (std::isnan(x)) return x;
  switch (f) {
    case A::identity: return 1;
    case A::sigmoid: { const long double e = std::exp(-std::fabs(x)); return e / ((1 + e) * (1 + e)); }
    case A::tanh: { const long double e = std::exp(-2 * std::fabs(x)); return 4 * e / ((1 + e) * (1 + e)); }
    case A::relu: return x > 0 ? 1 : 0;
    case A::leaky_relu: return x > 0 ? 1 : alpha;
    case A::elu: return x >= 0 ? 1 : alpha * std::exp(x);
    case A::silu: {
      if (std::isinf(x)) return x > 0 ? 1 : 0;
      const long double s = sig(x);
      return s * (1 + x * (1 - s));
    }
    case A::gelu:
      if (std::isinf(x)) return x > 0 ? 1 : 0;
      return 0.5L * std::erfc(-x / std::sqrt(2.0L)) + x * inv_sqrt_2pi * std::exp(-x * x / 2);
    case A::gelu_tanh: {
      if (std::isinf(x) || std::fabs(x) > 1e6L) return x > 0 ? 1 : 0;
      const long double u = c * (x + 0.044715L * x * x * x), du = c * (1 + 3 * 0.044715L * x * x);
      const long double s = sig(2 * u);
      return s + x * s * (1 - s) * 2 * du;
    }
    case A::softplus: return sig(x);
  }
  return NAN;
}

// The forward ULP bound of f (simdense/activations.hpp) on isa at input x.
inline std::int64_t act_ulps(simdense::Activation f, Isa isa, float x, float alpha) {
  using A = simdense::Activation;
  const bool sse2 = isa == Isa::sse2;
  switch (f) {
    case A::identity: case A::relu: case A::leaky_relu: return 0;
    case A::sigmoid: return 2;
    case A::tanh: return sse2 ? 2 : 1;
    case A::elu: return (sse2 ? 2 : 1) + (alpha != 1.0f ? 1 : 0);
    case A::silu: return sse2 ? 4 : (x >= -64 ? 2 : 4);
    case A::gelu: return sse2 ? 8 : 4;
    case A::gelu_tanh: return sse2 ? 16 : (x >= -4 ? 4 : 16);
    case A::softplus: return 2;
  }
  return 0;
}

// Runs f() with ISA forced.
template <class F>
void on_isa(Isa isa, F&& f) {
  simdense::set_isa(isa);
  f();
}

// A fuzz target's kernels: the first input byte picks one, which then reads the rest.
struct Case {
  const char* name;
  void (*run)(Input&, Ctx&);
};

// The body of LLVMFuzzerTestOneInput for a table of cases.
template <std::size_t N>
inline int run_cases(const std::uint8_t* data, std::size_t size, const Case (&cases)[N]) {
  Input in(data, size);
  const Case& k = cases[in.in_range<std::size_t>(0, N - 1)];
  Ctx c;
  c.kernel = k.name;
  c.isa = in.isa();
  k.run(in, c);
  return 0;
}

}  // namespace fuzz
