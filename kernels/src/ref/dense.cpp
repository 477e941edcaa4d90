// Scalar reference dense kernels (the `scalar` ISA): obvious rather than fast, every sum and
// every intermediate of the lecture step in double, each output rounded once to float.
#include <algorithm>
#include <cmath>
#include <vector>

#include "ref/ref.hpp"

namespace simdense::ref {

namespace {

void forward_ref(const float* W, std::size_t ld, std::size_t m, std::size_t n, const float* y,
                 const float* b, float* z) {
  for (std::size_t i = 0; i < m; ++i) {
    double s = b ? double(b[i]) : 0.0;
    for (std::size_t j = 0; j < n; ++j) s += double(W[i * ld + j]) * double(y[j]);
    z[i] = float(s);
  }
}

void forward_batch_ref(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                       const float* X, std::size_t ldx, std::size_t count, const float* b,
                       float* Z, std::size_t ldz) {
  for (std::size_t k = 0; k < count; ++k) forward_ref(W, ld, m, n, X + k * ldx, b, Z + k * ldz);
}

void matvec_t_acc_ref(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                      const float* dz, float* dx) {
  std::vector<double> acc(dx, dx + n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) acc[j] += double(dz[i]) * double(W[i * ld + j]);
  for (std::size_t j = 0; j < n; ++j) dx[j] = float(acc[j]);
}

void sgd_update_ref(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                    float lr, const float* x) {
  for (std::size_t i = 0; i < m; ++i) {
    const double c = double(lr) * double(dz[i]);
    for (std::size_t j = 0; j < n; ++j)
      W[i * ld + j] = float(double(W[i * ld + j]) - c * double(x[j]));
  }
}

void backward_sgd_ref(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                      float lr, const float* x, float* dx) {
  if (dx) matvec_t_acc_ref(W, ld, m, n, dz, dx);
  sgd_update_ref(W, ld, m, n, dz, lr, x);
}

void sgd_forward_ref(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                     float lr, const float* x, float* dx, const float* y, const float* b,
                     float* z) {
  backward_sgd_ref(W, ld, m, n, dz, lr, x, dx);
  forward_ref(W, ld, m, n, y, b, z);
}

void backward_sgd_batch_ref(float* W, std::size_t ld, std::size_t m, std::size_t n,
                            const float* dZ, std::size_t ldz, const float* X, std::size_t ldx,
                            std::size_t count, float lr, float* dX, std::size_t lddx) {
  if (dX)
    for (std::size_t k = 0; k < count; ++k) matvec_t_acc_ref(W, ld, m, n, dZ + k * ldz, dX + k * lddx);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double g = 0.0;
      for (std::size_t k = 0; k < count; ++k) g += double(dZ[k * ldz + i]) * double(X[k * ldx + j]);
      W[i * ld + j] = float(double(W[i * ld + j]) - double(lr) * g);
    }
}

void outer_acc_ref(const float* a, const float* x, float* G, std::size_t ldg, std::size_t m,
                   std::size_t n) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      G[i * ldg + j] = float(double(G[i * ldg + j]) + double(a[i]) * double(x[j]));
}

void act_forward_ref(const float* z, float* h, std::size_t m, Activation f, float alpha) {
  for (std::size_t i = 0; i < m; ++i) h[i] = float(act_f(f, z[i], alpha));
}

void act_grad_ref(const float* z, const float* dh, float* dz, std::size_t m, Activation f,
                  float alpha) {
  for (std::size_t i = 0; i < m; ++i)
    dz[i] = float((dh ? double(dh[i]) : 1.0) * act_df(f, z[i], alpha));
}

// The lecture step in double from the float parameters; each parameter rounded once.
float binary_step_ref(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                      std::size_t n, Activation f, float alpha, const float* x, float t,
                      float lr, float* dx, float*) {
  std::vector<double> z(m), h(m), dz(m);
  double s = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    double zi = b[i];
    for (std::size_t j = 0; j < n; ++j) zi += double(W[i * ld + j]) * double(x[j]);
    z[i] = zi;
    h[i] = act_f(f, zi, alpha);
    s += double(u[i]) * h[i];
  }
  const double J = std::max(s, 0.0) - double(t) * s + std::log1p(std::exp(-std::fabs(s)));
  const double ds = act_f(Activation::sigmoid, s, 0.0) - double(t);
  for (std::size_t i = 0; i < m; ++i) dz[i] = ds * double(u[i]) * act_df(f, z[i], alpha);
  if (dx)
    for (std::size_t j = 0; j < n; ++j) {
      double a = 0.0;
      for (std::size_t i = 0; i < m; ++i) a += dz[i] * double(W[i * ld + j]);
      dx[j] = float(a);
    }
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      W[i * ld + j] = float(double(W[i * ld + j]) - double(lr) * dz[i] * double(x[j]));
    u[i] = float(double(u[i]) - double(lr) * ds * h[i]);
    b[i] = float(double(b[i]) - double(lr) * dz[i]);
  }
  return float(J);
}

double binary_train_ref(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                        std::size_t n, Activation f, float alpha, const float* X,
                        std::size_t ldx, const float* t, std::size_t count, float lr,
                        float* scratch) {
  double sum = 0.0;
  for (std::size_t k = 0; k < count; ++k)
    sum += binary_step_ref(W, ld, b, u, m, n, f, alpha, X + k * ldx, t[k], lr, nullptr, scratch);
  return sum;
}

}  // namespace

detail::DenseKernels dense_kernels() {
  return {&forward_ref,       &forward_batch_ref,      &matvec_t_acc_ref, &sgd_update_ref,
          &backward_sgd_ref,  &sgd_forward_ref,        &backward_sgd_batch_ref,
          &outer_acc_ref,     &act_forward_ref,        &act_grad_ref,
          &binary_step_ref,   &binary_step_ref,        &binary_train_ref};
}

}  // namespace simdense::ref
