// Public wrappers of the dense family: the lecture network's step and stream, and DenseLayer.
// Check arguments, then call the active ISA's kernels (tables/dense.hpp). Scratch space is
// per thread, so every method is reentrant.
#include <simdense/dense.hpp>

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "check.hpp"
#include "table.hpp"

namespace simdense {

namespace {

using detail::fail_arg;
using detail::fail_range;

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// Per-thread scratch of at least n floats (one request per public call).
float* scratch(std::size_t n) {
  thread_local std::vector<float> s;
  if (s.size() < n) s.resize(n);
  return s.data();
}

void check_activation(const char* fn, Activation f) {
  if (static_cast<unsigned>(f) > static_cast<unsigned>(Activation::softplus))
    fail_arg(fn, "f = " + std::to_string(static_cast<int>(f)) + " is not an Activation");
}

void check_finite(const char* fn, float v, const char* name) {
  if (!std::isfinite(v)) fail_arg(fn, std::string(name) + " = " + fmt(v) + " is not finite");
}

// A binary label: NaN is invalid, anything outside [0, 1] out of range.
void check_label(const char* fn, float t, const std::string& name) {
  if (std::isnan(t)) fail_arg(fn, name + " is NaN (a label must be in [0, 1])");
  if (t < 0.0f || t > 1.0f) fail_range(fn, name + " = " + fmt(t) + " is outside [0, 1]");
}

// Row-major rows x cols with stride ld: ld covers a row, the span fits in memory, p non-null
// when it addresses something. Returns the span in floats.
std::size_t check_matrix(const char* fn, const float* p, const char* name, std::size_t rows,
                         std::size_t cols, std::size_t ld, const char* ld_name) {
  detail::check_ld(fn, rows, cols, ld, ld_name);
  constexpr std::size_t kMax = std::numeric_limits<std::ptrdiff_t>::max() / sizeof(float);
  if (rows > 1 && cols != 0 && ld > (kMax - cols) / (rows - 1))
    fail_arg(fn, std::string(name) + ": " + std::to_string(rows) + " rows of stride " +
                     std::to_string(ld) + " overflow the address space");
  const std::size_t span = detail::span(rows, cols, ld);
  if (p == nullptr && span != 0)
    fail_arg(fn, std::string(name) + " is null but it has " + std::to_string(rows) + " x " +
                     std::to_string(cols) + " elements");
  return span;
}

struct Region {
  const float* p;
  std::size_t n;
  const char* name;
  bool written;
};

// Every written region must be disjoint from every other region of the call.
void check_regions(const char* fn, std::initializer_list<Region> rs) {
  for (const Region& a : rs) {
    if (!a.written) continue;
    for (const Region& b : rs)
      if (&a != &b && detail::overlaps(a.p, a.n, b.p, b.n))
        fail_arg(fn, std::string(a.name) + " overlaps " + b.name);
  }
}

float binary_step_impl(const char* fn, bool fused, float* W, std::size_t ldw, float* b, float* u,
                       std::size_t m, std::size_t n, Activation f, float alpha, const float* x,
                       float t, float lr, float* dx) {
  check_activation(fn, f);
  check_label(fn, t, "t");
  check_finite(fn, lr, "lr");
  check_finite(fn, alpha, "alpha");
  const std::size_t wspan = check_matrix(fn, W, "W", m, n, ldw, "ldw");
  detail::check_ptr(fn, b, "b", m, "m");
  detail::check_ptr(fn, u, "u", m, "m");
  detail::check_ptr(fn, x, "x", n, "n");
  check_regions(fn, {{W, wspan, "W", true},
                     {b, m, "b", true},
                     {u, m, "u", true},
                     {x, n, "x", false},
                     {dx, dx ? n : 0, "dx", true}});
  if (n == 0) ldw = 0;  // no pointer arithmetic on a W that addresses nothing
  const auto& k = detail::active().dense;
  return (fused ? k.binary_step : k.binary_step_unfused)(W, ldw, b, u, m, n, f, alpha, x, t, lr,
                                                         dx, scratch(3 * m));
}

}  // namespace

// ---- the lecture network ----------------------------------------------------------------------

float dense_binary_step(float* W, float* b, float* u, std::size_t m, std::size_t n, Activation f,
                        const float* x, float t, float lr) {
  return binary_step_impl("dense_binary_step", true, W, n, b, u, m, n, f, default_alpha(f), x, t,
                          lr, nullptr);
}

float dense_binary_step(float* W, float* b, float* u, std::size_t m, std::size_t n, Activation f,
                        const float* x, float t, float lr, float* dx) {
  return binary_step_impl("dense_binary_step", true, W, n, b, u, m, n, f, default_alpha(f), x, t,
                          lr, dx);
}

float dense_binary_step(float* W, std::size_t ldw, float* b, float* u, std::size_t m,
                        std::size_t n, Activation f, float alpha, const float* x, float t,
                        float lr, float* dx) {
  return binary_step_impl("dense_binary_step", true, W, ldw, b, u, m, n, f, alpha, x, t, lr, dx);
}

float dense_binary_step_unfused(float* W, std::size_t ldw, float* b, float* u, std::size_t m,
                                std::size_t n, Activation f, float alpha, const float* x,
                                float t, float lr, float* dx) {
  return binary_step_impl("dense_binary_step_unfused", false, W, ldw, b, u, m, n, f, alpha, x, t,
                          lr, dx);
}

float dense_binary_train(float* W, float* b, float* u, std::size_t m, std::size_t n,
                         Activation f, const float* X, const float* t, std::size_t count,
                         float lr) {
  return dense_binary_train(W, n, b, u, m, n, f, default_alpha(f), X, n, t, count, lr);
}

float dense_binary_train(float* W, std::size_t ldw, float* b, float* u, std::size_t m,
                         std::size_t n, Activation f, float alpha, const float* X,
                         std::size_t ldx, const float* t, std::size_t count, float lr) {
  const char* fn = "dense_binary_train";
  check_activation(fn, f);
  check_finite(fn, lr, "lr");
  check_finite(fn, alpha, "alpha");
  const std::size_t wspan = check_matrix(fn, W, "W", m, n, ldw, "ldw");
  const std::size_t xspan = check_matrix(fn, X, "X", count, n, ldx, "ldx");
  detail::check_ptr(fn, b, "b", m, "m");
  detail::check_ptr(fn, u, "u", m, "m");
  detail::check_ptr(fn, t, "t", count, "count");
  for (std::size_t k = 0; k < count; ++k) check_label(fn, t[k], "t[" + std::to_string(k) + "]");
  check_regions(fn, {{W, wspan, "W", true},
                     {b, m, "b", true},
                     {u, m, "u", true},
                     {X, xspan, "X", false},
                     {t, count, "t", false}});
  if (count == 0) return 0.0f;
  if (n == 0) ldw = ldx = 0;
  const double sum = detail::active().dense.binary_train(W, ldw, b, u, m, n, f, alpha, X, ldx, t,
                                                         count, lr, scratch(3 * m));
  return float(sum / double(count));
}

// ---- DenseLayer ---------------------------------------------------------------------------------

namespace {

void check_layer_args(const char* fn, Activation f, float alpha) {
  check_activation(fn, f);
  check_finite(fn, alpha, "alpha");
}

// splitmix64: a fixed, portable generator (std::normal_distribution differs between libraries).
std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

DenseLayer::DenseLayer(std::size_t in, std::size_t out, Activation f, float alpha)
    : m_(out), n_(in), ld_(in), f_(f), alpha_(alpha), owning_(true) {
  check_layer_args("DenseLayer", f, alpha);
  if (out != 0 && in > (std::numeric_limits<std::size_t>::max() / sizeof(float)) / out - 1)
    fail_arg("DenseLayer", "in x out = " + std::to_string(in) + " x " + std::to_string(out) +
                               " is too large");
  store_.assign(out * in + out, 0.0f);
  W_ = store_.data();
  b_ = store_.data() + out * in;
}

DenseLayer::DenseLayer(float* W, std::size_t ldw, float* b, std::size_t in, std::size_t out,
                       Activation f, float alpha)
    : W_(W), b_(b), m_(out), n_(in), ld_(in == 0 ? 0 : ldw), f_(f), alpha_(alpha),
      owning_(false) {
  const char* fn = "DenseLayer";
  check_layer_args(fn, f, alpha);
  const std::size_t wspan = check_matrix(fn, W, "W", out, in, ldw, "ldw");
  detail::check_ptr(fn, b, "b", out, "out");
  check_regions(fn, {{W, wspan, "W", true}, {b, out, "b", true}});
}

DenseLayer::DenseLayer(const DenseLayer& o)
    : store_(o.store_), W_(o.W_), b_(o.b_), m_(o.m_), n_(o.n_), ld_(o.ld_), f_(o.f_),
      alpha_(o.alpha_), owning_(o.owning_) {
  if (owning_) {
    W_ = store_.data();
    b_ = store_.data() + m_ * n_;
  }
}

DenseLayer& DenseLayer::operator=(const DenseLayer& o) {
  if (this != &o) {
    DenseLayer c(o);
    *this = std::move(c);
  }
  return *this;
}

void DenseLayer::init_random(std::uint64_t seed) {
  const bool he = f_ == Activation::relu || f_ == Activation::leaky_relu ||
                  f_ == Activation::elu || f_ == Activation::silu || f_ == Activation::gelu ||
                  f_ == Activation::gelu_tanh;
  const double fan = he ? double(n_) / 2.0 : double(n_ + m_) / 2.0;
  const double sd = fan > 0 ? std::sqrt(1.0 / fan) : 0.0;
  std::uint64_t s = seed;
  bool have = false;
  double spare = 0.0;
  for (std::size_t i = 0; i < m_; ++i) {
    for (std::size_t j = 0; j < n_; ++j) {
      double v;
      if (have) {
        v = spare;
        have = false;
      } else {  // Box-Muller: two normals from two uniforms in (0, 1]
        const double u1 = (double(splitmix(s) >> 11) + 1.0) * 0x1.0p-53;
        const double u2 = double(splitmix(s) >> 11) * 0x1.0p-53;
        const double r = std::sqrt(-2.0 * std::log(u1));
        v = r * std::cos(2.0 * M_PI * u2);
        spare = r * std::sin(2.0 * M_PI * u2);
        have = true;
      }
      W_[i * ld_ + j] = float(sd * v);
    }
    b_[i] = 0.0f;
  }
}

void DenseLayer::forward(const float* x, float* z, float* h) const {
  const char* fn = "DenseLayer::forward";
  detail::check_ptr(fn, x, "x", n_, "input_size");
  detail::check_ptr(fn, z, "z", m_, "output_size");
  const std::size_t ws = detail::span(m_, n_, ld_);
  check_regions(fn, {{z, m_, "z", true}, {x, n_, "x", false}, {W_, ws, "W", false},
                     {b_, m_, "b", false}});
  if (h) {
    if (h != z) check_regions(fn, {{h, m_, "h", true}, {z, m_, "z", false}});
    check_regions(fn, {{h, m_, "h", true}, {x, n_, "x", false}, {W_, ws, "W", false},
                       {b_, m_, "b", false}});
  }
  const auto& k = detail::active().dense;
  k.forward(W_, ld_, m_, n_, x, b_, z);
  if (h) k.act_forward(z, h, m_, f_, alpha_);
}

void DenseLayer::forward_batch(const float* X, std::size_t batch, float* Z, float* H) const {
  const char* fn = "DenseLayer::forward_batch";
  detail::check_ptr(fn, X, "X", batch * n_, "batch x input_size");
  detail::check_ptr(fn, Z, "Z", batch * m_, "batch x output_size");
  const std::size_t ws = detail::span(m_, n_, ld_);
  check_regions(fn, {{Z, batch * m_, "Z", true}, {X, batch * n_, "X", false},
                     {W_, ws, "W", false}, {b_, m_, "b", false}});
  if (H) {
    if (H != Z) check_regions(fn, {{H, batch * m_, "H", true}, {Z, batch * m_, "Z", false}});
    check_regions(fn, {{H, batch * m_, "H", true}, {X, batch * n_, "X", false},
                       {W_, ws, "W", false}, {b_, m_, "b", false}});
  }
  const auto& k = detail::active().dense;
  k.forward_batch(W_, ld_, m_, n_, X, n_, batch, b_, Z, m_);
  if (H) k.act_forward(Z, H, batch * m_, f_, alpha_);
}

void DenseLayer::backward(const float* x, const float* z, const float* dh, float* dx, float* dW,
                          float* db) const {
  const char* fn = "DenseLayer::backward";
  detail::check_ptr(fn, x, "x", dW ? n_ : 0, "input_size");
  detail::check_ptr(fn, z, "z", m_, "output_size");
  detail::check_ptr(fn, dh, "dh", m_, "output_size");
  const std::size_t ws = detail::span(m_, n_, ld_);
  check_regions(fn, {{dx, dx ? n_ : 0, "dx", true}, {dW, dW ? m_ * n_ : 0, "dW", true},
                     {db, db ? m_ : 0, "db", true}, {x, n_, "x", false}, {z, m_, "z", false},
                     {dh, m_, "dh", false}, {W_, ws, "W", false}});
  const auto& k = detail::active().dense;
  float* dz = scratch(m_);
  k.act_grad(z, dh, dz, m_, f_, alpha_);
  if (db)
    for (std::size_t i = 0; i < m_; ++i) db[i] = dz[i];
  if (dW) {
    for (std::size_t i = 0; i < m_ * n_; ++i) dW[i] = 0.0f;
    k.outer_acc(dz, x, dW, n_, m_, n_);
  }
  if (dx) {
    for (std::size_t j = 0; j < n_; ++j) dx[j] = 0.0f;
    k.matvec_t_acc(W_, ld_, m_, n_, dz, dx);
  }
}

void DenseLayer::backward_batch(const float* X, const float* Z, const float* dH,
                                std::size_t batch, float* dX, float* dW, float* db) const {
  const char* fn = "DenseLayer::backward_batch";
  const std::size_t bm = batch * m_, bn = batch * n_;
  detail::check_ptr(fn, X, "X", dW ? bn : 0, "batch x input_size");
  detail::check_ptr(fn, Z, "Z", bm, "batch x output_size");
  detail::check_ptr(fn, dH, "dH", bm, "batch x output_size");
  const std::size_t ws = detail::span(m_, n_, ld_);
  check_regions(fn, {{dX, dX ? bn : 0, "dX", true}, {dW, dW ? m_ * n_ : 0, "dW", true},
                     {db, db ? m_ : 0, "db", true}, {X, bn, "X", false}, {Z, bm, "Z", false},
                     {dH, bm, "dH", false}, {W_, ws, "W", false}});
  const auto& k = detail::active().dense;
  float* dZ = scratch(bm);
  k.act_grad(Z, dH, dZ, bm, f_, alpha_);
  if (db)
    for (std::size_t i = 0; i < m_; ++i) {
      float g = 0.0f;
      for (std::size_t s = 0; s < batch; ++s) g += dZ[s * m_ + i];
      db[i] = g;
    }
  if (dW) {
    for (std::size_t i = 0; i < m_ * n_; ++i) dW[i] = 0.0f;
    for (std::size_t s = 0; s < batch; ++s) k.outer_acc(dZ + s * m_, X + s * n_, dW, n_, m_, n_);
  }
  if (dX) {
    for (std::size_t i = 0; i < bn; ++i) dX[i] = 0.0f;
    for (std::size_t s = 0; s < batch; ++s) k.matvec_t_acc(W_, ld_, m_, n_, dZ + s * m_, dX + s * n_);
  }
}

void DenseLayer::apply_bias_update(const float* dz, std::size_t batch, float lr) {
  for (std::size_t i = 0; i < m_; ++i) {
    float g = 0.0f;
    for (std::size_t s = 0; s < batch; ++s) g += dz[s * m_ + i];
    b_[i] -= lr * g;
  }
}

namespace {
// Checks shared by the in-place training methods (W and b are written).
void check_sgd(const char* fn, const float* W, std::size_t ws, const float* b, std::size_t m,
               const float* x, std::size_t xn, const float* z, std::size_t zn, const float* dh,
               float* dx, std::size_t dxn, float lr) {
  check_finite(fn, lr, "lr");
  detail::check_ptr(fn, x, "x", xn, "input_size");
  detail::check_ptr(fn, z, "z", zn, "output_size");
  detail::check_ptr(fn, dh, "dh", zn, "output_size");
  check_regions(fn, {{W, ws, "W", true}, {b, m, "b", true}, {dx, dx ? dxn : 0, "dx", true},
                     {x, xn, "x", false}, {z, zn, "z", false}, {dh, zn, "dh", false}});
}
}  // namespace

void DenseLayer::backward_sgd(const float* x, const float* z, const float* dh, float lr,
                              float* dx) {
  check_sgd("DenseLayer::backward_sgd", W_, detail::span(m_, n_, ld_), b_, m_, x, n_, z, m_, dh,
            dx, n_, lr);
  const auto& k = detail::active().dense;
  float* dz = scratch(m_);
  k.act_grad(z, dh, dz, m_, f_, alpha_);
  if (dx)
    for (std::size_t j = 0; j < n_; ++j) dx[j] = 0.0f;
  k.backward_sgd(W_, ld_, m_, n_, dz, lr, x, dx);
  apply_bias_update(dz, 1, lr);
}

void DenseLayer::backward_sgd_unfused(const float* x, const float* z, const float* dh, float lr,
                                      float* dx) {
  check_sgd("DenseLayer::backward_sgd_unfused", W_, detail::span(m_, n_, ld_), b_, m_, x, n_, z,
            m_, dh, dx, n_, lr);
  const auto& k = detail::active().dense;
  float* dz = scratch(m_);
  k.act_grad(z, dh, dz, m_, f_, alpha_);
  if (dx) {
    for (std::size_t j = 0; j < n_; ++j) dx[j] = 0.0f;
    k.matvec_t_acc(W_, ld_, m_, n_, dz, dx);
  }
  k.sgd_update(W_, ld_, m_, n_, dz, lr, x);
  apply_bias_update(dz, 1, lr);
}

void DenseLayer::backward_sgd_batch(const float* X, const float* Z, const float* dH,
                                    std::size_t batch, float lr, float* dX) {
  check_sgd("DenseLayer::backward_sgd_batch", W_, detail::span(m_, n_, ld_), b_, m_, X,
            batch * n_, Z, batch * m_, dH, dX, batch * n_, lr);
  const auto& k = detail::active().dense;
  float* dZ = scratch(batch * m_);
  k.act_grad(Z, dH, dZ, batch * m_, f_, alpha_);
  if (dX)
    for (std::size_t i = 0; i < batch * n_; ++i) dX[i] = 0.0f;
  k.backward_sgd_batch(W_, ld_, m_, n_, dZ, m_, X, n_, batch, lr, dX, n_);
  apply_bias_update(dZ, batch, lr);
}

void DenseLayer::sgd_forward(const float* x, const float* z, const float* dh, float lr,
                             float* dx, const float* x_next, float* z_next, float* h_next) {
  const char* fn = "DenseLayer::sgd_forward";
  check_sgd(fn, W_, detail::span(m_, n_, ld_), b_, m_, x, n_, z, m_, dh, dx, n_, lr);
  detail::check_ptr(fn, x_next, "x_next", n_, "input_size");
  detail::check_ptr(fn, z_next, "z_next", m_, "output_size");
  const std::size_t ws = detail::span(m_, n_, ld_);
  // z_next may replace z or dh exactly (both are consumed before the pass over W).
  check_regions(fn, {{z_next, m_, "z_next", true}, {x_next, n_, "x_next", false},
                     {x, n_, "x", false}, {W_, ws, "W", false}, {b_, m_, "b", false},
                     {dx, dx ? n_ : 0, "dx", false}});
  if (h_next)
    check_regions(fn, {{h_next, m_, "h_next", true}, {x_next, n_, "x_next", false},
                       {x, n_, "x", false}, {W_, ws, "W", false}, {b_, m_, "b", false},
                       {dx, dx ? n_ : 0, "dx", false}});
  const auto& k = detail::active().dense;
  float* dz = scratch(m_);
  k.act_grad(z, dh, dz, m_, f_, alpha_);
  apply_bias_update(dz, 1, lr);  // z_next uses the updated bias
  if (dx)
    for (std::size_t j = 0; j < n_; ++j) dx[j] = 0.0f;
  k.sgd_forward(W_, ld_, m_, n_, dz, lr, x, dx, x_next, b_, z_next);
  if (h_next) k.act_forward(z_next, h_next, m_, f_, alpha_);
}

void DenseLayer::jacobian_z(const float* z, float* d) const {
  const char* fn = "DenseLayer::jacobian_z";
  detail::check_ptr(fn, z, "z", m_, "output_size");
  detail::check_ptr(fn, d, "d", m_, "output_size");
  detail::check_inplace_or_disjoint(fn, z, "z", d, "d", m_);
  detail::active().dense.act_grad(z, nullptr, d, m_, f_, alpha_);
}

void DenseLayer::jacobian_x(const float* z, float* J) const {
  const char* fn = "DenseLayer::jacobian_x";
  detail::check_ptr(fn, z, "z", m_, "output_size");
  detail::check_ptr(fn, J, "J", m_ * n_, "output_size x input_size");
  check_regions(fn, {{J, m_ * n_, "J", true}, {z, m_, "z", false},
                     {W_, detail::span(m_, n_, ld_), "W", false}});
  float* d = scratch(m_);
  detail::active().dense.act_grad(z, nullptr, d, m_, f_, alpha_);
  for (std::size_t i = 0; i < m_; ++i)
    for (std::size_t j = 0; j < n_; ++j) J[i * n_ + j] = d[i] * W_[i * ld_ + j];
}

}  // namespace simdense
