// softmax, log-softmax, cross-entropy (labels, soft targets), their gradients and backward
// passes, sigmoid BCE: every ISA against long double references computed here.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <numeric>

#include "support/test_util.hpp"

using namespace simdense;
using ld_t = long double;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr ld_t kMinNormal = std::numeric_limits<float>::min();

// Documented bounds (kernels/include/simdense/softmax.hpp, README).
double softmax_bound(Isa) { return 2.5e-7; }
double logsm_bound(Isa) { return 1.2e-7; }
double grad_bound(Isa isa) { return softmax_bound(isa); }
constexpr double kSumBound = 3e-7;

// Long double reference of one row: max, S = sum e^(x - max) (non-max mass T kept apart).
struct Ref {
  ld_t m = -INFINITY, k = 0, T = 0;
  explicit Ref(const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) m = std::max<ld_t>(m, x[i]);
    for (std::size_t i = 0; i < n; ++i) {
      if (x[i] == m) k += 1;
      else T += std::exp(ld_t(x[i]) - m);
    }
  }
  ld_t S() const { return k + T; }
  ld_t logS() const { return std::log(k) + std::log1p(T / k); }
  ld_t q(float xi) const { return std::exp(ld_t(xi) - m) / S(); }
  ld_t logq(float xi) const { return (ld_t(xi) - m) - logS(); }
};

// Relative error; a true value below the float normal range only needs a result that small.
double rel(float got, ld_t want) {
  if (std::fabs(want) < kMinNormal)
    return std::fabs(got) <= 2 * std::numeric_limits<float>::min() ? 0.0 : INFINITY;
  return double(std::fabs((ld_t(got) - want) / want));
}

// Logits with a given spread: uniform in [-spread, 0] plus a shift, a share masked with -inf.
std::vector<float> logits(std::size_t n, float spread, std::uint64_t seed, double masked = 0.0) {
  test::Rng rng(seed);
  std::vector<float> x(n);
  const float shift = rng.uniform(-20.0f, 20.0f);
  for (auto& v : x) v = shift + rng.uniform(-spread, 0.0f);
  if (masked > 0)
    for (std::size_t i = 0; i + 1 < n; ++i)
      if (rng.uniform() < masked) x[i] = -kInf;
  return x;
}

// Worst errors per (function, isa, spread), printed once for the report.
std::map<std::string, double>& worst_table() {
  static std::map<std::string, double> t;
  return t;
}
void note(const std::string& key, double err) {
  double& w = worst_table()[key];
  w = std::max(w, err);
}

void check_softmax_row(const std::vector<float>& x, Isa isa, const std::string& tag) {
  const std::size_t n = x.size();
  const Ref ref(x.data(), n);
  std::vector<float> y(n), ly(n), g(n);
  simdense::softmax(x.data(), y.data(), n);
  simdense::log_softmax(x.data(), ly.data(), n);
  double e_sm = 0, e_log = 0, e_grad = 0, e_ce = 0;
  ld_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ld_t q = ref.q(x[i]);
    sum += y[i];
    if (q >= kMinNormal) e_sm = std::max(e_sm, rel(y[i], q));
    else CHECK(y[i] <= 2 * std::numeric_limits<float>::min());
    if (x[i] == -kInf) {
      CHECK(y[i] == 0.0f);
      CHECK(ly[i] == -kInf);
    } else {
      e_log = std::max(e_log, rel(ly[i], ref.logq(x[i])));
    }
  }
  // cross-entropy at the max, at the min finite logit and at a few others.
  std::vector<std::size_t> labels = {std::size_t(std::max_element(x.begin(), x.end()) - x.begin()),
                                     n / 2, n - 1, 0};
  for (std::size_t c : labels) {
    const ld_t want = ref.logS() - (ld_t(x[c]) - ref.m);
    const float loss = simdense::cross_entropy(x.data(), n, c);
    const float loss2 = simdense::cross_entropy_grad(x.data(), n, c, g.data());
    if (x[c] == -kInf) {
      CHECK(loss == kInf);
      CHECK(loss2 == kInf);
    } else {
      e_ce = std::max({e_ce, rel(loss, want), rel(loss2, want)});
    }
    for (std::size_t i = 0; i < n; ++i) {
      ld_t w = ref.q(x[i]);
      if (i == c) w = x[c] == ref.m ? -((ref.k - 1) + ref.T) / ref.S() : w - 1;
      if (std::fabs(w) >= kMinNormal) e_grad = std::max(e_grad, rel(g[i], w));
      else CHECK(std::fabs(g[i]) <= 2 * std::numeric_limits<float>::min());
    }
  }
  const std::string key = std::string(isa_name(isa)) + " " + tag;
  note("softmax    " + key, e_sm);
  note("log_softmax " + key, e_log);
  note("ce_loss    " + key, e_ce);
  note("ce_grad    " + key, e_grad);
  note("|sum-1|    " + key, double(std::fabs(sum - 1)));
  CHECK(e_sm <= softmax_bound(isa));
  CHECK(e_log <= logsm_bound(isa));
  CHECK(e_ce <= logsm_bound(isa));
  CHECK(e_grad <= grad_bound(isa));
  CHECK(double(std::fabs(sum - 1)) <= kSumBound);
}

}  // namespace

TEST_SUITE("softmax") {
  TEST_CASE("accuracy against long double: spreads 1, 100, 10000; lengths 10 .. 32000") {
    test::for_each_isa([](Isa isa) {
      for (float spread : {1.0f, 100.0f, 10000.0f})
        for (std::size_t n : {2, 10, 33, 1000, 4097, 32000})
          for (double masked : {0.0, 0.3}) {
            for (std::uint64_t seed = 1; seed <= (n <= 1000 ? 6u : 1u); ++seed) {
              CAPTURE(spread);
              CAPTURE(n);
              CAPTURE(masked);
              CAPTURE(seed);
              char tag[64];
              std::snprintf(tag, sizeof tag, "spread %g", double(spread));
              check_softmax_row(logits(n, spread, seed * 7919 + n, masked), isa, tag);
            }
          }
    });
  }

  TEST_CASE("huge logits (|max| >= 2^22: the careful clamp path)") {
    test::for_each_isa([](Isa isa) {
      for (float shift : {1e7f, -1e7f, 3e30f})
        for (std::size_t n : {5, 100, 5000}) {
          CAPTURE(shift);
          CAPTURE(n);
          std::vector<float> x = logits(n, 100.0f, n + 3, 0.2);
          for (auto& v : x) v += shift;
          check_softmax_row(x, isa, "huge logits");
        }
    });
  }

  TEST_CASE("long rows: several blocks with a growing running max, and 1Mi + 3") {
    test::for_each_isa([](Isa isa) {
      for (std::size_t n : {std::size_t(3 * 4096 + 5), std::size_t((1 << 20) + 3)}) {
        CAPTURE(n);
        std::vector<float> x = logits(n, 30.0f, n);
        // An increasing trend makes the running max grow in every block.
        for (std::size_t i = 0; i < n; ++i) x[i] += 20.0f * float(i) / float(n);
        std::vector<float> y(n);
        simdense::softmax(x.data(), y.data(), n);
        const Ref ref(x.data(), n);
        double e = 0;
        ld_t sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
          sum += y[i];
          const ld_t q = ref.q(x[i]);
          if (q >= kMinNormal) e = std::max(e, rel(y[i], q));
        }
        note(std::string("softmax    ") + isa_name(isa) + " long rows", e);
        CHECK(e <= softmax_bound(isa));
        CHECK(double(std::fabs(sum - 1)) <= kSumBound);
        simdense::log_softmax(x.data(), y.data(), n);
        e = 0;
        for (std::size_t i = 0; i < n; ++i) e = std::max(e, rel(y[i], ref.logq(x[i])));
        CHECK(e <= logsm_bound(isa));
        const float loss = simdense::cross_entropy(x.data(), n, n / 3);
        CHECK(rel(loss, ref.logS() - (ld_t(x[n / 3]) - ref.m)) <= logsm_bound(isa));
      }
    });
  }

  TEST_CASE("dominant entry: tiny log-probability, loss 1e-13 and 1e4, grad 1 - q") {
    test::for_each_isa([](Isa isa) {
      // log q of the dominant entry ~ -e^-30 ~ -9e-14; peers return 0 there.
      std::vector<float> x = {0.0f, -30.0f, -31.5f, -10030.0f};
      std::vector<float> ly(4), g(4);
      simdense::log_softmax(x.data(), ly.data(), 4);
      const Ref ref(x.data(), 4);
      for (std::size_t i = 0; i < 4; ++i) CHECK(rel(ly[i], ref.logq(x[i])) <= logsm_bound(isa));
      CHECK(ly[0] < 0.0f);
      // label at the max: loss = log S ~ 1e-13; grad_0 = -(non-max mass)/S.
      const float l0 = simdense::cross_entropy_grad(x.data(), 4, 0, g.data());
      CHECK(rel(l0, ref.logS()) <= logsm_bound(isa));
      CHECK(rel(g[0], -ref.T / ref.S()) <= grad_bound(isa));
      // label 10000 below the max: loss ~ 1e4, exact to float rounding.
      const float l3 = simdense::cross_entropy(x.data(), 4, 3);
      CHECK(rel(l3, ref.logS() + 10030.0L) <= logsm_bound(isa));
      CHECK(l3 == 10030.0f);
      (void)isa;
    });
  }

  TEST_CASE("every tail, misaligned starts, guarded ends, in place") {
    test::for_each_isa([](Isa isa) {
      for (std::size_t n : test::tail_sizes()) {
        if (n == 0) continue;
        CAPTURE(n);
        const std::vector<float> src = logits(n, 50.0f, n + 11, 0.1);
        const Ref ref(src.data(), n);
        for (std::size_t off : {0, 1, 3}) {
          CAPTURE(off);
          test::OffsetBuffer xb(n, off);
          std::copy(src.begin(), src.end(), xb.data());
          test::GuardedBuffer y(n);
          simdense::softmax(xb.data(), y.data(), n);
          for (std::size_t i = 0; i < n; ++i) {
            const ld_t q = ref.q(src[i]);
            if (q >= kMinNormal) CHECK(rel(y[i], q) <= softmax_bound(isa));
          }
          // In place, on a guarded buffer.
          test::GuardedBuffer z(n);
          std::copy(src.begin(), src.end(), z.data());
          simdense::softmax(z.data(), z.data(), n);
          for (std::size_t i = 0; i < n; ++i) CHECK(z[i] == y[i]);
          std::copy(src.begin(), src.end(), z.data());
          simdense::log_softmax(z.data(), z.data(), n);
          for (std::size_t i = 0; i < n; ++i)
            if (src[i] == -kInf) CHECK(z[i] == -kInf);
            else CHECK(rel(z[i], ref.logq(src[i])) <= logsm_bound(isa));
          // Fused gradient in place over the logits.
          std::copy(src.begin(), src.end(), z.data());
          const std::size_t c = n - 1;  // never masked
          const float loss = simdense::cross_entropy_grad(z.data(), n, c, z.data());
          CHECK(rel(loss, ref.logS() - (ld_t(src[c]) - ref.m)) <= logsm_bound(isa));
          for (std::size_t i = 0; i < n; ++i) {
            ld_t w = ref.q(src[i]);
            if (i == c) w = src[c] == ref.m ? -((ref.k - 1) + ref.T) / ref.S() : w - 1;
            if (std::fabs(w) >= kMinNormal) CHECK(rel(z[i], w) <= grad_bound(isa));
          }
        }
      }
    });
  }

  TEST_CASE("special values: masked entries, NaN rows, n = 1") {
    test::for_each_isa([](Isa) {
      // Masked entries: exactly 0 / -inf, the rest as if they were absent.
      float x[5] = {1.0f, -kInf, 2.0f, -kInf, 0.5f}, y[5], ly[5];
      float xr[3] = {1.0f, 2.0f, 0.5f}, yr[3];
      simdense::softmax(x, y, 5);
      simdense::softmax(xr, yr, 3);
      CHECK(y[1] == 0.0f);
      CHECK(y[3] == 0.0f);
      CHECK(y[0] == yr[0]);
      CHECK(y[2] == yr[1]);
      CHECK(y[4] == yr[2]);
      simdense::log_softmax(x, ly, 5);
      CHECK(ly[1] == -kInf);
      CHECK(ly[3] == -kInf);
      CHECK(std::isfinite(ly[0]));
      CHECK(simdense::cross_entropy(x, 5, 1) == kInf);
      // NaN rows: a NaN, a +inf, or every entry masked.
      const float bad_rows[3][4] = {{1.0f, kNaN, 0.0f, 2.0f},
                                    {1.0f, kInf, 0.0f, 2.0f},
                                    {-kInf, -kInf, -kInf, -kInf}};
      for (const auto& row : bad_rows) {
        float o[4], g[4];
        simdense::softmax(row, o, 4);
        for (float v : o) CHECK(std::isnan(v));
        simdense::log_softmax(row, o, 4);
        for (float v : o) CHECK(std::isnan(v));
        CHECK(std::isnan(simdense::cross_entropy(row, 4, 0)));
        CHECK(std::isnan(simdense::cross_entropy_grad(row, 4, 2, g)));
        for (float v : g) CHECK(std::isnan(v));
        const float p[4] = {0.25f, 0.25f, 0.25f, 0.25f};
        CHECK(std::isnan(simdense::cross_entropy_soft(row, 4, p, 4)));
      }
      // A NaN in a later block of a long row still gives a NaN row.
      std::vector<float> big(10000, 0.5f), out(10000);
      big[9000] = kNaN;
      simdense::softmax(big.data(), out.data(), big.size());
      CHECK(std::isnan(out[0]));
      CHECK(std::isnan(out[9999]));
      // n = 1: probability 1, log-probability 0, loss 0.
      float one = 3.5f, o1, g1;
      simdense::softmax(&one, &o1, 1);
      CHECK(o1 == 1.0f);
      simdense::log_softmax(&one, &o1, 1);
      CHECK(o1 == 0.0f);
      CHECK(simdense::cross_entropy_grad(&one, 1, 0, &g1) == 0.0f);
      CHECK(g1 == 0.0f);
      // Huge logits: still stable (masked entries stay 0).
      float h[3] = {3e38f, -kInf, 3e38f}, hy[3];
      simdense::softmax(h, hy, 3);
      CHECK(hy[0] == 0.5f);
      CHECK(hy[1] == 0.0f);
      CHECK(hy[2] == 0.5f);
      // n = 0: no-ops, and an empty soft-target loss is 0.
      simdense::softmax(nullptr, nullptr, 0);
      simdense::log_softmax(nullptr, nullptr, 0);
      simdense::softmax_backward(nullptr, nullptr, nullptr, 0);
      simdense::log_softmax_backward(nullptr, nullptr, nullptr, 0);
      CHECK(simdense::cross_entropy_soft(nullptr, 0, nullptr, 0) == 0.0f);
      CHECK(simdense::cross_entropy_soft_grad(nullptr, 0, nullptr, 0, nullptr) == 0.0f);
    });
  }

  // Differential-fuzzing findings (robustness branch, tests/fuzz/repro/softmax_findings.cpp):
  // one regression check each, every ISA against long double.
  TEST_CASE("fuzz findings: extreme logits and gradients") {
    test::for_each_isa([](Isa isa) {
      // F5: a logit ~FLT_MAX below the max: -inf when the true value overflows, else exact.
      {
        float x[3] = {3.5e36f, -3.4e38f, 0.0f}, y[3];
        simdense::log_softmax(x, y, 3);
        CHECK(y[1] == -kInf);
        CHECK(y[0] == 0.0f);
        CHECK(rel(y[2], -3.5e36L) <= logsm_bound(isa));
        float x2[2] = {1.4e38f, -6.0e37f}, y2[2];
        simdense::log_softmax(x2, y2, 2);
        CHECK(rel(y2[1], ld_t(-6.0e37f) - ld_t(1.4e38f)) <= logsm_bound(isa));
        CHECK(y2[0] == 0.0f);
      }
      // F4: log_softmax_backward with sum dy > FLT_MAX (the sum is finite in double).
      {
        float y[3] = {-4.3f, -10.0f, -10.0f}, dy[3] = {20.0f, 3e38f, 3e38f}, dx[3];
        simdense::log_softmax_backward(y, dy, dx, 3);
        const ld_t S = 20.0L + 2 * ld_t(3e38f);
        for (int i = 0; i < 3; ++i) {
          CAPTURE(i);
          const ld_t w = ld_t(dy[i]) - std::exp(ld_t(y[i])) * S;
          CHECK(std::isfinite(dx[i]));
          // the documented bound of log_softmax_backward (tolerance as in the test above)
          const ld_t tol = 2.5e-7L * (std::fabs(ld_t(dy[i])) + std::exp(ld_t(y[i])) * S * (2 + std::fabs(ld_t(y[i]))));
          CHECK(std::fabs(ld_t(dx[i]) - w) <= tol);
        }
      }
      // F6: log_softmax_backward with e^y below the float range and a huge sum: the product
      // e^y sum dy ~ 1.9e-34 is a normal float and must not be flushed.
      {
        float y[2] = {-121.389221f, 0.0f}, dy[2] = {0.0f, -1e19f}, dx[2];
        simdense::log_softmax_backward(y, dy, dx, 2);
        const ld_t w = -std::exp(ld_t(y[0])) * ld_t(dy[1]);
        CHECK(rel(dx[0], w) <= 2.5e-7 * (2 + 121.4));
        CHECK(rel(dx[1], ld_t(dy[1]) - ld_t(dy[1])) <= 1.0);  // 0 - 0: tiny, finite
        CHECK(std::isfinite(dx[1]));
      }
      // F7: softmax_backward whose intermediate dy - <dy, y> overflows while dx does not.
      {
        float y[2] = {0.63f, 0.37f}, dy[2] = {FLT_MAX, -FLT_MAX}, dx[2];
        simdense::softmax_backward(y, dy, dx, 2);
        const ld_t dot = ld_t(FLT_MAX) * y[0] - ld_t(FLT_MAX) * y[1];
        for (int i = 0; i < 2; ++i) {
          CAPTURE(i);
          const ld_t w = ld_t(y[i]) * (ld_t(dy[i]) - dot);
          CHECK(std::isfinite(dx[i]));
          CHECK(std::fabs(ld_t(dx[i]) - w) <= 2.5e-7L * y[i] * (std::fabs(ld_t(dy[i])) + std::fabs(dot)));
        }
      }
      // F8 (fuzz seed corpus on AVX2, n = 762: dx = -inf where the true value is -2.79e38):
      // log_softmax_backward's factor e^y 2^k (k the exponent of sum dy, |sum 2^-k| in [0.5, 1))
      // overflowed up to 2x below |e^y sum dy|. Now every finite true dx is finite: here
      // e^y sum dy ~ 3.4e38 and 1.7e38 (dx ~ -1.7e38), with sums just below and above FLT_MAX,
      // and a tiny sum where the products are small normal floats.
      for (float d : {1.7e38f, 1.0e38f, 3e38f, 1e-37f}) {
        CAPTURE(d);
        float y[4] = {-1e-3f, -0.693f, -7.0f, 0.0f}, dy[4] = {d, d, -d, d}, dx[4];
        simdense::log_softmax_backward(y, dy, dx, 4);
        const ld_t S = 2 * ld_t(d);
        for (int i = 0; i < 4; ++i) {
          CAPTURE(i);
          const ld_t w = ld_t(dy[i]) - std::exp(ld_t(y[i])) * S;
          if (std::fabs(w) > ld_t(FLT_MAX)) {
            CHECK(std::isinf(dx[i]));
            continue;
          }
          CHECK(std::isfinite(dx[i]));
          const ld_t tol = 2.5e-7L * (std::fabs(ld_t(dy[i])) + std::exp(ld_t(y[i])) * S * (2 + std::fabs(ld_t(y[i]))));
          CHECK(std::fabs(ld_t(dx[i]) - w) <= tol);
        }
      }
      // A sum of exactly 2^130 (its lo part 0) with e^y ~ 1: the factor e^y 2^(k-2) overflows
      // (dx = -1.4e39 is -inf) and must not meet lo = 0 as inf * 0 = NaN (fuzz finding).
      {
        std::vector<float> y(69, -1.99999998e-37f), dy(69, 0.0f), dx(69);
        for (std::size_t i = 0; i < 8; ++i) dy[i] = 0x1p127f;  // sum 2^130 (- 1: rounds away)
        dy[8] = -1.0f;
        simdense::log_softmax_backward(y.data(), dy.data(), dx.data(), 69);
        for (std::size_t i = 0; i < 69; ++i) {
          CAPTURE(i);
          CHECK(dx[i] == -kInf);  // dy_i - ~2^130 for every |dy_i| <= 2^127: beyond -FLT_MAX
        }
      }
      // An infinite sum dy gives the limits, as the scalar reference: -inf where dy is finite
      // and e^y > 0 (also e^-1774, which is 0 in float: fuzzer input), NaN (inf - inf) at the
      // infinite entry and where y = -inf (0 * inf).
      {
        float y[6] = {-1.0f, -2.0f, -3.0f, -1774.45605f, -kInf, -1.60613968e38f},
              dy[6] = {1.0f, kInf, -5.0f, 0.0f, 0.0f, -1.0f}, dx[6];
        simdense::log_softmax_backward(y, dy, dx, 6);
        CHECK(dx[0] == -kInf);
        CHECK(std::isnan(dx[1]));
        CHECK(dx[2] == -kInf);
        CHECK(dx[3] == -kInf);
        CHECK(std::isnan(dx[4]));
        CHECK(dx[5] == -kInf);
      }
      // F3: [0, -88.5 x 10]: the non-max mass 10 e^-88.5 ~ 3.7e-38 underflows as float terms,
      // yet the loss log1p(10 e^-88.5) and log-softmax of the max are normal floats: relative
      // accuracy there (also with more mass spread over [-104, -87] below the max).
      for (float low : {-88.5f, -95.0f, -87.2f}) {
        CAPTURE(low);
        for (std::size_t n : {11, 40, 5000}) {
          CAPTURE(n);
          std::vector<float> x(n, low), p(n, 0.0f), ly(n), g(n);
          x[n / 3] = 0.0f;
          p[n / 3] = 1.0f;
          const Ref ref(x.data(), n);
          const ld_t want = ref.logS();
          CHECK(rel(simdense::cross_entropy(x.data(), n, n / 3), want) <= logsm_bound(isa));
          CHECK(rel(simdense::cross_entropy_grad(x.data(), n, n / 3, g.data()), want) <= logsm_bound(isa));
          CHECK(rel(simdense::cross_entropy_soft(x.data(), n, p.data(), n), want) <= logsm_bound(isa));
          CHECK(rel(g[n / 3], -ref.T / ref.S()) <= grad_bound(isa));
          simdense::log_softmax(x.data(), ly.data(), n);
          CHECK(rel(ly[n / 3], -want) <= logsm_bound(isa));
          CHECK(rel(ly[0], ref.logq(x[0])) <= logsm_bound(isa));
        }
      }
    });
  }

  // The kernel picks its reference by the (block) max m: m <= 0, 0 < m < 88 (shifted by s ln2),
  // m >= 88, |m| >= 2^22. Rows whose max sits at each boundary, every ISA.
  TEST_CASE("rows [0, z x 31]: every exp table entry and reduction point below the max") {
    // One value repeated: no averaging in the sum, so an element's own exp error and the sum's
    // are the same and fully correlated; z strided over (-60, -1e-4].
    test::for_each_isa([](Isa isa) {
      const std::size_t n = 32;
      std::vector<float> x(n, 0.0f), y(n), ly(n);
      double e_sm = 0, e_log = 0;
      std::uint32_t lo, hi;  // bit patterns of -1e-4 and -60 (negative: bits grow with |z|)
      const float zlo = -1e-4f, zhi = -60.0f;
      std::memcpy(&lo, &zlo, 4);
      std::memcpy(&hi, &zhi, 4);
      for (std::uint32_t b = lo; b <= hi; b += 4099) {
        float z;
        std::memcpy(&z, &b, 4);
        for (std::size_t i = 1; i < n; ++i) x[i] = z;
        simdense::softmax(x.data(), y.data(), n);
        simdense::log_softmax(x.data(), ly.data(), n);
        const Ref ref(x.data(), n);
        for (std::size_t i : {std::size_t(0), std::size_t(1)}) {
          const ld_t q = ref.q(x[i]);
          if (q >= kMinNormal) e_sm = std::max(e_sm, rel(y[i], q));
          e_log = std::max(e_log, rel(ly[i], ref.logq(x[i])));
        }
      }
      note(std::string("softmax    ") + isa_name(isa) + " [0, z x 31]", e_sm);
      note(std::string("log_softmax ") + isa_name(isa) + " [0, z x 31]", e_log);
      CHECK(e_sm <= softmax_bound(isa));
      CHECK(e_log <= logsm_bound(isa));
    });
  }

  TEST_CASE("reference modes: maxima around 0, 88, 512 and 2^22") {
    test::for_each_isa([](Isa isa) {
      for (float m : {-1e-30f, 0.0f, 1e-30f, 1e-7f, 0.34f, 0.35f, 43.9f, 44.1f, 87.99f, 88.0f,
                      88.01f, 175.0f, 177.0f, -88.0f, -200.0f, 511.999f, 512.0f, -511.999f,
                      -512.0f, 16383.99f, 16384.0f, -16384.0f,
                      -16383.99f, 20000.5f, 4194303.0f, -4194305.0f, 1e30f}) {
        CAPTURE(m);
        for (float spread : {1.0f, 100.0f}) {
          CAPTURE(spread);
          std::vector<float> x = logits(1000, spread, std::uint64_t(spread) + 3);
          float mx = -kInf;
          for (float v : x) mx = std::max(mx, v);
          for (auto& v : x) v = v - mx + m;  // rounded: a spread around m, max exactly m
          *std::max_element(x.begin(), x.end()) = m;
          check_softmax_row(x, isa, "modes");
        }
      }
    });
  }

  TEST_CASE("batched forms with a row stride match the single-row calls") {
    test::for_each_isa([](Isa) {
      const std::size_t rows = 7, n = 37, ld = 41;
      std::vector<float> x(rows * ld, 123.0f), y(rows * ld, -5.0f), g(rows * ld, -5.0f);
      for (std::size_t r = 0; r < rows; ++r) {
        const auto row = logits(n, 20.0f, 100 + r, 0.1);
        std::copy(row.begin(), row.end(), x.begin() + r * ld);
      }
      x[3 * ld + 5] = kNaN;  // row 3 is a NaN row
      std::vector<std::size_t> labels(rows);
      for (std::size_t r = 0; r < rows; ++r) labels[r] = (r * 5) % n;
      for (std::size_t r = 0; r < rows; ++r)
        if (x[r * ld + labels[r]] == -kInf) labels[r] = n - 1;
      simdense::softmax_batch(x.data(), y.data(), rows, n, ld);
      double sum = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        std::vector<float> want(n);
        simdense::softmax(x.data() + r * ld, want.data(), n);
        for (std::size_t i = 0; i < n; ++i)
          CHECK(test::ulp_distance(y[r * ld + i], want[i]) == 0);
        for (std::size_t i = n; i < ld && r + 1 < rows; ++i) CHECK(y[r * ld + i] == -5.0f);
        simdense::log_softmax(x.data() + r * ld, want.data(), n);
        std::vector<float> ly(n);
        simdense::log_softmax_batch(x.data() + r * ld, ly.data(), 1, n, n);
        for (std::size_t i = 0; i < n; ++i) CHECK(test::ulp_distance(ly[i], want[i]) == 0);
        if (r != 3) sum += simdense::cross_entropy(x.data() + r * ld, n, labels[r]);
      }
      CHECK(std::isnan(simdense::cross_entropy_batch(x.data(), labels.data(), rows, n, ld)));
      // Without the NaN row: the mean of the row losses.
      x[3 * ld + 5] = 0.0f;
      sum += simdense::cross_entropy(x.data() + 3 * ld, n, labels[3]);
      const float mean = simdense::cross_entropy_batch(x.data(), labels.data(), rows, n, ld);
      CHECK(std::fabs(mean - sum / rows) <= 2e-7 * std::fabs(sum / rows));
      const float mean2 =
          simdense::cross_entropy_grad_batch(x.data(), labels.data(), g.data(), rows, n, ld);
      CHECK(mean2 == mean);
      for (std::size_t r = 0; r < rows; ++r) {
        std::vector<float> want(n);
        simdense::cross_entropy_grad(x.data() + r * ld, n, labels[r], want.data());
        for (std::size_t i = 0; i < n; ++i) CHECK(g[r * ld + i] == want[i]);
      }
      // In place over the whole batch, and an empty batch.
      std::vector<float> z = x;
      simdense::softmax_batch(z.data(), z.data(), rows, n, ld);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < n; ++i) CHECK((r == 3 || z[r * ld + i] == y[r * ld + i]));
      CHECK(simdense::cross_entropy_batch(nullptr, nullptr, 0, n, ld) == 0.0f);
      CHECK(simdense::cross_entropy_grad_batch(nullptr, nullptr, nullptr, 0, n, ld) == 0.0f);
      simdense::softmax_batch(nullptr, nullptr, 0, n, ld);
    });
  }

  TEST_CASE("soft targets: loss and fused gradient against long double") {
    test::for_each_isa([](Isa isa) {
      for (std::size_t n : {1, 3, 10, 17, 1000, 5000})
        for (float spread : {1.0f, 100.0f, 10000.0f}) {
          CAPTURE(n);
          CAPTURE(spread);
          std::vector<float> x = logits(n, spread, n * 3 + 1, 0.2);
          test::Rng rng(n);
          std::vector<float> p(n);
          double ps = 0;
          for (std::size_t i = 0; i < n; ++i) {
            p[i] = x[i] == -kInf ? 0.0f : float(rng.uniform());
            ps += p[i];
          }
          for (auto& v : p) v = float(v / ps);
          const Ref ref(x.data(), n);
          ld_t want = 0;
          for (std::size_t i = 0; i < n; ++i)
            if (p[i] != 0) want -= ld_t(p[i]) * ref.logq(x[i]);
          std::vector<float> g(n);
          const float l1 = simdense::cross_entropy_soft(x.data(), n, p.data(), n);
          const float l2 = simdense::cross_entropy_soft_grad(x.data(), n, p.data(), n, g.data());
          if (n == 1) {
            CHECK(l1 == 0.0f);
          } else {
            CHECK(rel(l1, want) <= logsm_bound(isa));
            CHECK(rel(l2, want) <= logsm_bound(isa));
          }
          double e = 0;
          for (std::size_t i = 0; i < n; ++i) {
            const ld_t q = ref.q(x[i]);
            const ld_t w = q - p[i];
            const double err = double(std::fabs(ld_t(g[i]) - w) / std::max<ld_t>(std::max(q, ld_t(p[i])), kMinNormal));
            e = std::max(e, err);
          }
          note(std::string("soft_grad  ") + isa_name(isa), e);
          CHECK(e <= grad_bound(isa));
          // One-hot soft targets agree with the label form.
          std::vector<float> oh(n, 0.0f);
          const std::size_t c = n - 1;
          oh[c] = 1.0f;
          const float ls = simdense::cross_entropy_soft(x.data(), n, oh.data(), n);
          const float ll = simdense::cross_entropy(x.data(), n, c);
          CHECK(std::fabs(ls - ll) <= 2.5e-7f * ll);
        }
      // Mass on a masked logit: +inf.
      float x[3] = {0.0f, -kInf, 1.0f}, p[3] = {0.5f, 0.5f, 0.0f};
      CHECK(simdense::cross_entropy_soft(x, 3, p, 3) == kInf);
      // Batched mean.
      const std::size_t rows = 3, n = 5, ld = 6;
      std::vector<float> xb(rows * ld, 0.0f), pb(rows * ld, 0.0f), gb(rows * ld);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < n; ++i) {
          xb[r * ld + i] = float(r) - float(i) * 0.7f;
          pb[r * ld + i] = i == r ? 1.0f : 0.0f;
        }
      double s = 0;
      for (std::size_t r = 0; r < rows; ++r) s += simdense::cross_entropy(xb.data() + r * ld, n, r);
      const float mb = simdense::cross_entropy_soft_grad_batch(xb.data(), pb.data(), gb.data(), rows, n, ld);
      CHECK(std::fabs(mb - s / rows) <= 3e-7 * s / rows);
      CHECK(simdense::cross_entropy_soft_batch(xb.data(), pb.data(), rows, n, ld) == mb);
    });
  }

  TEST_CASE("backward passes against long double") {
    test::for_each_isa([](Isa isa) {
      for (std::size_t n : {1, 5, 16, 33, 1000}) {
        CAPTURE(n);
        std::vector<float> x = logits(n, 8.0f, n + 5, 0.1), y(n), ly(n), dy(n), dx(n);
        test::Rng rng(n);
        for (auto& v : dy) v = float(rng.normal());
        simdense::softmax(x.data(), y.data(), n);
        simdense::log_softmax(x.data(), ly.data(), n);
        ld_t dot = 0, sdy = 0;
        for (std::size_t i = 0; i < n; ++i) dot += ld_t(dy[i]) * y[i], sdy += dy[i];
        simdense::softmax_backward(y.data(), dy.data(), dx.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
          const ld_t w = ld_t(y[i]) * (ld_t(dy[i]) - dot);
          // two roundings of the factors plus the cancellation in dy - <dy, y>
          const ld_t tol = 2.5e-7L * ld_t(y[i]) * (std::fabs(ld_t(dy[i])) + std::fabs(dot)) + 1e-45L;
          CHECK(std::fabs(ld_t(dx[i]) - w) <= tol);
        }
        simdense::log_softmax_backward(ly.data(), dy.data(), dx.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
          const ld_t q = std::exp(ld_t(ly[i]));
          const ld_t w = ld_t(dy[i]) - q * sdy;
          const ld_t ay = ly[i] == -kInf ? 0 : std::fabs(ld_t(ly[i]));
          const ld_t tol = 2.5e-7L * (std::fabs(ld_t(dy[i])) + q * std::fabs(sdy) * (2 + ay)) + 1e-45L;
          CHECK(std::fabs(ld_t(dx[i]) - w) <= tol);
        }
        // In place (dx == dy) and batched forms agree.
        std::vector<float> d2 = dy;
        simdense::softmax_backward_batch(y.data(), d2.data(), d2.data(), 1, n, n);
        std::vector<float> d3(n);
        simdense::softmax_backward(y.data(), dy.data(), d3.data(), n);
        CHECK(d2 == d3);
        d2 = dy;
        simdense::log_softmax_backward_batch(ly.data(), d2.data(), d2.data(), 1, n, n);
        simdense::log_softmax_backward(ly.data(), dy.data(), d3.data(), n);
        CHECK(d2 == d3);
      }
      (void)isa;
    });
  }

  TEST_CASE("sigmoid binary cross-entropy against long double") {
    test::for_each_isa([](Isa isa) {
      std::vector<float> s, t;
      test::Rng rng(5);
      for (float v : {0.0f, -0.0f, 1e-8f, -1e-8f, 0.5f, -0.5f, 5.0f, -5.0f, 20.0f, -20.0f, 90.0f, -90.0f,
                      200.0f, -200.0f, 1e30f, -1e30f})
        for (float tv : {0.0f, 1.0f, 0.5f, 0.25f, 0.999f}) s.push_back(v), t.push_back(tv);
      for (int i = 0; i < 2000; ++i) {
        s.push_back(float(rng.normal() * 10));
        t.push_back(rng.uniform() < 0.5 ? float(rng.next() & 1) : float(rng.uniform()));
      }
      const std::size_t n = s.size();
      std::vector<float> loss(n), ds(n);
      const float mean = simdense::sigmoid_bce_grad(s.data(), t.data(), n, ds.data(), loss.data());
      const float mean2 = simdense::sigmoid_bce(s.data(), t.data(), n);
      ld_t total = 0;
      double el = 0, eg = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const ld_t si = s[i], ti = t[i];
        const ld_t e = std::exp(-std::fabs(si));
        const ld_t lin = si >= 0 ? si * (1 - ti) : -si * ti;
        const ld_t w = lin + std::log1p(e);
        total += w;
        const ld_t sig = si >= 0 ? 1 / (1 + e) : e / (1 + e);
        if (w >= kMinNormal) el = std::max(el, rel(loss[i], w));
        else CHECK(std::fabs(loss[i]) <= 2 * std::numeric_limits<float>::min());
        eg = std::max(eg, double(std::fabs(ld_t(ds[i]) - (sig - ti)) / std::max<ld_t>(std::max(sig, ti), kMinNormal)));
      }
      note(std::string("bce_loss   ") + isa_name(isa), el);
      note(std::string("bce_grad   ") + isa_name(isa), eg);
      CHECK(el <= 2.5e-7);
      CHECK(eg <= 2.5e-7);
      CHECK(rel(mean, total / n) <= 2.5e-7);
      CHECK(mean2 == mean);
      // Limits and NaN.
      float sv[4] = {kInf, -kInf, kInf, kNaN}, tv[4] = {1.0f, 0.0f, 0.0f, 0.5f}, lv[4], gv[4];
      simdense::sigmoid_bce_grad(sv, tv, 4, gv, lv);
      CHECK(lv[0] == 0.0f);
      CHECK(lv[1] == 0.0f);
      CHECK(lv[2] == kInf);
      CHECK(std::isnan(lv[3]));
      CHECK(gv[0] == 0.0f);
      CHECK(gv[1] == 0.0f);
      CHECK(gv[2] == 1.0f);
      CHECK(std::isnan(gv[3]));
      CHECK(simdense::sigmoid_bce(nullptr, nullptr, 0) == 0.0f);
      // Every tail on guarded buffers, in place over the scores.
      for (std::size_t m : test::tail_sizes()) {
        test::GuardedBuffer a(m), b(m);
        for (std::size_t i = 0; i < m; ++i) a[i] = s[i % n], b[i] = t[i % n];
        std::vector<float> want(m);
        simdense::sigmoid_bce(a.data(), b.data(), m, want.data());
        simdense::sigmoid_bce(a.data(), b.data(), m, a.data());
        for (std::size_t i = 0; i < m; ++i) CHECK(a[i] == want[i]);
      }
    });
  }

  TEST_CASE("zz report: worst errors measured above") {
    for (auto& [k, v] : worst_table()) MESSAGE("worst " << k << " " << v);
  }

  TEST_CASE("bad arguments are refused with the argument named") {
    float x[4] = {1, 2, 3, 4}, y[4];
    CHECK_THROWS_WITH_AS(simdense::cross_entropy(x, 4, 4), doctest::Contains("label = 4"),
                         std::out_of_range);
    CHECK_THROWS_AS(simdense::cross_entropy(x, 0, 0), std::out_of_range);
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_grad(x, 4, 9, y), doctest::Contains("label"),
                         std::out_of_range);
    std::size_t labels[2] = {1, 7};
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_batch(x, labels, 2, 2, 2),
                         doctest::Contains("labels[1] = 7"), std::out_of_range);
    CHECK_THROWS_WITH_AS(simdense::softmax(nullptr, y, 4), "simdense::softmax: x is null but n = 4",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_grad(x, 4, 0, nullptr),
                         doctest::Contains("dlogits is null"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(simdense::cross_entropy(nullptr, 4, 0), doctest::Contains("logits is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(simdense::softmax(x, x + 1, 3), doctest::Contains("partially overlaps"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(simdense::softmax_batch(x, y, 2, 3, 2), doctest::Contains("ld = 2"),
                         std::invalid_argument);
    float p[4] = {0.25f, 0.25f, 0.25f, 0.25f};
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_soft(x, 4, p, 3), doctest::Contains("targets_n = 3"),
                         std::invalid_argument);
    p[2] = -0.1f;
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_soft(x, 4, p, 4), doctest::Contains("targets[2]"),
                         std::invalid_argument);
    p[2] = kNaN;
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_soft_grad(x, 4, p, 4, y), doctest::Contains("targets[2]"),
                         std::invalid_argument);
    p[2] = 0.25f;
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_soft_grad(x, 4, p, 4, p), doctest::Contains("must not overlap"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(simdense::cross_entropy_soft(x, 4, nullptr, 4), doctest::Contains("targets is null"),
                         std::invalid_argument);
    float t[20] = {};
    t[17] = 1.5f;
    std::vector<float> s(20, 0.0f);
    CHECK_THROWS_WITH_AS(simdense::sigmoid_bce(s.data(), t, 20), doctest::Contains("targets[17]"),
                         std::invalid_argument);
    t[17] = kNaN;
    CHECK_THROWS_WITH_AS(simdense::sigmoid_bce_grad(s.data(), t, 20, y), doctest::Contains("targets[17]"),
                         std::invalid_argument);
    t[17] = 0.0f;
    CHECK_THROWS_WITH_AS(simdense::sigmoid_bce_grad(s.data(), t, 20, nullptr), doctest::Contains("dscores is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(simdense::softmax_backward(x, nullptr, y, 4), doctest::Contains("dy is null"),
                         std::invalid_argument);
  }
}
