// Public wrappers of the activations family: check arguments, then call the active ISA's kernel.
#include <simdense/activations.hpp>

#include <cmath>
#include <string>

#include "check.hpp"
#include "table.hpp"

namespace simdense {

namespace {

std::size_t index_of(const char* fn, Activation f) {
  const auto i = static_cast<std::size_t>(f);
  if (i >= detail::kActivationCount)
    detail::fail_arg(fn, "f = " + std::to_string(int(f)) + " is not an Activation");
  return i;
}

void check_alpha(const char* fn, Activation f, float alpha) {
  if ((f == Activation::leaky_relu || f == Activation::elu) && !std::isfinite(alpha))
    detail::fail_arg(fn, "alpha must be finite");
}

void run_fwd(const char* fn, Activation f, const float* x, float* y, std::size_t n, float alpha) {
  const std::size_t i = index_of(fn, f);
  detail::check_ptr(fn, x, "x", n);
  detail::check_ptr(fn, y, "y", n);
  detail::check_inplace_or_disjoint(fn, x, "x", y, "y", n);
  check_alpha(fn, f, alpha);
  if (n == 0) return;
  detail::active().act.fwd[i](x, y, n, alpha);
}

void check_bwd(const char* fn, const float* x, const char* x_name, const float* dy, float* dx,
               std::size_t n) {
  detail::check_ptr(fn, x, x_name, n);
  detail::check_ptr(fn, dy, "dy", n);
  detail::check_ptr(fn, dx, "dx", n);
  detail::check_inplace_or_disjoint(fn, x, x_name, dx, "dx", n);
  detail::check_inplace_or_disjoint(fn, dy, "dy", dx, "dx", n);
}

void run_bwd(const char* fn, Activation f, const float* x, const float* dy, float* dx,
             std::size_t n, float alpha) {
  const std::size_t i = index_of(fn, f);
  check_bwd(fn, x, "x", dy, dx, n);
  check_alpha(fn, f, alpha);
  if (n == 0) return;
  detail::active().act.bwd[i](x, dy, dx, n, alpha);
}

void run_bwd_y(const char* fn, Activation f, const float* y, const float* dy, float* dx,
               std::size_t n, float alpha) {
  const std::size_t i = index_of(fn, f);
  if (!has_grad_from_output(f))
    detail::fail_arg(fn, std::string("f = ") + activation_name(f) +
                             " has no backward pass from the output");
  check_bwd(fn, y, "y", dy, dx, n);
  if (f == Activation::elu && !(alpha > 0.0f && std::isfinite(alpha)))
    detail::fail_arg(fn, "alpha must be finite and > 0 for the output-based elu backward");
  if (n == 0) return;
  detail::active().act.bwd_from_y[i](y, dy, dx, n, alpha);
}

}  // namespace

const char* activation_name(Activation f) {
  switch (f) {
    case Activation::identity: return "identity";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::elu: return "elu";
    case Activation::silu: return "silu";
    case Activation::gelu: return "gelu";
    case Activation::gelu_tanh: return "gelu_tanh";
    case Activation::softplus: return "softplus";
  }
  return "unknown";
}

bool has_grad_from_output(Activation f) {
  return f == Activation::sigmoid || f == Activation::tanh || f == Activation::relu ||
         f == Activation::elu;
}

#define SIMDENSE_ACT_PAIR(name, F)                                                  \
  void name(const float* x, float* y, std::size_t n) {                              \
    run_fwd(#name, Activation::F, x, y, n, 0.0f);                                   \
  }                                                                                 \
  void name##_grad(const float* x, const float* dy, float* dx, std::size_t n) {     \
    run_bwd(#name "_grad", Activation::F, x, dy, dx, n, 0.0f);                      \
  }

SIMDENSE_ACT_PAIR(sigmoid, sigmoid)
SIMDENSE_ACT_PAIR(tanh, tanh)
SIMDENSE_ACT_PAIR(relu, relu)
SIMDENSE_ACT_PAIR(silu, silu)
SIMDENSE_ACT_PAIR(gelu, gelu)
SIMDENSE_ACT_PAIR(gelu_tanh, gelu_tanh)
SIMDENSE_ACT_PAIR(softplus, softplus)
#undef SIMDENSE_ACT_PAIR

void leaky_relu(const float* x, float* y, std::size_t n, float alpha) {
  run_fwd("leaky_relu", Activation::leaky_relu, x, y, n, alpha);
}
void leaky_relu_grad(const float* x, const float* dy, float* dx, std::size_t n, float alpha) {
  run_bwd("leaky_relu_grad", Activation::leaky_relu, x, dy, dx, n, alpha);
}
void elu(const float* x, float* y, std::size_t n, float alpha) {
  run_fwd("elu", Activation::elu, x, y, n, alpha);
}
void elu_grad(const float* x, const float* dy, float* dx, std::size_t n, float alpha) {
  run_bwd("elu_grad", Activation::elu, x, dy, dx, n, alpha);
}

void activation(Activation f, const float* x, float* y, std::size_t n) {
  run_fwd("activation", f, x, y, n, default_alpha(f));
}
void activation(Activation f, const float* x, float* y, std::size_t n, float alpha) {
  run_fwd("activation", f, x, y, n, alpha);
}
void activation_grad(Activation f, const float* x, const float* dy, float* dx, std::size_t n) {
  run_bwd("activation_grad", f, x, dy, dx, n, default_alpha(f));
}
void activation_grad(Activation f, const float* x, const float* dy, float* dx, std::size_t n,
                     float alpha) {
  run_bwd("activation_grad", f, x, dy, dx, n, alpha);
}

void activation_grad_from_output(Activation f, const float* y, const float* dy, float* dx,
                                 std::size_t n) {
  run_bwd_y("activation_grad_from_output", f, y, dy, dx, n, default_alpha(f));
}
void activation_grad_from_output(Activation f, const float* y, const float* dy, float* dx,
                                 std::size_t n, float alpha) {
  run_bwd_y("activation_grad_from_output", f, y, dy, dx, n, alpha);
}
void sigmoid_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n) {
  run_bwd_y("sigmoid_grad_from_output", Activation::sigmoid, y, dy, dx, n, 0.0f);
}
void tanh_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n) {
  run_bwd_y("tanh_grad_from_output", Activation::tanh, y, dy, dx, n, 0.0f);
}
void relu_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n) {
  run_bwd_y("relu_grad_from_output", Activation::relu, y, dy, dx, n, 0.0f);
}
void elu_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n,
                          float alpha) {
  run_bwd_y("elu_grad_from_output", Activation::elu, y, dy, dx, n, alpha);
}

}  // namespace simdense
