// Distances between floats in ULPs, shared by the doctest suites (test_util.hpp) and the fuzz
// targets (tests/fuzz/fuzz_util.hpp). No doctest, no libFuzzer: plain C++.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace simdense::test {

// Ordered integer image of a float: adjacent floats differ by 1, -0 == +0.
inline std::int64_t float_order(float x) {
  std::int32_t i;
  std::memcpy(&i, &x, sizeof i);
  return i < 0 ? std::int64_t(std::numeric_limits<std::int32_t>::min()) - i : std::int64_t(i);
}

// Distance in ULPs between two floats; 0 when both are NaN, huge when only one is.
inline std::int64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return (std::isnan(a) && std::isnan(b)) ? 0 : INT64_MAX;
  const std::int64_t d = float_order(a) - float_order(b);
  return d < 0 ? -d : d;
}

}  // namespace simdense::test
