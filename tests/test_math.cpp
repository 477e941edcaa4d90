// exp and log1p (kernels/src/impl/math-inl.hpp) against double references, every ISA.
#include <cmath>

#include "support/test_util.hpp"

using namespace simdense;
using test::ulp_error;

namespace {

// Documented bounds (kernels/include/simdense/math.hpp).
std::int64_t bound(Isa isa) { return isa == Isa::sse2 ? 2 : 1; }

// Sweeps every `stride`-th float through f and checks against ref in double.
template <class Kernel, class Ref>
void sweep(Kernel kernel, Ref ref, std::uint32_t stride, Isa isa) {
  std::vector<float> y(1 << 16);
  std::int64_t worst = 0;
  float worst_x = 0;
  test::for_strided_floats(stride, [&](const float* x, std::size_t n) {
    kernel(x, y.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t e = ulp_error(y[i], ref(double(x[i])));
      if (e > worst) worst = e, worst_x = x[i];
    }
  });
  INFO("worst x = " << worst_x << " ulp = " << worst);
  CHECK(worst <= bound(isa));
  MESSAGE(std::string(isa_name(isa)) << ": worst " << worst << " ULP at x = " << worst_x);
}

double exp_ref(double x) { return std::exp(x); }
double log1p_ref(double x) { return x < -1 ? NAN : std::log1p(x); }

}  // namespace

TEST_SUITE("math") {
  TEST_CASE("exp: strided sweep of all floats") {
    test::for_each_isa([](Isa isa) { sweep(simdense::exp, exp_ref, 997, isa); });
  }
  TEST_CASE("log1p: strided sweep of all floats") {
    test::for_each_isa([](Isa isa) { sweep(simdense::log1p, log1p_ref, 997, isa); });
  }
  TEST_CASE("special values and every tail, in place") {
    test::for_each_isa([](Isa) {
      const auto& sp = test::special_floats();
      for (std::size_t n : test::tail_sizes()) {
        CAPTURE(n);
        test::GuardedBuffer x(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = sp[i % sp.size()];
        std::vector<float> want(n);
        for (std::size_t i = 0; i < n; ++i) want[i] = float(std::exp(double(x[i])));
        simdense::exp(x.data(), x.data(), n);  // in place
        for (std::size_t i = 0; i < n; ++i) CHECK(ulp_error(x[i], double(want[i])) <= 2);
      }
      const float inf = INFINITY;
      float in[6] = {-1.0f, -2.0f, inf, -0.0f, NAN, 1e-30f}, out[6];
      simdense::log1p(in, out, 6);
      CHECK(out[0] == -inf);
      CHECK(std::isnan(out[1]));
      CHECK(out[2] == inf);
      CHECK((out[3] == 0.0f && std::signbit(out[3])));
      CHECK(std::isnan(out[4]));
      CHECK(out[5] == 1e-30f);
    });
  }
  TEST_CASE("bad arguments are refused with the argument named") {
    float y[2];
    CHECK_THROWS_WITH_AS(simdense::exp(nullptr, y, 2), "simdense::exp: x is null but n = 2",
                         std::invalid_argument);
    CHECK_NOTHROW(simdense::exp(nullptr, nullptr, 0));
    float b[8] = {};
    CHECK_THROWS_WITH_AS(simdense::log1p(b, b + 1, 4), doctest::Contains("partially overlaps"),
                         std::invalid_argument);
  }
}

TEST_SUITE("math_exhaustive") {
  TEST_CASE("exp: all floats") {
    test::for_each_isa([](Isa isa) { sweep(simdense::exp, exp_ref, 1, isa); });
  }
  TEST_CASE("log1p: all floats") {
    test::for_each_isa([](Isa isa) { sweep(simdense::log1p, log1p_ref, 1, isa); });
  }
}
