// The foundation: ISA names, probe, forcing, the env override, and every kernel on every ISA.
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/test_util.hpp"

using namespace simdense;

TEST_SUITE("isa") {
  TEST_CASE("names round-trip and unknown names are refused with the list") {
    for (Isa i : {Isa::scalar, Isa::sse2, Isa::avx2, Isa::avx512})
      CHECK(parse_isa(isa_name(i)) == i);
    try {
      parse_isa("avx9");
      FAIL("avx9 accepted");
    } catch (const std::invalid_argument& e) {
      const std::string m = e.what();
      CHECK(m.find("avx9") != std::string::npos);
      CHECK(m.find("available: scalar") != std::string::npos);
    }
    CHECK_THROWS_AS(set_isa("AVX2"), std::invalid_argument);
    CHECK_THROWS_AS(set_isa(""), std::invalid_argument);
  }

  TEST_CASE("supported_isas: scalar first, best last, sse2 on every x86-64") {
    const auto v = supported_isas();
    REQUIRE(v.size() >= 2);
    CHECK(v.front() == Isa::scalar);
    CHECK(v[1] == Isa::sse2);
    CHECK(v.back() == best_isa());
    for (Isa i : v) CHECK(isa_supported(i));
  }

  TEST_CASE("set_isa forces each supported ISA; unsupported ones are refused") {
    const Isa before = active_isa();
    for (Isa i : {Isa::scalar, Isa::sse2, Isa::avx2, Isa::avx512}) {
      CAPTURE(isa_name(i));
      if (isa_supported(i)) {
        set_isa(i);
        CHECK(active_isa() == i);
      } else {
        CHECK_THROWS_WITH_AS(set_isa(i), doctest::Contains("not supported"),
                             std::invalid_argument);
      }
    }
    set_isa(before);
  }

  TEST_CASE("every kernel family runs on every ISA of this build") {
    // The library linked as a whole: each ISA's table is distinct and runs correct code.
    test::for_each_isa([](Isa) {
      float x[5] = {0.0f, 1.0f, -1.0f, 2.0f, -0.5f}, y[5];
      simdense::exp(x, y, 5);
      CHECK(y[0] == 1.0f);
      CHECK(test::ulp_error(y[1], 2.718281828459045) <= 1);
      CHECK(test::ulp_error(y[4], 0.6065306597126334) <= 1);
    });
  }

  TEST_CASE("racing set_isa and first use from many threads is safe") {
    const auto isas = supported_isas();
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t) {
      ts.emplace_back([t, &isas] {
        float x[33], y[33];
        for (int i = 0; i < 33; ++i) x[i] = 0.25f * float(i - 16);
        for (int r = 0; r < 200; ++r) {
          if ((r + t) % 7 == 0) set_isa(isas[std::size_t(r + t) % isas.size()]);
          simdense::exp(x, y, 33);
        }
      });
    }
    for (auto& th : ts) th.join();
    set_isa(best_isa());
    float one = 0.0f, out = 0.0f;
    simdense::exp(&one, &out, 1);
    CHECK(out == 1.0f);
  }
}

TEST_SUITE("forced") {
  // Run with SIMDENSE_ISA=<isa> in the environment (ctest forced_env/<isa>).
  TEST_CASE("SIMDENSE_ISA selects the active ISA") {
    const char* env = std::getenv("SIMDENSE_ISA");
    REQUIRE(env != nullptr);
    CHECK(std::string(isa_name(active_isa())) == env);
  }
}
