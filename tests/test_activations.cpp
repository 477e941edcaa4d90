// Activations and their derivatives (kernels/src/impl/act-inl.hpp) against long double
// references, every ISA and the scalar reference. Tolerances equal the bounds documented in
// kernels/include/simdense/activations.hpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/test_util.hpp"

using namespace simdense;
using test::ulp_error;
using LD = long double;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
const LD kSqrt2 = std::sqrt(2.0L);
const LD kPi = 3.141592653589793238462643383279502884L;

LD sigmoid_l(LD x) {
  const LD e = std::exp(-std::fabs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}
LD gelu_tanh_v(LD x) { return 2 * std::sqrt(2 / kPi) * (x + 0.044715L * x * x * x); }

// Reference f and f' in long double (x finite or not; NaN handled by the caller).
LD ref_f(Activation f, LD x, LD a) {
  switch (f) {
    case Activation::identity: return x;
    case Activation::sigmoid: return sigmoid_l(x);
    case Activation::tanh: return std::tanh(x);
    case Activation::relu: return x < 0 ? 0 : x;
    case Activation::leaky_relu: return x < 0 ? a * x : x;
    case Activation::elu: return x < 0 ? a * std::expm1(x) : x;
    case Activation::silu: return std::isinf(x) ? (x > 0 ? x : 0) : x * sigmoid_l(x);
    case Activation::gelu: return std::isinf(x) ? (x > 0 ? x : 0) : x * std::erfc(-x / kSqrt2) / 2;
    case Activation::gelu_tanh: return std::isinf(x) ? (x > 0 ? x : 0) : x * sigmoid_l(gelu_tanh_v(x));
    case Activation::softplus: return (x > 0 ? x : 0) + std::log1p(std::exp(-std::fabs(x)));
  }
  return x;
}

LD ref_df(Activation f, LD x, LD a) {
  switch (f) {
    case Activation::identity: return 1;
    case Activation::sigmoid: {
      const LD e = std::exp(-std::fabs(x));
      return e / ((1 + e) * (1 + e));
    }
    case Activation::tanh: {
      const LD e = std::exp(-2 * std::fabs(x));
      return 4 * e / ((1 + e) * (1 + e));
    }
    case Activation::relu: return x > 0 ? 1 : 0;
    case Activation::leaky_relu: return x > 0 ? 1 : a;
    case Activation::elu: return x < 0 ? a * std::exp(x) : 1;
    case Activation::silu: {
      if (std::isinf(x)) return x > 0 ? 1 : 0;
      const LD s = sigmoid_l(x), sm = sigmoid_l(-x);
      return s * (1 + x * sm);
    }
    case Activation::gelu:
      if (std::isinf(x)) return x > 0 ? 1 : 0;
      return std::erfc(-x / kSqrt2) / 2 + x * std::exp(-x * x / 2) / std::sqrt(2 * kPi);
    case Activation::gelu_tanh: {
      if (std::fabs(x) > 1e6L) return x > 0 ? 1 : 0;
      const LD v = gelu_tanh_v(x);
      const LD dv = 2 * std::sqrt(2 / kPi) * (1 + 3 * 0.044715L * x * x);
      const LD e = std::exp(-std::fabs(v));
      const LD sp = e / ((1 + e) * (1 + e));  // sigmoid'(v)
      return sigmoid_l(v) + x * sp * dv;
    }
    case Activation::softplus: return sigmoid_l(x);
  }
  return 1;
}

// Where a derivative has a root, within 0.1 of it the bound is absolute (1e-7).
float root_of(Activation f) {
  switch (f) {
    case Activation::silu: return -1.27846454f;
    case Activation::gelu: return -0.75179189f;
    case Activation::gelu_tanh: return -0.75246954f;
    default: return NAN;
  }
}

// Documented ULP bounds (activations.hpp). Scalar reference: one rounding of a double formula.
std::int64_t bound_f(Activation f, Isa isa, float x) {
  if (isa == Isa::scalar) return 1;
  const bool sse2 = isa == Isa::sse2;
  switch (f) {
    case Activation::identity:
    case Activation::relu:
    case Activation::leaky_relu: return 0;
    case Activation::sigmoid: return 2;
    case Activation::tanh: return sse2 ? 2 : 1;
    case Activation::elu: return sse2 ? 2 : 1;
    case Activation::silu: return sse2 ? 4 : (x >= -64 ? 2 : 4);
    case Activation::gelu: return sse2 ? 8 : 4;
    case Activation::gelu_tanh: return sse2 ? 16 : (x >= -4 ? 4 : 16);
    case Activation::softplus: return 2;
  }
  return 0;
}

std::int64_t bound_df(Activation f, Isa isa) {
  if (isa == Isa::scalar) return 1;
  switch (f) {
    case Activation::identity:
    case Activation::relu:
    case Activation::leaky_relu: return 0;
    case Activation::sigmoid:
    case Activation::tanh: return 4;
    case Activation::elu: return isa == Isa::sse2 ? 2 : 1;
    case Activation::softplus: return 2;
    case Activation::gelu: return isa == Isa::sse2 ? 24 : 16;
    default: return 16;
  }
}

const Activation kAll[] = {Activation::identity, Activation::sigmoid,   Activation::tanh,
                           Activation::relu,     Activation::leaky_relu, Activation::elu,
                           Activation::silu,     Activation::gelu,      Activation::gelu_tanh,
                           Activation::softplus};

// Checks got against the reference for inputs x; records the worst error; returns the number
// of failures (each failure is also reported once per function, with its x).
struct Worst {
  std::int64_t ulp = 0;
  float x = 0;
  double abs_near_root = 0;
  std::size_t fails = 0;
  float fail_x = 0;
  float fail_got = 0;
  double fail_want = 0;
};

void check_batch(Activation f, bool grad, Isa isa, float alpha, const float* x, const float* got,
                 std::size_t n, Worst& w) {
  const float root = root_of(f);
  for (std::size_t i = 0; i < n; ++i) {
    const float xi = x[i];
    bool ok;
    if (std::isnan(xi)) {
      ok = std::isnan(got[i]);
      if (!ok && w.fails++ == 0) w.fail_x = xi, w.fail_got = got[i], w.fail_want = NAN;
      continue;
    }
    const LD want = grad ? ref_df(f, xi, alpha) : ref_f(f, xi, alpha);
    if (grad && std::fabs(xi - root) < 0.1f) {
      const double e = std::fabs(double(got[i]) - double(want));
      if (e > w.abs_near_root) w.abs_near_root = e;
      ok = e <= 1e-7;
    } else {
      const std::int64_t e = ulp_error(got[i], want);
      if (e > w.ulp) w.ulp = e, w.x = xi;
      ok = e <= (grad ? bound_df(f, isa) : bound_f(f, isa, xi));
    }
    if (!ok && w.fails++ == 0) w.fail_x = xi, w.fail_got = got[i], w.fail_want = double(want);
  }
}

std::string fmt_abs(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2g", v);
  return b;
}

void report(Activation f, bool grad, Isa isa, const Worst& w, const char* what) {
  const std::string name = std::string(activation_name(f)) + (grad ? "'" : "");
  if (w.fails != 0) {
    std::uint32_t u;
    std::memcpy(&u, &w.fail_x, 4);
    INFO(name << " first failure at x = " << w.fail_x << " (bits " << u << "): got "
              << w.fail_got << " want " << w.fail_want);
    CHECK(w.fails == 0);
  }
  MESSAGE(std::string(isa_name(isa)) << " " << std::string(what) << " " << name << ": worst " << w.ulp << " ULP at x = "
                        << w.x
                        << (std::isnan(root_of(f)) || !grad
                                ? std::string()
                                : "; near root abs " + fmt_abs(w.abs_near_root))
                        << (w.fails ? " FAILURES " + std::to_string(w.fails) : std::string()));
}

// Strided sweep of the bit patterns: forward and backward (dy = 1, so dx = f'(x) exactly).
void sweep(Activation f, Isa isa, std::uint32_t stride) {
  const float alpha = default_alpha(f);
  Worst wf, wb;
  std::vector<float> y(1 << 16), dy(1 << 16, 1.0f), dx(1 << 16);
  test::for_strided_floats(stride, [&](const float* x, std::size_t n) {
    activation(f, x, y.data(), n, alpha);
    check_batch(f, false, isa, alpha, x, y.data(), n, wf);
    activation_grad(f, x, dy.data(), dx.data(), n, alpha);
    check_batch(f, true, isa, alpha, x, dx.data(), n, wb);
  });
  report(f, false, isa, wf, "sweep");
  report(f, true, isa, wb, "sweep");
}

// Dense random sample of the range where the functions are not saturated, and around roots.
void sample(Activation f, Isa isa, std::size_t count) {
  const float alpha = default_alpha(f);
  Worst wf, wb;
  test::Rng rng(1234 + int(f));
  std::vector<float> x(count), y(count), dy(count, 1.0f), dx(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t k = i % 4;
    x[i] = k == 0 ? rng.uniform(-20.0f, 20.0f)
         : k == 1 ? rng.uniform(-2.0f, 1.0f)
         : k == 2 ? rng.uniform(-110.0f, 10.0f)
                  : float(rng.normal() * 3.0);
  }
  activation(f, x.data(), y.data(), count, alpha);
  check_batch(f, false, isa, alpha, x.data(), y.data(), count, wf);
  activation_grad(f, x.data(), dy.data(), dx.data(), count, alpha);
  check_batch(f, true, isa, alpha, x.data(), dx.data(), count, wb);
  report(f, false, isa, wf, "sample");
  report(f, true, isa, wb, "sample");
}

std::uint32_t env_stride(std::uint32_t def) {
  const char* s = std::getenv("SIMDENSE_ACT_STRIDE");  // for measurement runs
  return (s && *s) ? std::uint32_t(std::strtoul(s, nullptr, 10)) : def;
}

// SIMDENSE_ACT_ONLY=<name> (e.g. sigmoid) limits the sweeps to one function: measurement runs of
// the stride-1 exhaustive suite, one function (and one ISA via SIMDENSE_TEST_ISA) at a time.
bool selected(Activation f) {
  const char* s = std::getenv("SIMDENSE_ACT_ONLY");
  return s == nullptr || *s == 0 || std::string(s) == activation_name(f);
}

using Fwd = void (*)(const float*, float*, std::size_t);
using Bwd = void (*)(const float*, const float*, float*, std::size_t);

}  // namespace

TEST_SUITE("activations") {
  TEST_CASE("strided sweep of all floats, forward and backward") {
    test::for_each_isa([](Isa isa) {
      for (Activation f : kAll) {
        if (!selected(f)) continue;
        CAPTURE(activation_name(f));
        sweep(f, isa, env_stride(4093));
      }
    });
  }

  TEST_CASE("dense sample of the active range and the derivative roots") {
    test::for_each_isa([](Isa isa) {
      for (Activation f : kAll) {
        CAPTURE(activation_name(f));
        sample(f, isa, 1 << 16);
      }
    });
  }

  TEST_CASE("named functions equal the value-taking entry point; alpha is honoured") {
    test::for_each_isa([](Isa) {
      const std::size_t n = 257;
      test::Rng rng(7);
      std::vector<float> x(n), dy(n), a(n), b(n);
      for (std::size_t i = 0; i < n; ++i) x[i] = float(rng.normal() * 4), dy[i] = float(rng.normal());
      struct P { Activation f; Fwd fwd; Bwd bwd; };
      const P pairs[] = {{Activation::sigmoid, sigmoid, sigmoid_grad},
                         {Activation::tanh, simdense::tanh, tanh_grad},
                         {Activation::relu, relu, relu_grad},
                         {Activation::silu, silu, silu_grad},
                         {Activation::gelu, gelu, gelu_grad},
                         {Activation::gelu_tanh, gelu_tanh, gelu_tanh_grad},
                         {Activation::softplus, softplus, softplus_grad}};
      for (const P& p : pairs) {
        CAPTURE(activation_name(p.f));
        p.fwd(x.data(), a.data(), n);
        activation(p.f, x.data(), b.data(), n);
        CHECK(std::memcmp(a.data(), b.data(), n * 4) == 0);
        p.bwd(x.data(), dy.data(), a.data(), n);
        activation_grad(p.f, x.data(), dy.data(), b.data(), n);
        CHECK(std::memcmp(a.data(), b.data(), n * 4) == 0);
      }
      // leaky relu and elu: default alpha and a custom one, exact / bounded against the reference.
      for (float alpha : {0.01f, 0.2f}) {
        leaky_relu(x.data(), a.data(), n, alpha);
        leaky_relu_grad(x.data(), dy.data(), b.data(), n, alpha);
        for (std::size_t i = 0; i < n; ++i) {
          CHECK(a[i] == (x[i] < 0 ? alpha * x[i] : x[i]));
          CHECK(b[i] == (x[i] > 0 ? dy[i] : alpha * dy[i]));
        }
      }
      leaky_relu(x.data(), a.data(), n);
      activation(Activation::leaky_relu, x.data(), b.data(), n, kLeakyReluAlpha);
      CHECK(std::memcmp(a.data(), b.data(), n * 4) == 0);
      for (float alpha : {1.0f, 0.5f, 2.5f}) {
        elu(x.data(), a.data(), n, alpha);
        elu_grad(x.data(), dy.data(), b.data(), n, alpha);
        for (std::size_t i = 0; i < n; ++i) {
          CHECK(ulp_error(a[i], ref_f(Activation::elu, x[i], alpha)) <= 2);
          CHECK(ulp_error(b[i], LD(dy[i]) * ref_df(Activation::elu, x[i], alpha)) <= 3);
        }
      }
      // identity: y = x, dx = dy.
      activation(Activation::identity, x.data(), a.data(), n);
      CHECK(std::memcmp(a.data(), x.data(), n * 4) == 0);
      activation_grad(Activation::identity, x.data(), dy.data(), a.data(), n);
      CHECK(std::memcmp(a.data(), dy.data(), n * 4) == 0);
    });
  }

  TEST_CASE("special values: NaN, infinities, signed zeros, subnormals") {
    test::for_each_isa([](Isa isa) {
      const float dn = std::numeric_limits<float>::denorm_min();
      for (Activation f : kAll) {
        CAPTURE(activation_name(f));
        const float alpha = default_alpha(f);
        const float in[] = {NAN, -NAN, kInf, -kInf, 0.0f, -0.0f, dn, -dn, 1e-40f, -1e-40f};
        const std::size_t n = sizeof in / sizeof in[0];
        float y[n], dx[n], ones[n];
        for (auto& o : ones) o = 1.0f;
        activation(f, in, y, n, alpha);
        activation_grad(f, in, ones, dx, n, alpha);
        CHECK(std::isnan(y[0]));
        CHECK(std::isnan(y[1]));
        CHECK(std::isnan(dx[0]));
        CHECK(std::isnan(dx[1]));
        for (std::size_t i = 2; i < n; ++i) {
          CAPTURE(in[i]);
          const LD want = ref_f(f, in[i], alpha);
          CHECK(ulp_error(y[i], want) <= bound_f(f, isa, in[i]));
          CHECK(ulp_error(dx[i], ref_df(f, in[i], alpha)) <= bound_df(f, isa));
        }
        // Limits at +-inf (exact).
        CHECK(double(y[2]) == double(ref_f(f, kInf, alpha)));
        CHECK(double(y[3]) == double(ref_f(f, -kInf, alpha)));
        // Sign of zero where the function is odd-like at 0 (documented in activations.hpp).
        if (f != Activation::sigmoid && f != Activation::softplus) {
          CHECK((y[4] == 0.0f && !std::signbit(y[4])));
          CHECK((y[5] == 0.0f && std::signbit(y[5])));
        }
      }
      // Named limits from the issue.
      float in[2] = {kInf, -kInf}, y[2];
      sigmoid(in, y, 2);
      CHECK((y[0] == 1.0f && y[1] == 0.0f));
      simdense::tanh(in, y, 2);
      CHECK((y[0] == 1.0f && y[1] == -1.0f));
      elu(in, y, 2, 1.5f);
      CHECK((y[0] == kInf && y[1] == -1.5f));
      softplus(in, y, 2);
      CHECK((y[0] == kInf && y[1] == 0.0f));
      // Negative results that underflow keep their sign: -0, not +0 (fuzz finding: gelu(-16.87)
      // gave +0 on AVX-512, where xsimd's unary minus is 0 - x).
      for (Activation f : {Activation::silu, Activation::gelu, Activation::gelu_tanh}) {
        CAPTURE(activation_name(f));
        const float neg[] = {-16.8716545f, -30.0f, -200.0f, -1e30f, -kInf};
        float yn[5];
        activation(f, neg, yn, 5);
        for (float v : yn) CHECK(std::signbit(v));
      }
      // Subnormal results are not flushed: sigmoid(-100) = 3.7e-44.
      float m100 = -100.0f, s;
      sigmoid(&m100, &s, 1);
      CHECK(s > 0.0f);
      CHECK(ulp_error(s, sigmoid_l(-100.0L)) <= 2);
    });
  }

  TEST_CASE("every tail size, misaligned starts, guarded ends, in place") {
    test::for_each_isa([](Isa isa) {
      for (Activation f : kAll) {
        CAPTURE(activation_name(f));
        const float alpha = default_alpha(f);
        for (std::size_t n : test::tail_sizes()) {
          CAPTURE(n);
          test::Rng rng(n + 17);
          std::vector<float> xs(n), dys(n);
          for (std::size_t i = 0; i < n; ++i) {
            xs[i] = i % 7 == 3 ? test::special_floats()[i % test::special_floats().size()]
                               : float(rng.normal() * 6);
            dys[i] = i % 5 == 0 ? 1.0f : float(rng.normal());
          }
          // Guarded end: a read or write past n faults.
          test::GuardedBuffer x(n), y(n), dy(n), dx(n);
          for (std::size_t i = 0; i < n; ++i) x[i] = xs[i], dy[i] = dys[i];
          activation(f, x.data(), y.data(), n, alpha);
          activation_grad(f, x.data(), dy.data(), dx.data(), n, alpha);
          bool ok = true;
          for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(xs[i])) { ok = ok && std::isnan(y[i]) && std::isnan(dx[i]); continue; }
            ok = ok && ulp_error(y[i], ref_f(f, xs[i], alpha)) <= bound_f(f, isa, xs[i]);
            const LD want = LD(dys[i]) * ref_df(f, xs[i], alpha);
            const bool near = std::fabs(xs[i] - root_of(f)) < 0.1f;
            ok = ok && (near ? std::fabs(double(dx[i]) - double(want)) <= 1e-7 * std::fabs(dys[i]) + 1e-30
                             : ulp_error(dx[i], want) <= bound_df(f, isa) + 1);
          }
          CHECK(ok);
          // Misaligned starts, and in place (y == x; dx == dy; dx == x) equal the out-of-place result.
          for (std::size_t off : {0, 1, 3}) {
            CAPTURE(off);
            test::OffsetBuffer ox(n, off), ody(n, off);
            for (std::size_t i = 0; i < n; ++i) ox[i] = xs[i];
            activation(f, ox.data(), ox.data(), n, alpha);
            CHECK(std::memcmp(ox.data(), y.data(), n * 4) == 0);
            for (std::size_t i = 0; i < n; ++i) ox[i] = xs[i], ody[i] = dys[i];
            activation_grad(f, ox.data(), ody.data(), ody.data(), n, alpha);
            CHECK(std::memcmp(ody.data(), dx.data(), n * 4) == 0);
            for (std::size_t i = 0; i < n; ++i) ody[i] = dys[i];
            activation_grad(f, ox.data(), ody.data(), ox.data(), n, alpha);
            CHECK(std::memcmp(ox.data(), dx.data(), n * 4) == 0);
          }
        }
      }
    });
  }

  // An output depends on its own input only, never on its neighbours: the fast paths that a
  // whole vector (or a pair of vectors) takes when every lane is in range must give each lane
  // the bits it gets in a vector that falls back (README "Position-independent results").
  // Inputs mix every path: N(0, 3), N(0, 12), tails beyond the tables, specials.
  TEST_CASE("each output depends only on its own input: the array's result equals each element done alone") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      const std::size_t n = 1031;
      test::Rng rng(29);
      std::vector<float> x(n), dy(n), y(n), dx(n);
      for (std::size_t i = 0; i < n; ++i) {
        const double sd = i % 3 == 0 ? 12.0 : 3.0;
        x[i] = i % 11 == 5 ? test::special_floats()[i % test::special_floats().size()] : float(rng.normal() * sd);
        dy[i] = i % 13 == 7 ? 1e30f : float(rng.normal());
      }
      for (Activation f : kAll) {
        const std::string f_s = activation_name(f);
        CAPTURE(f_s);
        const float alpha = default_alpha(f);
        activation(f, x.data(), y.data(), n, alpha);
        activation_grad(f, x.data(), dy.data(), dx.data(), n, alpha);
        std::size_t differ_f = 0, differ_b = 0;
        float first_f = 0, first_b = 0;
        for (std::size_t i = 0; i < n; ++i) {
          float y1 = 0, dx1 = 0;
          activation(f, &x[i], &y1, 1, alpha);
          activation_grad(f, &x[i], &dy[i], &dx1, 1, alpha);
          if (std::memcmp(&y1, &y[i], 4) != 0 && !(std::isnan(y1) && std::isnan(y[i])) && differ_f++ == 0) first_f = x[i];
          if (std::memcmp(&dx1, &dx[i], 4) != 0 && !(std::isnan(dx1) && std::isnan(dx[i])) && differ_b++ == 0) first_b = x[i];
        }
        CAPTURE(first_f);
        CAPTURE(first_b);
        CHECK(differ_f == 0);
        CHECK(differ_b == 0);
      }
    });
  }

  // Both store policies of the streaming loops (impl/elementwise-inl.hpp): relu and gelu store
  // non-temporally; sigmoid and tanh store ordinarily where the 16 MiB of input and output fit
  // in half the last-level cache (and the CPU has PREFETCHW), non-temporally elsewhere.
  TEST_CASE("large arrays (streaming stores) equal the same data done in small pieces") {
    test::for_each_isa([](Isa) {
      const std::size_t n = (std::size_t(1) << 21) + 37;  // above the streaming threshold
      test::Rng rng(5);
      std::vector<float> store(n + 8), dy(n), big(n), small(n), dbig(n), dsmall(n);
      for (std::size_t off : {0, 3}) {
        CAPTURE(off);
        float* x = store.data() + off;
        for (std::size_t i = 0; i < n; ++i) x[i] = float(rng.normal() * 4), dy[i] = float(rng.normal());
        for (Activation f : {Activation::relu, Activation::gelu, Activation::sigmoid, Activation::tanh}) {
          CAPTURE(activation_name(f));
          activation(f, x, big.data() + off % 2, n - 1);
          activation_grad(f, x, dy.data(), dbig.data() + off % 2, n - 1);
          for (std::size_t i = 0; i < n - 1; i += 4096) {
            const std::size_t m = std::min<std::size_t>(4096, n - 1 - i);
            activation(f, x + i, small.data() + off % 2 + i, m);
            activation_grad(f, x + i, dy.data() + i, dsmall.data() + off % 2 + i, m);
          }
          CHECK(std::memcmp(big.data(), small.data(), (n - 1) * 4) == 0);
          CHECK(std::memcmp(dbig.data(), dsmall.data(), (n - 1) * 4) == 0);
          // In place.
          std::vector<float> xx(x, x + n - 1);
          activation(f, xx.data(), xx.data(), n - 1);
          CHECK(std::memcmp(xx.data(), small.data() + off % 2, (n - 1) * 4) == 0);
        }
      }
    });
  }

  TEST_CASE("backward from the output: formula of y, and its documented weakness") {
    test::for_each_isa([](Isa isa) {
      const std::size_t n = 4099;
      test::Rng rng(99);
      test::GuardedBuffer x(n), y(n), dy(n), dx(n), dxx(n);
      for (std::size_t i = 0; i < n; ++i) x[i] = float(rng.normal() * 5), dy[i] = float(rng.normal());
      x[0] = NAN;
      x[1] = 30.0f;  // sigmoid(30) rounds to 1: the output-based derivative is 0
      for (Activation f : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::elu}) {
        CAPTURE(activation_name(f));
        REQUIRE(has_grad_from_output(f));
        const float alpha = default_alpha(f);
        activation(f, x.data(), y.data(), n, alpha);
        activation_grad_from_output(f, y.data(), dy.data(), dx.data(), n, alpha);
        activation_grad(f, x.data(), dy.data(), dxx.data(), n, alpha);
        CHECK(std::isnan(dx[0]));
        std::int64_t worst = 0;
        for (std::size_t i = 1; i < n; ++i) {
          const LD v = y[i];
          const LD d = f == Activation::sigmoid ? v * (1 - v)
                     : f == Activation::tanh    ? (1 - v) * (1 + v)
                     : f == Activation::relu    ? (v > 0 ? 1 : 0)
                                                : (v > 0 ? LD(1) : v + alpha);
          worst = std::max(worst, ulp_error(dx[i], LD(dy[i]) * d));
        }
        const std::int64_t b = f == Activation::relu ? 0 : isa == Isa::scalar ? 1 : 3;
        CHECK(worst <= b);
        if (f == Activation::relu) CHECK(std::memcmp(dx.data() + 1, dxx.data() + 1, (n - 1) * 4) == 0);
        // In place.
        std::vector<float> keep(dx.data(), dx.data() + n);
        for (std::size_t i = 0; i < n; ++i) dxx[i] = dy[i];
        activation_grad_from_output(f, y.data(), dxx.data(), dxx.data(), n, alpha);
        CHECK(std::memcmp(keep.data() + 1, dxx.data() + 1, (n - 1) * 4) == 0);
      }
      sigmoid(x.data() + 1, y.data(), 1);
      float one = 1.0f, d1, d2;
      sigmoid_grad_from_output(y.data(), &one, &d1, 1);
      sigmoid_grad(x.data() + 1, &one, &d2, 1);
      CHECK(d1 == 0.0f);  // the documented loss
      CHECK(d2 > 0.0f);   // e^-30: the x-based derivative keeps it
    });
  }

  // Fuzz findings (tests/fuzz/repro/activations_findings.cpp): f'(x) at or below float's normal
  // range was rounded before the product with dy, and dy = inf met an f' that underflowed to 0.
  TEST_CASE("backward where f'(x) underflows: dy*f'(x) rounded once, dy = inf gives inf") {
    test::for_each_isa([](Isa isa) {
      struct C { Activation f; float x, dy, alpha; };
      const C cases[] = {
          {Activation::elu, -104.000023f, 4.21293306f, -1e19f},     // was -0, true -2.87e-26
          {Activation::elu, -2.0f, 3e10f, 0x1p-126f},                // alpha e^x subnormal
          {Activation::elu, -20.0f, 1e30f, 0x1p-140f},              // tiny alpha, normal dx
          {Activation::softplus, -103.999969f, -16.8716545f, 0},    // subnormal dx (-1.15e-44)
          {Activation::sigmoid, -100.0f, 0x1p100f, 0},              // sigmoid' = 3.7e-44
          {Activation::sigmoid, 120.0f, 3e38f, 0},
          {Activation::tanh, 50.0f, 0x1p100f, 0},                   // tanh' = 1.5e-43
          {Activation::tanh, -60.0f, -3e38f, 0},
          {Activation::silu, -100.0f, 0x1p90f, 0},
          {Activation::silu, -130.0f, -3e38f, 0},
          {Activation::gelu, -14.0f, 1e30f, 0},                     // gelu' = -1.5e-42
          {Activation::gelu, -15.0f, 3e38f, 0},
          {Activation::gelu_tanh, -10.5f, 1e30f, 0},                // gelu_tanh' = -1.9e-41
          {Activation::gelu_tanh, -12.0f, 3e38f, 0},
          // The float tail path (act_detail::grad_tail: dy P scaled once) for |dy| up to its
          // limit (20 for gelu', 1e7 for gelu_tanh'): normal, subnormal and (beyond the float
          // path's clamp of x) zero results.
          {Activation::gelu, -13.5f, 15.0f, 0},                     // dx = -2.1e-38
          {Activation::gelu, -14.2f, 19.0f, 0},                     // subnormal dx
          {Activation::gelu, -14.0f, -20.0f, 0},
          {Activation::gelu, -14.7f, 20.0f, 0},                     // dx = -1.4e-45, next to the clamp
          {Activation::gelu, -16.0f, 19.9f, 0},                     // rounds to -0
          {Activation::gelu, -13.5f, 50.0f, 0},                     // above the limit: double
          {Activation::gelu, -14.2f, 99.0f, 0},
          {Activation::gelu_tanh, -10.0f, 7.0f, 0},                 // dx = -1.8e-35
          {Activation::gelu_tanh, -10.45f, -8.0f, 0},               // subnormal dx
          {Activation::gelu_tanh, -11.5f, 7.9f, 0},                 // rounds to -0
          {Activation::gelu_tanh, -11.2f, 9e6f, 0},                 // subnormal dx (-1.3e-42)
          {Activation::gelu_tanh, -10.8f, -9.9e6f, 0},              // dx = 3.9e-39
          {Activation::gelu_tanh, -12.0f, 9.9e6f, 0},               // beyond the clamp: -0
          // The float tail of sigmoid', tanh', elu', silu' and softplus' (act_detail::
          // exp_grad_tail: dy c e^-k|x| scaled once, |dy c| up to 2^40, k|x| clamped at 136):
          // normal, subnormal and (beyond the clamp) zero results, on both sides of 87 (43 for
          // tanh').
          {Activation::sigmoid, -90.0f, 0.5f, 0},                   // subnormal dx (4.1e-40)
          {Activation::sigmoid, 95.0f, 1e12f, 0},                   // dx = 5.5e-30
          {Activation::sigmoid, -100.0f, 0x1p39f, 0},
          {Activation::sigmoid, -130.0f, -1e12f, 0},                // subnormal dx (-3.5e-45)
          {Activation::sigmoid, 140.0f, 1e12f, 0},                  // beyond the clamp: 0
          {Activation::sigmoid, 87.5f, -3e-3f, 0},
          {Activation::tanh, 44.0f, 0.3f, 0},                       // subnormal dx
          {Activation::tanh, -43.25f, 1e-3f, 0},
          {Activation::tanh, -60.0f, 1e11f, 0},                     // subnormal dx (3.1e-41)
          {Activation::tanh, 50.0f, -2e11f, 0},                     // dx = -1.5e-32
          {Activation::tanh, 70.0f, 1e12f, 0},                      // beyond the clamp: 0
          {Activation::elu, -88.0f, 0.25f, 1.0f},                   // subnormal dx
          {Activation::elu, -95.0f, 3e9f, 2.0f},                    // dx = 3.3e-32
          {Activation::elu, -120.0f, -1e11f, 0.5f},                 // subnormal dx
          {Activation::silu, -88.0f, 0.5f, 0},                      // dx = -2.6e-37
          {Activation::silu, -120.0f, 1e9f, 0},                     // subnormal dx
          {Activation::silu, -99.0f, -7e9f, 0},
          {Activation::silu, -150.0f, 5e9f, 0},                     // beyond the clamp: -0
          {Activation::softplus, -90.0f, 0.01f, 0},                 // subnormal dx (8.2e-42)
          {Activation::softplus, -100.0f, 1e12f, 0},                // dx = 3.7e-32
          {Activation::softplus, -87.5f, -2.0f, 0},
      };
      for (const C& c : cases) {
        CAPTURE(activation_name(c.f));
        CAPTURE(c.x);
        CAPTURE(c.dy);
        float dx = 0;
        activation_grad(c.f, &c.x, &c.dy, &dx, 1, c.alpha);
        const LD want = LD(c.dy) * ref_df(c.f, c.x, c.alpha);
        CHECK(want != 0);
        CHECK(ulp_error(dx, want) <= bound_df(c.f, isa) + 1 + (c.f == Activation::elu ? 1 : 0));
      }
      // dy = +-inf: f'(x) > 0 (sign of alpha for elu') for every finite x, so dx = +-inf even
      // where f'(x) is below float's range (tanh'(88.72) = 2.7e-77); f'(+-inf) = 0 gives NaN.
      const float xs[] = {88.7228012f, -88.7228012f, 200.0f, -1e30f, 3e38f, -3e38f};
      for (float dyv : {kInf, -kInf}) {
        for (float x : xs) {
          CAPTURE(x);
          CAPTURE(dyv);
          float dx;
          tanh_grad(&x, &dyv, &dx, 1);
          CHECK(dx == dyv);
          sigmoid_grad(&x, &dyv, &dx, 1);
          CHECK(dx == dyv);
          if (x < 0) {
            softplus_grad(&x, &dyv, &dx, 1);
            CHECK(dx == dyv);
            elu_grad(&x, &dyv, &dx, 1, 2.0f);
            CHECK(dx == dyv);
            elu_grad(&x, &dyv, &dx, 1, -2.0f);
            CHECK(dx == -dyv);
            silu_grad(&x, &dyv, &dx, 1);  // silu'(x) < 0 for x < -1.28
            CHECK(dx == -dyv);
            gelu_grad(&x, &dyv, &dx, 1);  // gelu'(x) < 0 for x < -0.75
            CHECK(dx == -dyv);
            gelu_tanh_grad(&x, &dyv, &dx, 1);
            CHECK(dx == -dyv);
          }
        }
        for (float x : {kInf, -kInf}) {
          float dx;
          tanh_grad(&x, &dyv, &dx, 1);
          CHECK(std::isnan(dx));
          sigmoid_grad(&x, &dyv, &dx, 1);
          CHECK(std::isnan(dx));
        }
      }
    });
  }

  // The AVX-512 tanh is a table of 30 polynomials, interval k = the floats a = |x| for which
  // bits(a + 0.75) >> 20 (exponent and 3 mantissa bits of u = a + 0.75) is the same, i.e. cut
  // where u crosses j/16 in [0.75, 1), j/8 in [1, 2), ..., j in [8, 16); a saturates to exactly
  // 1 at 9.09375 (tanh rounds to 1 from 9.0109). Every float next to each interval boundary, every
  // float of the saturation region, and tiny / subnormal x (interval 0: tanh(x) = x exactly
  // there), both signs; on every ISA against the same bound.
  TEST_CASE("tanh: every float next to the table's interval boundaries, saturation, tiny x") {
    test::for_each_isa([](Isa isa) {
      std::vector<float> xs;
      const auto run = [&](float from, int count) {  // count consecutive floats from `from`
        float v = from;
        for (int i = 0; i < count; ++i, v = std::nextafter(v, kInf)) xs.push_back(v), xs.push_back(-v);
      };
      for (float u = 0.8125f, step = 0.0625f; u <= 10.0f; u += step) {
        if (u == 1.0f || u == 2.0f || u == 4.0f || u == 8.0f) step *= 2;
        const float b = u - 0.75f;  // exact; 1024 floats either side of it
        std::uint32_t bits;
        std::memcpy(&bits, &b, 4);
        bits -= 1024;
        float from;
        std::memcpy(&from, &bits, 4);
        run(from, 2048);
      }
      run(9.0f, 1 << 17);  // [9, 9.125): the rounding point 9.0109 and the clamp 9.09375
      for (int e = -149; e <= -8; ++e) run(std::ldexp(1.0f, e), 1024);
      std::vector<float> y(xs.size());
      simdense::tanh(xs.data(), y.data(), xs.size());
      Worst w;
      check_batch(Activation::tanh, false, isa, 0.0f, xs.data(), y.data(), xs.size(), w);
      report(Activation::tanh, false, isa, w, "table boundaries");
      // Exact values: tiny and subnormal x return x; from 9.09375 on (and inf) exactly +-1.
      bool exact = true;
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const float a = std::fabs(xs[i]);
        if (a < 0x1p-13f) exact = exact && y[i] == xs[i] && std::signbit(y[i]) == std::signbit(xs[i]);
        if (a >= 9.09375f) exact = exact && y[i] == std::copysign(1.0f, xs[i]);
      }
      CHECK(exact);
    });
  }

  // The streaming loops hand two vectors to one fast-path test (act_f2, act_grad2: the tables'
  // range and gelu's / gelu_tanh's narrow test). A NaN lane of one vector must not hide a lane
  // of the other beyond the fast path's range (vmaxps of the two returned the NaN, and the
  // compare passed it: sigmoid' of -3.4e38 came out -inf). Each ISA's vector width W (4, 8, 16)
  // gets its own pair of positions, the large value first and the NaN first.
  TEST_CASE("paired vectors: a NaN in one does not hide a large lane of the other") {
    test::for_each_isa([](Isa isa) {
      const float nan = std::numeric_limits<float>::quiet_NaN();
      for (float big : {-3.4e38f, 3.4e38f, -1e30f, 40.0f, -40.0f, kInf, -kInf}) {
        std::vector<float> xs(256, 0.5f);
        // pairs start at multiples of 2W: lane 1 (W = 16), 2 (W = 8), 1 (W = 4) of the pair's vectors
        const int at[3][2] = {{1, 16}, {34, 8}, {49, 4}};
        for (int half = 0; half < 2; ++half)
          for (const auto& p : at) {
            const int b = half * 128 + p[0];
            xs[std::size_t(b)] = half ? nan : big;
            xs[std::size_t(b + p[1])] = half ? big : nan;
          }
        for (Activation f : kAll) {
          const float alpha = default_alpha(f);
          std::vector<float> y(xs.size()), dy(xs.size(), 1.0f), dx(xs.size());
          activation(f, xs.data(), y.data(), xs.size(), alpha);
          activation_grad(f, xs.data(), dy.data(), dx.data(), xs.size(), alpha);
          Worst wf, wb;
          check_batch(f, false, isa, alpha, xs.data(), y.data(), xs.size(), wf);
          check_batch(f, true, isa, alpha, xs.data(), dx.data(), xs.size(), wb);
          CAPTURE(big);
          report(f, false, isa, wf, "paired NaN");
          report(f, true, isa, wb, "paired NaN");
        }
      }
    });
  }

  // The AVX-512 sigmoid', tanh' and silu' (backward, |x| < 19.69 / 9.84, x in [-10.31, 9.69))
  // are tables of 32 polynomials on intervals of width h = 0.625 / 0.3125 / 0.625 centered on
  // the grid k h (x = |x| for the first two, signed for silu'), cut at (k + 1/2) h; a vector
  // with a lane beyond takes the exp-based path there (its other lanes keep the table). Every
  // float next to each cut and next to the
  // switch, both signs, in batches that mix lanes of both paths; on every ISA against the same
  // bounds (4, 4, 16 ULP; silu' absolute within 0.1 of its root).
  TEST_CASE("sigmoid', tanh', silu': every float next to the derivative tables' boundaries") {
    test::for_each_isa([](Isa isa) {
      for (Activation f : {Activation::sigmoid, Activation::tanh, Activation::silu}) {
        const float h = f == Activation::tanh ? 0.3125f : 0.625f;
        std::vector<float> xs;
        for (int k = 0; k <= (f == Activation::silu ? 16 : 31); ++k) {
          float v = (float(k) + 0.5f) * h;
          for (int i = 0; i < 1024; ++i) v = std::nextafter(v, 0.0f);
          for (int i = 0; i < 2048; ++i, v = std::nextafter(v, kInf)) xs.push_back(v), xs.push_back(-v);
        }
        std::vector<float> dy(xs.size(), 1.0f), dx(xs.size());
        activation_grad(f, xs.data(), dy.data(), dx.data(), xs.size());
        Worst wb;
        check_batch(f, true, isa, 0.0f, xs.data(), dx.data(), xs.size(), wb);
        report(f, true, isa, wb, "table boundaries");
      }
    });
  }

  // The AVX-512 sigmoid, silu and softplus (forward, x in [-10.31, 9.69)) are tables of 32
  // polynomials on intervals of width 0.625 centered on the grid k 0.625, cut at (k - 16.5)
  // 0.625 (0 is the middle of interval 16, where silu's polynomial is x (1/2 + x H(x))); the
  // lanes outside take the exp-based path (k = 0 and 32 are the switches), the vector tested
  // alone or paired with its neighbour (by_table2). Every float next to each cut, tiny and subnormal x (silu(x) = x/2
  // rounded, sign of zero kept), on every ISA against the bounds (2 ULP each for x >= -64);
  // softplus' (= sigmoid, from the sigmoid table) at the same points.
  TEST_CASE("sigmoid, silu, softplus: every float next to the forward tables' boundaries, tiny x") {
    test::for_each_isa([](Isa isa) {
      for (Activation f : {Activation::sigmoid, Activation::silu, Activation::softplus}) {
        std::vector<float> xs;
        const auto run = [&](float from, int count) {
          float v = from;
          for (int i = 0; i < count; ++i, v = std::nextafter(v, kInf)) xs.push_back(v);
        };
        for (int k = 0; k <= 32; ++k) {
          float v = (float(k) - 16.5f) * 0.625f;
          for (int i = 0; i < 1024; ++i) v = std::nextafter(v, -kInf);
          run(v, 2048);
        }
        for (int e = -149; e <= -8; ++e) run(std::ldexp(1.0f, e), 64), run(-std::ldexp(1.0f, e), 64);
        xs.push_back(0.0f);
        xs.push_back(-0.0f);
        std::vector<float> y(xs.size());
        activation(f, xs.data(), y.data(), xs.size());
        Worst w;
        check_batch(f, false, isa, 0.0f, xs.data(), y.data(), xs.size(), w);
        report(f, false, isa, w, "table boundaries");
        if (f == Activation::softplus) {  // softplus' = sigmoid: the same table (kSigmoid)
          std::vector<float> dy(xs.size(), 1.0f);
          activation_grad(f, xs.data(), dy.data(), y.data(), xs.size());
          Worst wb;
          check_batch(f, true, isa, 0.0f, xs.data(), y.data(), xs.size(), wb);
          report(f, true, isa, wb, "table boundaries");
        }
        if (f == Activation::silu) {
          bool signs = true;  // silu(+-0) = +-0, and tiny x keep their sign
          for (std::size_t i = 0; i < xs.size(); ++i)
            if (std::fabs(xs[i]) < 1e-3f) signs = signs && std::signbit(y[i]) == std::signbit(xs[i]);
          CHECK(signs);
        }
      }
    });
  }

  TEST_CASE("bad arguments are refused with the argument named") {
    float b[16] = {};
    CHECK_THROWS_WITH_AS(sigmoid(nullptr, b, 3), "simdense::sigmoid: x is null but n = 3",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(gelu(b, nullptr, 3), "simdense::gelu: y is null but n = 3",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tanh_grad(b, nullptr, b, 3), "simdense::tanh_grad: dy is null but n = 3",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(silu_grad(b, b, nullptr, 3), "simdense::silu_grad: dx is null but n = 3",
                         std::invalid_argument);
    CHECK_NOTHROW(sigmoid(nullptr, nullptr, 0));
    CHECK_NOTHROW(elu_grad(nullptr, nullptr, nullptr, 0));
    CHECK_THROWS_WITH_AS(relu(b, b + 1, 4), doctest::Contains("y partially overlaps x"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(gelu_grad(b + 8, b + 4, b + 2, 4), doctest::Contains("dx partially overlaps dy"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(gelu_grad(b + 2, b + 8, b, 4), doctest::Contains("dx partially overlaps x"),
                         std::invalid_argument);
    CHECK_NOTHROW(gelu_grad(b, b + 2, b + 8, 4));  // inputs may overlap each other
    CHECK_THROWS_WITH_AS(elu(b, b, 4, NAN), doctest::Contains("alpha"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(leaky_relu_grad(b, b, b, 4, kInf), doctest::Contains("alpha"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(activation_grad_from_output(Activation::gelu, b, b, b, 4),
                         doctest::Contains("gelu has no backward pass from the output"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(elu_grad_from_output(b, b, b, 4, -1.0f), doctest::Contains("alpha"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(activation(static_cast<Activation>(42), b, b, 4),
                         doctest::Contains("f = 42"), std::invalid_argument);
  }
}

TEST_SUITE("activations_exhaustive") {
  TEST_CASE("all floats, forward and backward") {
    test::for_each_isa([](Isa isa) {
      for (Activation f : kAll) {
        if (!selected(f)) continue;
        CAPTURE(activation_name(f));
        sweep(f, isa, 1);
      }
    });
  }
}
