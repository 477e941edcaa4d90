// matvec family (kernels/src/impl/matvec-inl.hpp) against double references, every ISA: every
// column tail, odd row counts, misaligned starts (0/1/3 floats), ld > n, GuardedBuffer at the
// end of each operand, cancellation-heavy rows, NaN/inf propagation, argument checks.
// Tolerances are the bounds documented in <simdense/matvec.hpp>.
#include <algorithm>
#include <cmath>
#include <memory>

#include "support/test_util.hpp"

using namespace simdense;

namespace {

constexpr double kU = 0x1p-24;  // unit roundoff of float

// A float buffer: guarded (offset 0: data ends at a PROT_NONE page) or misaligned by 1 or 3.
class Buf {
 public:
  Buf(std::size_t n, std::size_t offset) {
    if (offset == 0)
      g_ = std::make_unique<test::GuardedBuffer>(n);
    else
      o_ = std::make_unique<test::OffsetBuffer>(n, offset);
    p_ = g_ ? g_->data() : o_->data();
  }
  float* data() { return p_; }
  float& operator[](std::size_t i) { return p_[i]; }

 private:
  std::unique_ptr<test::GuardedBuffer> g_;
  std::unique_ptr<test::OffsetBuffer> o_;
  float* p_;
};

void fill_vector(float* x, std::size_t n, int kind, test::Rng& rng) {
  for (std::size_t j = 0; j < n; ++j) x[j] = kind == 1 ? 1.0f + rng.uniform(0.0f, 1e-6f) : rng.uniform(-2.0f, 2.0f);
}

struct Shape {
  std::size_t m, n;
};

// Shapes: every column tail of 4/8/16-lane code against row counts around the 4-row block.
std::vector<Shape> shapes() {
  std::vector<Shape> s;
  for (std::size_t m : {0, 1, 3, 4, 5, 8, 17})
    for (std::size_t n : test::tail_sizes()) s.push_back({m, n});
  for (Shape x : {Shape{65, 33}, Shape{1023, 17}, Shape{5, 4097}, Shape{3, 1023}, Shape{70, 129}})
    s.push_back(x);
  return s;
}

// Worst error seen, in units of u sum|terms| (the bound is 2k of them), reported per ISA.
double g_worst = 0;
double g_worst_frac = 0;  // worst error / its bound

// Checks y against the double reference within 2 k u sum|terms| (+ the extra term).
void check_sum(float got, double want, double abs_sum, std::size_t k) {
  const double tol = 2.0 * double(k) * kU * abs_sum;
  const double err = std::fabs(double(got) - want);
  if (abs_sum > 0) g_worst = std::max(g_worst, err / (kU * abs_sum)), g_worst_frac = std::max(g_worst_frac, err / tol);
  if (!(err <= tol)) {
    INFO("got = " << got << " want = " << want << " err = " << err << " tol = " << tol);
    CHECK(err <= tol);
  }
}

// matvec / matvec_act / matvec_t / matvec_t_acc over one shape, stride and offset.
void run_shape(Shape sh, std::size_t ld, std::size_t off, int kind, bool with_b, test::Rng& rng) {
  const std::size_t m = sh.m, n = sh.n;
  CAPTURE(m);
  CAPTURE(n);
  CAPTURE(ld);
  CAPTURE(off);
  CAPTURE(kind);
  CAPTURE(with_b);
  const std::size_t sw = m == 0 ? 0 : (m - 1) * ld + n;
  Buf W(sw, off), x(n, off), b(m, off), y(m, off), v(m, off), yt(n, off), z(m, off), h(m, off);
  // Fill the full rows (the pad past n of each row but the last gets NaN).
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < (i + 1 < m ? ld : n); ++j) {
      float w = rng.uniform(-1.0f, 1.0f);
      if (kind == 1) w = (j % 2 ? -1.0f : 1.0f) * 1000.0f + w * 1e-3f;
      W[i * ld + j] = j < n ? w : NAN;
    }
  fill_vector(x.data(), n, kind, rng);
  fill_vector(v.data(), m, kind, rng);
  for (std::size_t i = 0; i < m; ++i) b[i] = rng.uniform(-4.0f, 4.0f);
  const float* bp = with_b ? b.data() : nullptr;

  // y = W x + b
  matvec(W.data(), m, n, ld, x.data(), bp, y.data());
  matvec_act(W.data(), m, n, ld, x.data(), bp, Activation::relu, 0.0f, z.data(), h.data());
  for (std::size_t i = 0; i < m; ++i) {
    double s = 0, a = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double p = double(W[i * ld + j]) * double(x[j]);
      s += p, a += std::fabs(p);
    }
    CAPTURE(i);
    if (with_b)
      check_sum(y[i], s + b[i], a + std::fabs(b[i]), n + 1);
    else
      check_sum(y[i], s, a, n);
    CHECK(z[i] == y[i]);  // same kernel, same rounding
    CHECK(h[i] == (z[i] < 0 ? 0.0f : z[i]));
  }

  // y = W^T v, then y += W^T v.
  matvec_t(W.data(), m, n, ld, v.data(), yt.data());
  std::vector<float> first(yt.data(), yt.data() + n);
  for (std::size_t j = 0; j < n; ++j) {
    double s = 0, a = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const double p = double(W[i * ld + j]) * double(v[i]);
      s += p, a += std::fabs(p);
    }
    CAPTURE(j);
    check_sum(yt[j], s, a, m);
  }
  matvec_t_acc(W.data(), m, n, ld, v.data(), yt.data());
  for (std::size_t j = 0; j < n; ++j) {
    double s = first[j], a = std::fabs(first[j]);
    for (std::size_t i = 0; i < m; ++i) {
      const double p = double(W[i * ld + j]) * double(v[i]);
      s += p, a += std::fabs(p);
    }
    CAPTURE(j);
    check_sum(yt[j], s, a, m + 1);
  }
}

// The double reference of an activation (the activations suite owns their ULP bounds).
double act_ref(Activation f, double z, double alpha) {
  switch (f) {
    case Activation::identity: return z;
    case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-z));
    case Activation::tanh: return std::tanh(z);
    case Activation::relu: return z < 0 ? 0.0 : z;
    case Activation::leaky_relu: return z < 0 ? alpha * z : z;
    case Activation::elu: return z < 0 ? alpha * std::expm1(z) : z;
    case Activation::silu: return z / (1.0 + std::exp(-z));
    case Activation::gelu: return 0.5 * z * std::erfc(-z / std::sqrt(2.0));
    case Activation::gelu_tanh:
      return 0.5 * z * (1.0 + std::tanh(0.79788456080286536 * (z + 0.044715 * z * z * z)));
    case Activation::softplus: return std::max(z, 0.0) + std::log1p(std::exp(-std::fabs(z)));
  }
  return z;
}

}  // namespace

TEST_SUITE("matvec") {
  TEST_CASE("Wx+b, W^T v, W^T v accumulate: every tail, offsets 0/1/3, ld > n, vs double") {
    test::for_each_isa([](Isa isa) {
      test::Rng rng(7);
      g_worst = g_worst_frac = 0;
      for (Shape sh : shapes())
        for (std::size_t off : {0, 1, 3}) {
          const std::size_t ld_extra = off == 0 ? 0 : (off == 1 ? 5 : 16);
          run_shape(sh, sh.n + ld_extra, off, 0, off != 1, rng);
        }
      MESSAGE(std::string(isa_name(isa)) << ": uniform inputs, worst |y - exact| = " << g_worst
                                         << " u sum|terms|, " << g_worst_frac << " of the bound");
    });
  }

  TEST_CASE("cancellation-heavy rows stay within 2 n u sum|W x|") {
    test::for_each_isa([](Isa isa) {
      test::Rng rng(11);
      g_worst = g_worst_frac = 0;
      for (Shape sh : {Shape{4, 4099}, Shape{17, 1000}, Shape{5, 33}, Shape{64, 64}, Shape{3, 17}})
        for (bool with_b : {false, true}) run_shape(sh, sh.n + 3, 0, 1, with_b, rng);
      MESSAGE(std::string(isa_name(isa)) << ": cancellation-heavy, worst |y - exact| = " << g_worst
                                         << " u sum|terms|, " << g_worst_frac << " of the bound");
    });
  }

  TEST_CASE("W beyond 4 MiB: the prefetching W^T v path") {
    test::for_each_isa([](Isa) {
      test::Rng rng(13);
      run_shape(Shape{1027, 1021}, 1024, 0, 0, true, rng);  // 1027 x 1024 floats = 4.01 MiB
      run_shape(Shape{1030, 1023}, 1025, 3, 1, false, rng);
    });
  }

  TEST_CASE("m = 0 or n = 0") {
    test::for_each_isa([](Isa) {
      float b[3] = {1, 2, 3}, y[3] = {9, 9, 9}, x[1] = {5};
      matvec(nullptr, 3, 0, 0, nullptr, b, y);
      CHECK((y[0] == 1 && y[1] == 2 && y[2] == 3));
      matvec(nullptr, 3, 0, 0, nullptr, nullptr, y);
      CHECK((y[0] == 0 && y[1] == 0 && y[2] == 0));
      matvec(nullptr, 0, 1, 0, x, nullptr, nullptr);
      std::fill(y, y + 3, 9.0f);
      matvec(nullptr, 3, 0, 7, nullptr, nullptr, y);  // null W with n = 0 and ld = 7
      CHECK((y[0] == 0 && y[1] == 0 && y[2] == 0));
      float h[3];
      matvec_act(nullptr, 3, 0, 7, nullptr, b, Activation::relu, 0.0f, nullptr, h);
      CHECK((h[0] == 1 && h[1] == 2 && h[2] == 3));
      matvec_t(nullptr, 5, 0, 7, x, nullptr);
      float yt[3] = {9, 9, 9};
      matvec_t(nullptr, 0, 3, 3, nullptr, yt);
      CHECK((yt[0] == 0 && yt[1] == 0 && yt[2] == 0));
      yt[1] = 4;
      matvec_t_acc(nullptr, 0, 3, 3, nullptr, yt);
      CHECK(yt[1] == 4);
      add_outer(nullptr, 0, 0, 0, 1.0f, nullptr, nullptr);
      CHECK(dot(nullptr, nullptr, 0) == 0.0f);
      axpy(2.0f, nullptr, nullptr, 0);
    });
  }

  TEST_CASE("NaN and inf propagate; zero coefficients do not hide them") {
    test::for_each_isa([](Isa) {
      for (std::size_t n : {1, 3, 16, 17, 33, 100}) {
        CAPTURE(n);
        const std::size_t m = 6, ld = n + 1;
        std::vector<float> W(m * ld, 0.5f), x(n, 1.0f), y(m), v(m, 1.0f), yt(n);
        W[2 * ld + n - 1] = NAN;  // row 2, last column (a tail lane)
        x[n - 1] = 0.0f;          // multiplies it by zero: still NaN
        W[4 * ld + 0] = INFINITY;
        matvec(W.data(), m, n, ld, x.data(), nullptr, y.data());
        for (std::size_t i = 0; i < m; ++i) {
          CAPTURE(i);
          if (i == 2) CHECK(std::isnan(y[i]));
          else if (i == 4) CHECK((n == 1 ? std::isnan(y[i]) : y[i] == INFINITY));  // inf*0 = NaN at n=1
          else CHECK(std::isfinite(y[i]));
        }
        v[2] = 0.0f;  // W^T v: row 2 scaled by 0 still carries its NaN to column n-1
        matvec_t(W.data(), m, n, ld, v.data(), yt.data());
        CHECK(std::isnan(yt[n - 1]));
        if (n > 1) CHECK(yt[0] == INFINITY);
        for (std::size_t j = 1; j + 1 < n; ++j) CHECK(std::isfinite(yt[j]));
        // W += 0 * u v^T with a NaN in v: the NaN reaches every row's column.
        std::vector<float> W2(m * ld, 1.0f), u(m, 1.0f), v2(n, 1.0f);
        v2[n - 1] = NAN;
        add_outer(W2.data(), m, n, ld, 0.0f, u.data(), v2.data());
        for (std::size_t i = 0; i < m; ++i) {
          CHECK(std::isnan(W2[i * ld + n - 1]));
          if (n > 1) CHECK(W2[i * ld] == 1.0f);
          if (ld > n) CHECK(W2[i * ld + n] == 1.0f);  // the pad past n is untouched
        }
        std::vector<float> a(n, 0.0f), c(n, 1.0f);
        c[n - 1] = NAN;
        CHECK(std::isnan(dot(a.data(), c.data(), n)));
        axpy(0.0f, c.data(), a.data(), n);
        CHECK(std::isnan(a[n - 1]));
      }
    });
  }

  TEST_CASE("add_outer: every tail, offsets, ld > n, vs the exact update") {
    test::for_each_isa([](Isa isa) {
      test::Rng rng(3);
      const double k = isa == Isa::sse2 ? 3.0 : 2.0;  // documented: 2 on FMA ISAs, 3 on SSE2
      for (Shape sh : shapes())
        for (std::size_t off : {0, 1, 3}) {
          const std::size_t m = sh.m, n = sh.n, ld = n + (off == 0 ? 0 : off * 3);
          CAPTURE(m);
          CAPTURE(n);
          CAPTURE(off);
          const std::size_t sw = m == 0 ? 0 : (m - 1) * ld + n;
          Buf W(sw, off), u(m, off), v(n, off);
          for (std::size_t t = 0; t < sw; ++t) W[t] = (t % ld) < n ? rng.uniform(-1.0f, 1.0f) : 42.0f;
          for (std::size_t i = 0; i < m; ++i) u[i] = rng.uniform(-3.0f, 3.0f);
          for (std::size_t j = 0; j < n; ++j) v[j] = rng.uniform(-3.0f, 3.0f);
          const float a = -0.37f;
          std::vector<float> W0(W.data(), W.data() + sw);
          add_outer(W.data(), m, n, ld, a, u.data(), v.data());
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < ld && i * ld + j < sw; ++j) {
              const std::size_t t = i * ld + j;
              if (j >= n) {
                CHECK(W[t] == 42.0f);
                continue;
              }
              const long double p = (long double)a * u[i] * v[j];
              const long double want = p + W0[t];
              const double tol = kU * double(std::fabs(want) + k * std::fabs(p)) * (1 + 0x1p-20);
              const double err = double(std::fabs((long double)W[t] - want));
              if (!(err <= tol)) {
                INFO("i = " << i << " j = " << j << " got " << W[t] << " want " << double(want));
                CHECK(err <= tol);
              }
            }
        }
    });
  }

  TEST_CASE("dot and axpy: every tail, offsets, in place") {
    test::for_each_isa([](Isa isa) {
      test::Rng rng(5);
      for (std::size_t n : test::tail_sizes())
        for (std::size_t off : {0, 1, 3}) {
          CAPTURE(n);
          CAPTURE(off);
          Buf x(n, off), y(n, off);
          for (std::size_t j = 0; j < n; ++j) x[j] = rng.uniform(-1, 1), y[j] = rng.uniform(-1, 1);
          double s = 0, a = 0;
          for (std::size_t j = 0; j < n; ++j) s += double(x[j]) * y[j], a += std::fabs(double(x[j]) * y[j]);
          check_sum(dot(x.data(), y.data(), n), s, a, n);
          std::vector<float> y0(y.data(), y.data() + n);
          const float c = 1.7f;
          axpy(c, x.data(), y.data(), n);
          const double k = isa == Isa::sse2 ? 1.0 : 0.0;  // documented: + |a x| on SSE2
          for (std::size_t j = 0; j < n; ++j) {
            const double p = double(c) * x[j], want = p + y0[j];  // exact in double
            const double tol = kU * (std::fabs(want) + k * std::fabs(p));
            CHECK(std::fabs(double(y[j]) - want) <= tol);
          }
          // In place: y += c y.
          std::vector<float> z(y.data(), y.data() + n);
          axpy(c, y.data(), y.data(), n);
          for (std::size_t j = 0; j < n; ++j) {
            const double p = double(c) * z[j], want = p + z[j];
            CHECK(std::fabs(double(y[j]) - want) <= kU * (std::fabs(want) + k * std::fabs(p)));
          }
        }
      // Cancellation: x . y with big terms cancelling.
      std::vector<float> x(1001), y(1001, 1.0f);
      for (std::size_t j = 0; j < x.size(); ++j) x[j] = (j % 2 ? -1e4f : 1e4f) + float(j) * 1e-3f;
      double s = 0, a = 0;
      for (std::size_t j = 0; j < x.size(); ++j) s += x[j], a += std::fabs(x[j]);
      check_sum(dot(x.data(), y.data(), x.size()), s, a, x.size());
    });
  }

  TEST_CASE("matvec_act: z = Wx + b and h = f(z) in one pass, every activation") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      test::Rng rng(9);
      const std::size_t m = 133, n = 37, ld = 40;  // 133: two full 64-row blocks + a tail of 5
      std::vector<float> W(m * ld), x(n), b(m), z(m), h(m), y(m), h1(m), hz(m);
      for (auto& w : W) w = rng.uniform(-1, 1);
      for (auto& e : x) e = rng.uniform(-1, 1);
      // Every 7th bias large: some z beyond the AVX-512 activation tables (|z| > 10), so vectors
      // mix the table and the exp form.
      for (std::size_t i = 0; i < m; ++i) b[i] = float(rng.uniform(-1, 1) * (i % 7 == 3 ? 40.0 : 1.0));
      matvec(W.data(), m, n, ld, x.data(), b.data(), y.data());
      for (Activation f : {Activation::identity, Activation::sigmoid, Activation::tanh, Activation::relu,
                           Activation::leaky_relu, Activation::elu, Activation::silu, Activation::gelu,
                           Activation::gelu_tanh, Activation::softplus}) {
        CAPTURE(int(f));
        const float alpha = f == Activation::leaky_relu ? 0.01f : 1.0f;
        matvec_act(W.data(), m, n, ld, x.data(), b.data(), f, alpha, z.data(), h.data());
        // z is bit-identical to matvec's y; h without z is the same h.
        matvec_act(W.data(), m, n, ld, x.data(), b.data(), f, alpha, nullptr, h1.data());
        // h is bit-identical to the activation kernel applied to z (each output depends on its
        // own input only, whichever kernel forms the vectors).
        activation(f, z.data(), hz.data(), m, alpha);
        for (std::size_t i = 0; i < m; ++i) {
          CAPTURE(i);
          CHECK(z[i] == y[i]);
          CHECK(h1[i] == h[i]);
          CAPTURE(z[i]);
          CHECK(h[i] == hz[i]);
          const double want = act_ref(f, double(z[i]), alpha);
          if (f == Activation::identity || f == Activation::relu || f == Activation::leaky_relu) {
            CHECK(h[i] == float(want));  // exact: at most one float rounding (alpha z)
          } else {
            // Sanity only: the activation's ULP bound is the activations suite's to test (some
            // bodies are placeholders today).
            CHECK(std::fabs(double(h[i]) - want) <= 1e-4 * std::fabs(want) + 1e-6);
          }
        }
      }
      // In place on the bias: z == b.
      std::vector<float> bz = b;
      matvec_act(W.data(), m, n, ld, x.data(), bz.data(), Activation::relu, 0.0f, bz.data(), h.data());
      for (std::size_t i = 0; i < m; ++i) CHECK(bz[i] == y[i]);
    });
  }

  TEST_CASE("bad arguments are refused, naming the argument") {
    float W[64] = {}, x[8] = {}, y[8] = {}, b[8] = {};
    CHECK_THROWS_WITH_AS(matvec(W, 2, 4, 3, x, nullptr, y),
                         "simdense::matvec: ld = 3 is shorter than a row (n = 4)", std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(nullptr, 2, 4, 4, x, nullptr, y), doctest::Contains("W is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 2, 4, 4, nullptr, nullptr, y), doctest::Contains("x is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 2, 4, 4, x, nullptr, nullptr), doctest::Contains("y is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 2, 4, 4, x, nullptr, W + 6), doctest::Contains("W must not overlap y"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 2, 4, 4, W + 7, nullptr, y), doctest::Contains("W must not overlap x"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 2, 4, 4, x, W, y), doctest::Contains("W must not overlap b"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 4, 4, 4, x, nullptr, x + 2), doctest::Contains("y must not overlap x"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec(W, 4, 4, 4, x, b, b + 1), doctest::Contains("partially overlaps b"),
                         std::invalid_argument);
    CHECK_NOTHROW(matvec(W, 4, 4, 4, x, b, b));  // in place on the bias
    CHECK_THROWS_AS(matvec(W, std::size_t(1) << 62, 4, 4, x, nullptr, y), std::out_of_range);
    CHECK_THROWS_AS(matvec(W, 2, std::size_t(1) << 62, std::size_t(1) << 62, x, nullptr, y), std::out_of_range);
    CHECK_THROWS_WITH_AS(matvec_act(W, 2, 4, 4, x, nullptr, Activation(99), 0, nullptr, y),
                         doctest::Contains("f = 99"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec_act(W, 2, 4, 4, x, nullptr, Activation::relu, 0, y, y + 1),
                         doctest::Contains("z must not overlap h"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec_act(W, 2, 4, 4, x, nullptr, Activation::relu, 0, y, nullptr),
                         doctest::Contains("h is null"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec_t(W, 2, 4, 1, x, y), doctest::Contains("ld = 1"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec_t(W, 2, 4, 4, nullptr, y), doctest::Contains("v is null but m = 2"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec_t_acc(W, 2, 4, 4, x, W + 1), doctest::Contains("W must not overlap y"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(matvec_t(W, 4, 4, 4, x, x + 1), doctest::Contains("y must not overlap v"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(add_outer(W, 2, 4, 4, 1.0f, W + 4, x), doctest::Contains("W must not overlap u"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(add_outer(W, 2, 4, 4, 1.0f, x, nullptr), doctest::Contains("v is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(add_outer(W, 2, 4, 2, 1.0f, x, y), doctest::Contains("ld = 2"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dot(nullptr, x, 3), doctest::Contains("x is null"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(axpy(1.0f, x, x + 1, 3), doctest::Contains("partially overlaps"),
                         std::invalid_argument);
  }
}
