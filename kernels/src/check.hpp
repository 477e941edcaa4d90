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

// A pointer may be null only when it addresses no element.
inline void check_ptr(const char* fn, const void* p, const char* name, std::size_t count,
                      const char* count_name = "n") {
  if (p == nullptr && count != 0)
    fail_arg(fn, std::string(name) + " is null but " + count_name + " = " +
                     std::to_string(count));
}

// Row-major m x n with row stride ld: ld must cover a row (when there is one).
inline void check_ld(const char* fn, std::size_t m, std::size_t n, std::size_t ld,
                     const char* name = "ld") {
  if (m != 0 && ld < n)
    fail_arg(fn, std::string(name) + " = " + std::to_string(ld) + " is shorter than a row (n = " +
                     std::to_string(n) + ")");
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
  if (in != out && overlaps(in, n, out, n))
    fail_arg(fn, std::string(out_name) + " partially overlaps " + in_name +
                     " (only exact aliasing, in place, is allowed)");
}

inline void check_disjoint(const char* fn, const float* a, std::size_t na, const char* a_name,
                           const float* b, std::size_t nb, const char* b_name) {
  if (overlaps(a, na, b, nb))
    fail_arg(fn, std::string(a_name) + " must not overlap " + b_name);
}

}  // namespace simdense::detail
