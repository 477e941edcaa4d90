// Test support: the ISA loop, ULP distance, tail sizes and guarded buffers.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <simdense/simdense.hpp>
#include <string>
#include <vector>

#include "support/ulp.hpp"

namespace simdense::test {

// The ISAs a test runs on: SIMDENSE_TEST_ISA=<name> (set per ctest entry) restricts to one,
// otherwise every ISA this machine supports, scalar included.
std::vector<Isa> test_isas();

// Forces an ISA for a scope and restores the previous one.
class IsaScope {
 public:
  explicit IsaScope(Isa isa) : prev_(active_isa()) { set_isa(isa); }
  ~IsaScope() { set_isa(prev_); }
  IsaScope(const IsaScope&) = delete;
  IsaScope& operator=(const IsaScope&) = delete;

 private:
  Isa prev_;
};

// Runs f(isa) with each test ISA forced, the ISA captured in any failure message.
template <class F>
void for_each_isa(F&& f) {
  for (Isa isa : test_isas()) {
    IsaScope scope(isa);
    INFO("isa = " << isa_name(isa));
    REQUIRE(active_isa() == isa);
    f(isa);
  }
}

// Sizes that hit every tail of 4-, 8- and 16-lane code, and a few larger ones.
inline const std::vector<std::size_t>& tail_sizes() {
  static const std::vector<std::size_t> s = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,   11,
                                             12, 13, 14, 15, 16, 17, 31, 32, 33, 63, 64,   65,
                                             1000, 4099};
  return s;
}

// ULP error of `got` against the exact value `want` rounded once to float.
inline std::int64_t ulp_error(float got, double want) {
  return ulp_distance(got, static_cast<float>(want));
}
inline std::int64_t ulp_error(float got, long double want) {
  return ulp_distance(got, static_cast<float>(want));
}

// A float buffer placed against an inaccessible (PROT_NONE) page, so a kernel that reads or
// writes past its tail crashes in any build (ASan or not). Guard::back (default): the last element
// ends exactly at the guard page (data() is page_end - 4*n bytes, so its alignment follows n).
// Guard::front: the first element starts right after a guard page (page-aligned), which catches
// reads before the start (a misaligned head peeled backwards, a negative index).
enum class Guard { back, front };
class GuardedBuffer {
 public:
  explicit GuardedBuffer(std::size_t n, Guard where = Guard::back);
  ~GuardedBuffer();
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return n_; }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }

 private:
  void* base_ = nullptr;
  std::size_t bytes_ = 0;
  float* data_ = nullptr;
  std::size_t n_ = 0;
};

// A buffer starting `offset` floats past a 64-byte boundary (offsets 0, 1, 3 misalign it).
class OffsetBuffer {
 public:
  OffsetBuffer(std::size_t n, std::size_t offset, float fill = 0.0f)
      : store_(n + offset + 16, fill), n_(n) {
    auto p = reinterpret_cast<std::uintptr_t>(store_.data());
    const std::size_t a = ((64 - p % 64) % 64) / sizeof(float);
    data_ = store_.data() + a + offset;
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return n_; }
  float& operator[](std::size_t i) { return data_[i]; }
  float operator[](std::size_t i) const { return data_[i]; }

 private:
  std::vector<float> store_;
  float* data_;
  std::size_t n_;
};

// Deterministic pseudo-random inputs (splitmix64), so failures reproduce.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  float uniform(float lo, float hi) { return float(lo + (hi - lo) * uniform()); }
  double normal();
  std::uint32_t bits() { return std::uint32_t(next() >> 32); }

 private:
  std::uint64_t s_;
};

// Special values every elementwise test includes.
const std::vector<float>& special_floats();

// Visits every `stride`-th float bit pattern (stride odd so every binade and both signs are
// hit), calling f on batches of up to `batch` values; the exhaustive suites use stride 1.
void for_strided_floats(std::uint32_t stride, const std::function<void(const float*, std::size_t)>& f,
                        std::size_t batch = 1 << 16);

}  // namespace simdense::test
