// Public wrappers of the math family: check arguments, then call the active ISA's kernel.
#include <simdense/math.hpp>

#include "check.hpp"
#include "table.hpp"

namespace simdense {

void exp(const float* x, float* y, std::size_t n) {
  detail::check_ptr("exp", x, "x", n);
  detail::check_ptr("exp", y, "y", n);
  detail::check_inplace_or_disjoint("exp", x, "x", y, "y", n);
  detail::active().math.exp(x, y, n);
}

void log1p(const float* x, float* y, std::size_t n) {
  detail::check_ptr("log1p", x, "x", n);
  detail::check_ptr("log1p", y, "y", n);
  detail::check_inplace_or_disjoint("log1p", x, "x", y, "y", n);
  detail::active().math.log1p(x, y, n);
}

}  // namespace simdense
