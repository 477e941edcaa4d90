// Public wrappers of the matvec family: check arguments, then call the active ISA's kernel.
#include <simdense/matvec.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "check.hpp"
#include "table.hpp"

namespace simdense {
namespace {

// W: ld >= n, non-null when it has elements, and m*ld addressable. Returns its span in floats.
std::size_t check_matrix(const char* fn, const float* W, std::size_t m, std::size_t n,
                         std::size_t ld) {
  detail::check_ld(fn, m, n, ld);
  if (m != 0 && n != 0) {
    if (W == nullptr)
      detail::fail_arg(fn, "W is null but m = " + std::to_string(m) + ", n = " + std::to_string(n));
    const std::size_t max_floats = std::size_t(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(float);
    if (n > max_floats || (m - 1) > (max_floats - n) / ld)
      detail::fail_range(fn, "m * ld overflows (m = " + std::to_string(m) + ", ld = " +
                                 std::to_string(ld) + ")");
  }
  return detail::span(m, n, ld);
}

// An output must not overlap an input at all (the input is read after outputs are written).
void check_apart(const char* fn, const float* out, std::size_t nout, const char* out_name,
                 const float* in, std::size_t nin, const char* in_name) {
  detail::check_disjoint(fn, out, nout, out_name, in, nin, in_name);
}

}  // namespace

void matvec(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
            const float* b, float* y) {
  const char* fn = "matvec";
  const std::size_t sw = check_matrix(fn, W, m, n, ld);
  detail::check_ptr(fn, x, "x", n);
  detail::check_ptr(fn, y, "y", m, "m");
  detail::check_disjoint(fn, W, sw, "W", x, n, "x");
  detail::check_disjoint(fn, W, sw, "W", y, m, "y");
  if (b != nullptr) {
    detail::check_disjoint(fn, W, sw, "W", b, m, "b");
    detail::check_inplace_or_disjoint(fn, b, "b", y, "y", m);
  }
  check_apart(fn, y, m, "y", x, n, "x");
  // n = 0 addresses no element of W (which may then be null): stride 0 keeps W + i*ld defined.
  detail::active().matvec.matvec(W, m, n, n == 0 ? 0 : ld, x, b, y);
}

void matvec_act(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* x,
                const float* b, Activation f, float alpha, float* z, float* h) {
  const char* fn = "matvec_act";
  if (static_cast<unsigned>(f) > static_cast<unsigned>(Activation::softplus))
    detail::fail_arg(fn, "f = " + std::to_string(static_cast<int>(f)) + " is not an Activation");
  // Same rule as the elementwise activations: the slope / elu alpha must be finite.
  if ((f == Activation::leaky_relu || f == Activation::elu) && !std::isfinite(alpha))
    detail::fail_arg(fn, "alpha must be finite");
  const std::size_t sw = check_matrix(fn, W, m, n, ld);
  detail::check_ptr(fn, x, "x", n);
  detail::check_ptr(fn, h, "h", m, "m");
  detail::check_disjoint(fn, W, sw, "W", x, n, "x");
  detail::check_disjoint(fn, W, sw, "W", h, m, "h");
  check_apart(fn, h, m, "h", x, n, "x");
  if (z != nullptr) {
    detail::check_disjoint(fn, W, sw, "W", z, m, "z");
    check_apart(fn, z, m, "z", x, n, "x");
    check_apart(fn, z, m, "z", h, m, "h");
  }
  if (b != nullptr) {
    detail::check_disjoint(fn, W, sw, "W", b, m, "b");
    detail::check_inplace_or_disjoint(fn, b, "b", h, "h", m);
    if (z != nullptr) detail::check_inplace_or_disjoint(fn, b, "b", z, "z", m);
  }
  detail::active().matvec.matvec_act(W, m, n, n == 0 ? 0 : ld, x, b, f, alpha, z, h);
}

namespace {
void matvec_t_checked(const char* fn, const float* W, std::size_t m, std::size_t n, std::size_t ld,
                      const float* v, float* y, bool acc) {
  const std::size_t sw = check_matrix(fn, W, m, n, ld);
  detail::check_ptr(fn, v, "v", m, "m");
  detail::check_ptr(fn, y, "y", n);
  detail::check_disjoint(fn, W, sw, "W", v, m, "v");
  detail::check_disjoint(fn, W, sw, "W", y, n, "y");
  check_apart(fn, y, n, "y", v, m, "v");
  if (n == 0) return;  // no output; W, v untouched (and possibly null)
  detail::active().matvec.matvec_t(W, m, n, ld, v, y, acc);
}
}  // namespace

void matvec_t(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
              float* y) {
  matvec_t_checked("matvec_t", W, m, n, ld, v, y, false);
}

void matvec_t_acc(const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v,
                  float* y) {
  matvec_t_checked("matvec_t_acc", W, m, n, ld, v, y, true);
}

void add_outer(float* W, std::size_t m, std::size_t n, std::size_t ld, float a, const float* u,
               const float* v) {
  const char* fn = "add_outer";
  const std::size_t sw = check_matrix(fn, W, m, n, ld);
  // u and v are read only for rows/columns that exist.
  detail::check_ptr(fn, u, "u", n != 0 ? m : 0, "m");
  detail::check_ptr(fn, v, "v", m != 0 ? n : 0);
  detail::check_disjoint(fn, W, sw, "W", u, m, "u");
  detail::check_disjoint(fn, W, sw, "W", v, n, "v");
  if (m == 0 || n == 0) return;
  detail::active().matvec.add_outer(W, m, n, ld, a, u, v);
}

float dot(const float* x, const float* y, std::size_t n) {
  detail::check_ptr("dot", x, "x", n);
  detail::check_ptr("dot", y, "y", n);
  return detail::active().matvec.dot(x, y, n);
}

void axpy(float a, const float* x, float* y, std::size_t n) {
  detail::check_ptr("axpy", x, "x", n);
  detail::check_ptr("axpy", y, "y", n);
  detail::check_inplace_or_disjoint("axpy", x, "x", y, "y", n);
  detail::active().matvec.axpy(a, x, y, n);
}

}  // namespace simdense
