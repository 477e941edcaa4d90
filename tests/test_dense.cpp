// Dense layers and fused SGD (kernels/include/simdense/dense.hpp), every ISA:
//  * every gradient against central finite differences in double (small sizes, rel. error
//    <= 1e-3 after float rounding);
//  * the fused step against the unfused composition (bit-identical on one ISA) and against a
//    plain double-precision step written here (larger sizes, tolerance = float rounding of the
//    update plus the documented dot-product error);
//  * dense_binary_train == count x dense_binary_step (bit-identical), streaming == step + forward;
//  * every tail (guarded buffers), row strides, n = 0 / m = 0, NaN propagation, bad arguments.
#include <algorithm>
#include <cmath>
#include <functional>

#include "support/test_util.hpp"

using namespace simdense;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kEps = 0x1p-24;  // float unit roundoff

const Activation kAll[] = {Activation::identity,   Activation::sigmoid, Activation::tanh,
                           Activation::relu,       Activation::leaky_relu, Activation::elu,
                           Activation::silu,       Activation::gelu,   Activation::gelu_tanh,
                           Activation::softplus};

std::string act_name(Activation f) {
  static const char* names[] = {"identity", "sigmoid", "tanh", "relu", "leaky_relu",
                                "elu",      "silu",    "gelu", "gelu_tanh", "softplus"};
  return names[int(f)];
}

// ---- double references ------------------------------------------------------------------------

double sig(double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }

double act_f(Activation f, double x, double a) {
  switch (f) {
    case Activation::identity: return x;
    case Activation::sigmoid: return sig(x);
    case Activation::tanh: return std::tanh(x);
    case Activation::relu: return x < 0 ? 0 : x;
    case Activation::leaky_relu: return x < 0 ? a * x : x;
    case Activation::elu: return x < 0 ? a * std::expm1(x) : x;
    case Activation::silu: return x * sig(x);
    case Activation::gelu: return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
    case Activation::gelu_tanh:
      return 0.5 * x * (1 + std::tanh(std::sqrt(2 / kPi) * (x + 0.044715 * x * x * x)));
    case Activation::softplus: return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
  }
  return NAN;
}

// f'(x) by a central difference of the double f (independent of any closed form).
double act_df_fd(Activation f, double x, double a) {
  const double h = 1e-6 * std::max(1.0, std::fabs(x));
  return (act_f(f, x + h, a) - act_f(f, x - h, a)) / (2 * h);
}

// The lecture network's loss in double from float parameters.
double lecture_loss(const std::vector<double>& W, const std::vector<double>& b,
                    const std::vector<double>& u, const std::vector<double>& x, std::size_t m,
                    std::size_t n, Activation f, double a, double t) {
  double s = 0;
  for (std::size_t i = 0; i < m; ++i) {
    double z = b[i];
    for (std::size_t j = 0; j < n; ++j) z += W[i * n + j] * x[j];
    s += u[i] * act_f(f, z, a);
  }
  return std::max(s, 0.0) - t * s + std::log1p(std::exp(-std::fabs(s)));
}

std::vector<double> to_d(const float* p, std::size_t n) { return std::vector<double>(p, p + n); }

// Central difference of L with respect to each entry of v (in place, restored).
std::vector<double> fd_grad(std::vector<double>& v, const std::function<double()>& L) {
  std::vector<double> g(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) {
    const double old = v[k], h = 1e-5 * std::max(1.0, std::fabs(old));
    v[k] = old + h;
    const double lp = L();
    v[k] = old - h;
    const double lm = L();
    v[k] = old;
    g[k] = (lp - lm) / (2 * h);
  }
  return g;
}

// got vs the finite-difference gradient: relative error <= 1e-3, entries far below the
// gradient's scale compared with 1e-3 of that scale (a relative error of a near-zero entry is
// rounding noise).
void check_grad(const std::vector<double>& got, const std::vector<double>& fd, const char* what) {
  REQUIRE(got.size() == fd.size());
  double scale = 0;
  for (double v : fd) scale = std::max(scale, std::fabs(v));
  double worst = 0;
  std::size_t worst_k = 0;
  for (std::size_t k = 0; k < fd.size(); ++k) {
    const double den = std::max(std::fabs(fd[k]), 1e-2 * scale + 1e-12);
    const double e = std::fabs(got[k] - fd[k]) / den;
    if (e > worst) worst = e, worst_k = k;
  }
  INFO(what << ": worst relative error " << worst << " at " << worst_k << " (got "
            << (got.empty() ? 0 : got[worst_k]) << ", fd " << (fd.empty() ? 0 : fd[worst_k]) << ")");
  CHECK(worst <= 1e-3);
}

void fill(test::Rng& r, float* p, std::size_t n, double sd) {
  for (std::size_t k = 0; k < n; ++k) p[k] = float(sd * r.normal());
}

// A plain double-precision lecture step (reference for the larger sizes): returns J; writes
// the updated parameters (double, before float rounding) and dz, dx.
struct StepRef {
  double J;
  std::vector<double> W, b, u, dz, dx, upd;  // upd[i*n+j] = |lr dz_i x_j| (the update's size)
  std::vector<double> dxmag;                 // sum_i |dz_i W_ij|, the scale of dx's error
  std::vector<double> updu;                  // |lr ds h_i| + 8 eps |lr ds| (1 + |h_i|)
};
StepRef step_ref(const float* W, std::size_t ld, const float* b, const float* u, std::size_t m,
                 std::size_t n, Activation f, double a, const float* x, double t, double lr) {
  StepRef r;
  std::vector<double> z(m), h(m);
  double s = 0;
  for (std::size_t i = 0; i < m; ++i) {
    double zi = b[i];
    for (std::size_t j = 0; j < n; ++j) zi += double(W[i * ld + j]) * x[j];
    z[i] = zi;
    h[i] = act_f(f, zi, a);
    s += u[i] * h[i];
  }
  r.J = std::max(s, 0.0) - t * s + std::log1p(std::exp(-std::fabs(s)));
  const double ds = sig(s) - t;
  r.dz.resize(m);
  r.W.resize(m * n);
  r.b.resize(m);
  r.u.resize(m);
  r.dx.assign(n, 0);
  r.dxmag.assign(n, 0);
  r.upd.resize(m * n);
  r.updu.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    r.dz[i] = ds * u[i] * act_df_fd(f, z[i], a);
    for (std::size_t j = 0; j < n; ++j) {
      r.dx[j] += r.dz[i] * W[i * ld + j];
      r.dxmag[j] += std::fabs(r.dz[i] * W[i * ld + j]);
      r.W[i * n + j] = W[i * ld + j] - lr * r.dz[i] * x[j];
      r.upd[i * n + j] = std::fabs(lr * r.dz[i] * x[j]);
    }
    r.u[i] = u[i] - lr * ds * h[i];
    // the second term: an absolute activation error of up to 8 eps (1 + |h|), which the
    // PLACEHOLDER elu/gelu (exp(x) - 1, xsimd erfc) reach on SSE2
    r.updu[i] = std::fabs(lr * ds * h[i]) + 8e4 * kEps * std::fabs(lr * ds) * (1 + std::fabs(h[i]));
    r.b[i] = b[i] - lr * r.dz[i];
  }
  return r;
}

bool same_bits(const float* a, const float* b, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k)
    if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
  return true;
}

// A lecture-network problem instance with random parameters.
struct Lecture {
  std::size_t m, n, ld;
  std::vector<float> W, b, u, x;
  Lecture(std::size_t m_, std::size_t n_, std::uint64_t seed, std::size_t pad = 0)
      : m(m_), n(n_), ld(n_ + pad), W(m_ * (n_ + pad)), b(m_), u(m_), x(n_) {
    test::Rng r(seed);
    fill(r, W.data(), W.size(), 1.0 / std::sqrt(double(std::max<std::size_t>(n, 1))));
    fill(r, b.data(), m, 0.3);
    fill(r, u.data(), m, 1.0 / std::sqrt(double(std::max<std::size_t>(m, 1))));
    fill(r, x.data(), n, 1.0);
  }
};

}  // namespace

TEST_SUITE("dense") {
  TEST_CASE("lecture step: dJ/dW, dJ/db, dJ/du, dJ/dx vs central differences in double") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      for (Activation f : kAll)
        for (double t : {0.0, 1.0, 0.3}) {
          CAPTURE(act_name(f));
          CAPTURE(t);
          const std::size_t m = 5, n = 7;
          Lecture p(m, n, 11 + std::uint64_t(f));
          const double a = default_alpha(f);
          std::vector<double> Wd = to_d(p.W.data(), m * n), bd = to_d(p.b.data(), m),
                              ud = to_d(p.u.data(), m), xd = to_d(p.x.data(), n);
          auto L = [&] { return lecture_loss(Wd, bd, ud, xd, m, n, f, a, t); };
          // Gradients from one step with lr = 1: G = (theta_old - theta_new) / lr, in double.
          std::vector<float> W = p.W, b = p.b, u = p.u, dx(n);
          const float lr = 1.0f;
          const float J = dense_binary_step(W.data(), b.data(), u.data(), m, n, f, p.x.data(),
                                            float(t), lr, dx.data());
          CHECK(std::fabs(J - L()) <= 1e-5 * (1 + std::fabs(L())));
          std::vector<double> gW(m * n), gb(m), gu(m);
          for (std::size_t k = 0; k < m * n; ++k) gW[k] = (double(p.W[k]) - W[k]) / lr;
          for (std::size_t k = 0; k < m; ++k) gb[k] = (double(p.b[k]) - b[k]) / lr;
          for (std::size_t k = 0; k < m; ++k) gu[k] = (double(p.u[k]) - u[k]) / lr;
          check_grad(gW, fd_grad(Wd, L), "dJ/dW");
          check_grad(gb, fd_grad(bd, L), "dJ/db");
          check_grad(gu, fd_grad(ud, L), "dJ/du");
          check_grad(to_d(dx.data(), n), fd_grad(xd, L), "dJ/dx");
        }
    });
  }

  TEST_CASE("DenseLayer: backward (dx, dW, db), batch backward and Jacobians vs central differences") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      for (Activation f : kAll) {
        CAPTURE(act_name(f));
        const std::size_t m = 6, n = 5, B = 3;
        DenseLayer layer(n, m, f);
        layer.init_random(7 + std::uint64_t(f));
        test::Rng r(99);
        for (std::size_t i = 0; i < m; ++i) layer.bias()[i] = r.uniform(-0.5f, 0.5f);
        std::vector<float> X(B * n), C(B * m);  // L = sum_k C[k] . h(X[k])
        fill(r, X.data(), X.size(), 1.0);
        fill(r, C.data(), C.size(), 1.0);
        const double a = layer.alpha();
        std::vector<double> Wd = to_d(layer.weights(), m * n), bd = to_d(layer.bias(), m),
                            Xd = to_d(X.data(), B * n);
        auto L = [&] {
          double s = 0;
          for (std::size_t k = 0; k < B; ++k)
            for (std::size_t i = 0; i < m; ++i) {
              double z = bd[i];
              for (std::size_t j = 0; j < n; ++j) z += Wd[i * n + j] * Xd[k * n + j];
              s += C[k * m + i] * act_f(f, z, a);
            }
          return s;
        };
        std::vector<float> Z(B * m), H(B * m), dX(B * n), dW(m * n), db(m);
        layer.forward_batch(X.data(), B, Z.data(), H.data());
        layer.backward_batch(X.data(), Z.data(), C.data(), B, dX.data(), dW.data(), db.data());
        check_grad(to_d(dW.data(), m * n), fd_grad(Wd, L), "batch dW");
        check_grad(to_d(db.data(), m), fd_grad(bd, L), "batch db");
        check_grad(to_d(dX.data(), B * n), fd_grad(Xd, L), "batch dX");
        // Single sample (k = 0): backward against the same finite differences restricted to it.
        std::vector<float> z(m), h(m), dx(n), dW1(m * n), db1(m);
        layer.forward(X.data(), z.data(), h.data());
        CHECK(same_bits(z.data(), Z.data(), m));  // batch forward == single forward, bit for bit
        CHECK(same_bits(h.data(), H.data(), m));
        layer.backward(X.data(), z.data(), C.data(), dx.data(), dW1.data(), db1.data());
        std::vector<double> x0 = to_d(X.data(), n);
        auto L0 = [&] {
          double s = 0;
          for (std::size_t i = 0; i < m; ++i) {
            double zz = bd[i];
            for (std::size_t j = 0; j < n; ++j) zz += Wd[i * n + j] * x0[j];
            s += C[i] * act_f(f, zz, a);
          }
          return s;
        };
        check_grad(to_d(dx.data(), n), fd_grad(x0, L0), "dx");
        check_grad(to_d(dW1.data(), m * n), fd_grad(Wd, L0), "dW");
        check_grad(to_d(db1.data(), m), fd_grad(bd, L0), "db");
        // Jacobians: dh/dx (m x n) column by column, dh/dz (diagonal) entry by entry.
        std::vector<float> J(m * n), dz(m);
        layer.jacobian_x(z.data(), J.data());
        layer.jacobian_z(z.data(), dz.data());
        for (std::size_t i = 0; i < m; ++i) {
          auto hi = [&] {
            double zz = bd[i];
            for (std::size_t j = 0; j < n; ++j) zz += Wd[i * n + j] * x0[j];
            return act_f(f, zz, a);
          };
          std::vector<double> row(n);
          for (std::size_t j = 0; j < n; ++j) row[j] = J[i * n + j];
          check_grad(row, fd_grad(x0, hi), "jacobian_x row");
          const double zi = z[i];
          check_grad({double(dz[i])}, {act_df_fd(f, zi, a)}, "jacobian_z");
        }
      }
    });
  }

  TEST_CASE("Network: train_step and train_batch gradients vs central differences") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      for (Activation f : {Activation::tanh, Activation::relu, Activation::gelu}) {
        CAPTURE(act_name(f));
        const std::vector<std::size_t> sizes = {4, 6, 5, 3};
        const std::size_t B = 4;
        std::vector<float> X(B * 4);
        std::size_t labels[B] = {0, 2, 1, 2};
        test::Rng r(5);
        fill(r, X.data(), X.size(), 1.0);
        for (bool batch : {false, true}) {
          CAPTURE(batch);
          Network net(sizes, f, 1234);
          const std::size_t nl = net.num_layers();
          REQUIRE(nl == 3);
          // Double copies of every parameter.
          std::vector<std::vector<double>> Wd(nl), bd(nl);
          for (std::size_t l = 0; l < nl; ++l) {
            const DenseLayer& ly = net.layer(l);
            Wd[l] = to_d(ly.weights(), ly.output_size() * ly.input_size());
            bd[l] = to_d(ly.bias(), ly.output_size());
          }
          const std::size_t nk = batch ? B : 1;
          auto L = [&] {
            double tot = 0;
            for (std::size_t k = 0; k < nk; ++k) {
              std::vector<double> a = to_d(X.data() + k * 4, 4);
              for (std::size_t l = 0; l < nl; ++l) {
                const std::size_t m = sizes[l + 1], n = sizes[l];
                std::vector<double> z(m);
                for (std::size_t i = 0; i < m; ++i) {
                  z[i] = bd[l][i];
                  for (std::size_t j = 0; j < n; ++j) z[i] += Wd[l][i * n + j] * a[j];
                  if (l + 1 < nl) z[i] = act_f(f, z[i], default_alpha(f));
                }
                a = z;
              }
              double mx = -INFINITY, s = 0;
              for (double v : a) mx = std::max(mx, v);
              for (double v : a) s += std::exp(v - mx);
              tot += mx + std::log(s) - a[labels[k]];
            }
            return tot / double(nk);
          };
          const double want = L();
          const float lr = 1.0f;
          const float got = batch ? net.train_batch(X.data(), labels, B, lr)
                                  : net.train_step(X.data(), labels[0], lr);
          CHECK(std::fabs(got - want) <= 1e-5 * (1 + want));
          for (std::size_t l = 0; l < nl; ++l) {
            CAPTURE(l);
            const DenseLayer& ly = net.layer(l);
            std::vector<double> gW(Wd[l].size()), gb(bd[l].size());
            for (std::size_t k = 0; k < gW.size(); ++k)
              gW[k] = (float(Wd[l][k]) - double(ly.weights()[k])) / lr;
            for (std::size_t k = 0; k < gb.size(); ++k)
              gb[k] = (float(bd[l][k]) - double(ly.bias()[k])) / lr;
            check_grad(gW, fd_grad(Wd[l], L), "network dW");
            check_grad(gb, fd_grad(bd[l], L), "network db");
          }
        }
      }
    });
  }

  TEST_CASE("fused step == unfused composition (bit for bit) and == a double step (float rounding)") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      struct Shape { std::size_t m, n, pad; };
      for (Shape s : {Shape{37, 67, 0}, Shape{130, 259, 3}, Shape{256, 256, 0}, Shape{300, 1000, 5}})
        for (Activation f : kAll) {
          CAPTURE(s.m);
          CAPTURE(s.n);
          CAPTURE(act_name(f));
          Lecture p(s.m, s.n, 1000 + s.m + std::uint64_t(f), s.pad);
          const float a = default_alpha(f), t = 1.0f, lr = 0.05f;
          const StepRef ref = step_ref(p.W.data(), p.ld, p.b.data(), p.u.data(), s.m, s.n, f, a,
                                       p.x.data(), t, lr);
          Lecture q = p;
          const std::vector<float> W0 = p.W;
          std::vector<float> dx1(s.n), dx2(s.n);
          const float J1 = dense_binary_step(p.W.data(), p.ld, p.b.data(), p.u.data(), s.m, s.n,
                                             f, a, p.x.data(), t, lr, dx1.data());
          const float J2 = dense_binary_step_unfused(q.W.data(), q.ld, q.b.data(), q.u.data(),
                                                     s.m, s.n, f, a, q.x.data(), t, lr,
                                                     dx2.data());
          CHECK(J1 == J2);
          CHECK(same_bits(p.W.data(), q.W.data(), p.W.size()));
          CHECK(same_bits(p.b.data(), q.b.data(), s.m));
          CHECK(same_bits(p.u.data(), q.u.data(), s.m));
          CHECK(same_bits(dx1.data(), dx2.data(), s.n));
          // Against double: J to float rounding of s; W to one rounding of W plus 1e-4 of the
          // update (dz carries the dot product's float error); dx to 1e-4 of sum |dz W|.
          CHECK(std::fabs(J1 - ref.J) <= 1e-5 * (1 + std::fabs(ref.J)));
          double worstW = 0;
          for (std::size_t i = 0; i < s.m; ++i)
            for (std::size_t j = 0; j < s.n; ++j) {
              const double want = ref.W[i * s.n + j], got = p.W[i * p.ld + j];
              const double tol = 2 * kEps * std::fabs(want) + 1e-4 * ref.upd[i * s.n + j] + 1e-30;
              worstW = std::max(worstW, std::fabs(got - want) / tol);
            }
          CHECK(worstW <= 1.0);
          for (std::size_t i = 0; i < s.m; ++i) {
            CHECK(std::fabs(p.b[i] - ref.b[i]) <= 2 * kEps * std::fabs(ref.b[i]) + 1e-4 * std::fabs(lr * ref.dz[i]) + 1e-30);
            CHECK(std::fabs(p.u[i] - ref.u[i]) <= 2 * kEps * std::fabs(ref.u[i]) + 1e-4 * ref.updu[i] + 1e-30);
          }
          double worstdx = 0;
          for (std::size_t j = 0; j < s.n; ++j)
            worstdx = std::max(worstdx, std::fabs(dx1[j] - ref.dx[j]) / (1e-4 * ref.dxmag[j] + 1e-30));
          CHECK(worstdx <= 1.0);
          // Row padding (ld > n) is never touched.
          for (std::size_t i = 0; i < s.m; ++i)
            for (std::size_t j = s.n; j < p.ld; ++j) CHECK(p.W[i * p.ld + j] == W0[i * p.ld + j]);
        }
    });
  }

  TEST_CASE("dense_binary_train == count x dense_binary_step, bit for bit; mean loss") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      for (Activation f : {Activation::sigmoid, Activation::relu, Activation::silu, Activation::identity}) {
        for (std::size_t pad : {0, 2}) {
          CAPTURE(act_name(f));
          const std::size_t m = 67, n = 45, count = 9, ldx = n + pad;
          Lecture p(m, n, 77, pad), q = p;
          test::Rng r(3);
          std::vector<float> X(count * ldx), t(count);
          fill(r, X.data(), X.size(), 1.0);
          for (std::size_t k = 0; k < count; ++k) t[k] = k % 3 == 2 ? 0.25f : float(k % 2);
          const float lr = 0.1f;
          const float a = default_alpha(f);
          const float mean = dense_binary_train(p.W.data(), p.ld, p.b.data(), p.u.data(), m, n,
                                                f, a, X.data(), ldx, t.data(), count, lr);
          double sum = 0;
          for (std::size_t k = 0; k < count; ++k)
            sum += dense_binary_step(q.W.data(), q.ld, q.b.data(), q.u.data(), m, n, f, a,
                                     X.data() + k * ldx, t[k], lr, nullptr);
          CHECK(mean == float(sum / count));
          CHECK(same_bits(p.W.data(), q.W.data(), p.W.size()));
          CHECK(same_bits(p.b.data(), q.b.data(), m));
          CHECK(same_bits(p.u.data(), q.u.data(), m));
        }
      }
      // The floor signature (dense rows) and count = 0.
      Lecture p(16, 16, 5), q = p;
      std::vector<float> X(3 * 16, 0.5f), t = {1, 0, 1};
      const float mean = dense_binary_train(p.W.data(), p.b.data(), p.u.data(), 16, 16,
                                            Activation::tanh, X.data(), t.data(), 3, 0.2f);
      double sum = 0;
      for (int k = 0; k < 3; ++k)
        sum += dense_binary_step(q.W.data(), q.b.data(), q.u.data(), 16, 16, Activation::tanh,
                                 X.data() + 16 * k, t[k], 0.2f);
      CHECK(mean == float(sum / 3));
      CHECK(same_bits(p.W.data(), q.W.data(), p.W.size()));
      CHECK(dense_binary_train(p.W.data(), p.b.data(), p.u.data(), 16, 16, Activation::tanh,
                               nullptr, nullptr, 0, 0.2f) == 0.0f);
    });
  }

  TEST_CASE("DenseLayer: fused == unfused == explicit gradient; streaming == step + forward; batch SGD") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      for (Activation f : {Activation::relu, Activation::tanh, Activation::gelu_tanh}) {
        CAPTURE(act_name(f));
        const std::size_t m = 133, n = 77, B = 5;
        DenseLayer base(n, m, f);
        base.init_random(1);
        test::Rng r(2);
        std::vector<float> x(n), x2(n), dh(m), z(m), h(m);
        fill(r, x.data(), n, 1.0);
        fill(r, x2.data(), n, 1.0);
        fill(r, dh.data(), m, 1.0);
        for (std::size_t i = 0; i < m; ++i) base.bias()[i] = r.uniform(-0.5f, 0.5f);
        base.forward(x.data(), z.data(), h.data());
        const float lr = 0.01f;
        DenseLayer A = base, Bl = base, C = base, D = base;
        CHECK(A.weights() != base.weights());  // a real copy
        std::vector<float> dxA(n), dxB(n), dxC(n), dxD(n), dW(m * n), db(m);
        A.backward_sgd(x.data(), z.data(), dh.data(), lr, dxA.data());
        Bl.backward_sgd_unfused(x.data(), z.data(), dh.data(), lr, dxB.data());
        CHECK(same_bits(A.weights(), Bl.weights(), m * n));
        CHECK(same_bits(A.bias(), Bl.bias(), m));
        CHECK(same_bits(dxA.data(), dxB.data(), n));
        // Explicit gradients applied by hand.
        base.backward(x.data(), z.data(), dh.data(), dxC.data(), dW.data(), db.data());
        CHECK(same_bits(dxA.data(), dxC.data(), n));
        for (std::size_t k = 0; k < m * n; ++k) {
          const double want = double(base.weights()[k]) - double(lr) * dW[k];
          CHECK(std::fabs(A.weights()[k] - want) <= 2 * kEps * (std::fabs(want) + std::fabs(lr * dW[k])));
        }
        // The same step composed of the matvec family's separate kernels (3 reads + 1 write of
        // W): W and dx agree with the fused step to float rounding.
        {
          DenseLayer E = base;
          std::vector<float> zE(m), hE(m), d(m), dxE(n);
          matvec_act(E.weights(), m, n, E.ld(), x.data(), E.bias(), f, E.alpha(), zE.data(), hE.data());
          for (std::size_t i = 0; i < m; ++i)
            CHECK(std::fabs(zE[i] - z[i]) <= 1e-5 * (1 + std::fabs(z[i])));
          E.jacobian_z(zE.data(), d.data());
          for (std::size_t i = 0; i < m; ++i) d[i] *= dh[i];
          matvec_t(E.weights(), m, n, E.ld(), d.data(), dxE.data());
          add_outer(E.weights(), m, n, E.ld(), -lr, d.data(), x.data());
          axpy(-lr, d.data(), E.bias(), m);
          for (std::size_t j = 0; j < n; ++j) {
            double mag = 0;
            for (std::size_t i = 0; i < m; ++i) mag += std::fabs(double(d[i]) * base.weights()[i * n + j]);
            CHECK(std::fabs(dxE[j] - dxA[j]) <= 1e-5 * mag + 1e-30);
          }
          for (std::size_t k = 0; k < m * n; ++k) {
            const double w = A.weights()[k], g = std::fabs(double(base.weights()[k]) - w);
            CHECK(std::fabs(E.weights()[k] - w) <= 2 * kEps * std::fabs(w) + 1e-4 * g + 1e-30);
          }
          for (std::size_t i = 0; i < m; ++i)
            CHECK(std::fabs(E.bias()[i] - A.bias()[i]) <= 2 * kEps * std::fabs(A.bias()[i]) + 1e-4 * std::fabs(lr * d[i]));
        }
        // Streaming: update with (x, z, dh) and forward x2 in one pass == backward_sgd + forward.
        std::vector<float> z2(m), h2(m), zA(m), hA(m);
        C.sgd_forward(x.data(), z.data(), dh.data(), lr, dxD.data(), x2.data(), z2.data(), h2.data());
        A.forward(x2.data(), zA.data(), hA.data());
        CHECK(same_bits(C.weights(), A.weights(), m * n));
        CHECK(same_bits(C.bias(), A.bias(), m));
        CHECK(same_bits(z2.data(), zA.data(), m));
        CHECK(same_bits(h2.data(), hA.data(), m));
        CHECK(same_bits(dxD.data(), dxA.data(), n));
        // Mini-batch fused SGD vs explicit batch gradients (double).
        std::vector<float> X(B * n), Z(B * m), H(B * m), dH(B * m), dX(B * n), dX2(B * n), dWb(m * n), dbb(m);
        fill(r, X.data(), X.size(), 1.0);
        fill(r, dH.data(), dH.size(), 1.0);
        D.forward_batch(X.data(), B, Z.data(), H.data());
        D.backward_batch(X.data(), Z.data(), dH.data(), B, dX2.data(), dWb.data(), dbb.data());
        std::vector<float> W0(D.weights(), D.weights() + m * n), b0(D.bias(), D.bias() + m);
        D.backward_sgd_batch(X.data(), Z.data(), dH.data(), B, lr, dX.data());
        for (std::size_t k = 0; k < B * n; ++k)
          CHECK(std::fabs(dX[k] - dX2[k]) <= 1e-5 * (1 + std::fabs(dX2[k])));
        for (std::size_t k = 0; k < m * n; ++k) {
          const double want = double(W0[k]) - double(lr) * dWb[k];
          CHECK(std::fabs(D.weights()[k] - want) <= 2 * kEps * std::fabs(want) + 1e-5 * std::fabs(lr * dWb[k]) + 1e-30);
        }
        for (std::size_t i = 0; i < m; ++i)
          CHECK(std::fabs(D.bias()[i] - (double(b0[i]) - double(lr) * dbb[i])) <= 2 * kEps * (std::fabs(b0[i]) + std::fabs(lr * dbb[i])));
      }
    });
  }

  TEST_CASE("every tail, guarded buffers, m = 0 and n = 0") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      const Activation f = Activation::silu;
      for (std::size_t n : {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65})
        for (std::size_t m : {0, 1, 3, 4, 5, 9}) {
          CAPTURE(m);
          CAPTURE(n);
          Lecture p(m, n, 31 * m + n);
          // W, x, dx each end at a PROT_NONE page: any read or write past them crashes.
          test::GuardedBuffer W(m * n), x(n), dx(n), b(m), u(m);
          std::copy(p.W.begin(), p.W.end(), W.data());
          std::copy(p.x.begin(), p.x.end(), x.data());
          std::copy(p.b.begin(), p.b.end(), b.data());
          std::copy(p.u.begin(), p.u.end(), u.data());
          const StepRef ref = step_ref(p.W.data(), n, p.b.data(), p.u.data(), m, n, f, 0,
                                       p.x.data(), 0.0, 0.5);
          const float J = dense_binary_step(W.data(), b.data(), u.data(), m, n, f, x.data(), 0.0f,
                                            0.5f, dx.data());
          CHECK(std::fabs(J - ref.J) <= 1e-5 * (1 + std::fabs(ref.J)));
          for (std::size_t k = 0; k < m * n; ++k)
            CHECK(std::fabs(W[k] - ref.W[k]) <= 2 * kEps * std::fabs(ref.W[k]) + 1e-4 * ref.upd[k] + 1e-30);
          for (std::size_t j = 0; j < n; ++j)
            CHECK(std::fabs(dx[j] - ref.dx[j]) <= 1e-4 * ref.dxmag[j] + 1e-30);
          // Layer paths on the same guarded buffers.
          DenseLayer layer(W.data(), n, b.data(), n, m, Activation::tanh);
          test::GuardedBuffer z(m), h(m), dh(m), z2(m);
          for (std::size_t i = 0; i < m; ++i) dh[i] = 0.5f;
          layer.forward(x.data(), z.data(), h.data());
          layer.backward_sgd(x.data(), z.data(), dh.data(), 0.1f, dx.data());
          layer.sgd_forward(x.data(), z.data(), dh.data(), 0.1f, dx.data(), x.data(), z2.data(), nullptr);
          layer.backward_sgd_batch(x.data(), z.data(), dh.data(), 1, 0.1f, dx.data());
          for (std::size_t i = 0; i < m * n; ++i) CHECK(std::isfinite(W[i]));
        }
    });
  }

  TEST_CASE("NaN propagates; alpha is used") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      Lecture p(9, 19, 4);
      p.x[3] = NAN;
      std::vector<float> dx(19);
      const float J = dense_binary_step(p.W.data(), p.b.data(), p.u.data(), 9, 19,
                                        Activation::relu, p.x.data(), 1.0f, 0.1f, dx.data());
      CHECK(std::isnan(J));
      CHECK(std::isnan(p.W[0]));
      CHECK(std::isnan(p.u[0]));
      // leaky relu with alpha 0.2 vs 0.01 differ; dJ/dz for z < 0 is alpha * ...
      Lecture q(4, 3, 8), q2 = q;
      for (auto& w : q.W) w = -std::fabs(w);
      for (auto& w : q2.W) w = -std::fabs(w);
      for (auto& v : q.x) v = std::fabs(v);
      for (auto& v : q2.x) v = std::fabs(v);
      for (auto& v : q.b) v = -1;
      for (auto& v : q2.b) v = -1;
      const float Ja = dense_binary_step(q.W.data(), 3, q.b.data(), q.u.data(), 4, 3,
                                         Activation::leaky_relu, 0.2f, q.x.data(), 1.0f, 0.1f, nullptr);
      const float Jb = dense_binary_step(q2.W.data(), 3, q2.b.data(), q2.u.data(), 4, 3,
                                         Activation::leaky_relu, 0.01f, q2.x.data(), 1.0f, 0.1f, nullptr);
      CHECK(Ja != Jb);
    });
  }

  TEST_CASE("bad arguments are refused with the argument named") {
    Lecture p(4, 3, 1);
    float* W = p.W.data();
    float* b = p.b.data();
    float* u = p.u.data();
    const float* x = p.x.data();
    const auto sg = Activation::sigmoid;
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, sg, x, NAN, 0.1f),
                         doctest::Contains("t is NaN"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, sg, x, 1.5f, 0.1f),
                         doctest::Contains("t = 1.5 is outside [0, 1]"), std::out_of_range);
    CHECK_THROWS_AS(dense_binary_step(W, b, u, 4, 3, sg, x, -0.01f, 0.1f), std::out_of_range);
    CHECK_THROWS_WITH_AS(dense_binary_step(nullptr, b, u, 4, 3, sg, x, 1, 0.1f),
                         doctest::Contains("W is null"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, nullptr, u, 4, 3, sg, x, 1, 0.1f),
                         doctest::Contains("b is null but m = 4"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, sg, nullptr, 1, 0.1f),
                         doctest::Contains("x is null but n = 3"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, 2, b, u, 4, 3, sg, 0.0f, x, 1, 0.1f, nullptr),
                         doctest::Contains("ldw = 2 is shorter than a row (n = 3)"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, b + 1, 4, 3, sg, x, 1, 0.1f),
                         doctest::Contains("overlaps"), std::invalid_argument);
    std::vector<float> xx(8);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, sg, xx.data(), 1, 0.1f, xx.data() + 1),
                         doctest::Contains("dx overlaps x"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, sg, W, 1, 0.1f),
                         doctest::Contains("W overlaps x"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, sg, x, 1, NAN),
                         doctest::Contains("lr = nan is not finite"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dense_binary_step(W, b, u, 4, 3, static_cast<Activation>(42), x, 1, 0.1f),
                         doctest::Contains("f = 42 is not an Activation"), std::invalid_argument);
    float tt[2] = {1.0f, 0.0f};
    CHECK_THROWS_WITH_AS(dense_binary_train(W, b, u, 4, 3, sg, p.W.data(), tt, 2, 0.1f),
                         doctest::Contains("W overlaps X"), std::invalid_argument);
    tt[1] = 2.0f;
    std::vector<float> X(6);
    CHECK_THROWS_WITH_AS(dense_binary_train(W, b, u, 4, 3, sg, X.data(), tt, 2, 0.1f),
                         doctest::Contains("t[1] = 2 is outside [0, 1]"), std::out_of_range);
    CHECK_THROWS_WITH_AS(dense_binary_train(W, 3, b, u, 4, 3, sg, 0.0f, X.data(), 2, tt, 2, 0.1f),
                         doctest::Contains("ldx = 2 is shorter than a row"), std::invalid_argument);
    // Empty shapes are fine: n = 0 (bias-only), m = 0 (no hidden unit).
    CHECK_NOTHROW(dense_binary_step(nullptr, b, u, 4, 0, sg, nullptr, 1, 0.1f));
    const float J0 = dense_binary_step(nullptr, nullptr, nullptr, 0, 3, sg, x, 1, 0.1f);
    CHECK(std::fabs(J0 - std::log(2.0)) < 1e-6);
    // DenseLayer / Network.
    CHECK_THROWS_WITH_AS(DenseLayer(nullptr, 3, b, 3, 4, sg), doctest::Contains("W is null"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(DenseLayer(W, 2, b, 3, 4, sg), doctest::Contains("ldw = 2"),
                         std::invalid_argument);
    DenseLayer layer(3, 4, sg);
    std::vector<float> z(4);
    CHECK_THROWS_WITH_AS(layer.forward(nullptr, z.data(), nullptr),
                         doctest::Contains("DenseLayer::forward: x is null"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(layer.backward_sgd(x, z.data(), z.data(), INFINITY, nullptr),
                         doctest::Contains("lr = inf is not finite"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Network({5}, Activation::relu, 1), doctest::Contains("at least 2"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Network({5, 0, 2}, Activation::relu, 1),
                         doctest::Contains("sizes[1] is 0"), std::invalid_argument);
    Network net({3, 4, 2}, Activation::relu, 1);
    CHECK_THROWS_WITH_AS(net.train_step(x, 2, 0.1f),
                         doctest::Contains("label = 2 but output_size() = 2"), std::out_of_range);
    CHECK_THROWS_AS(net.layer(2), std::out_of_range);
  }

  TEST_CASE("Network: reproducible init, predict == argmax predict_proba, learns a toy problem") {
    test::for_each_isa([](Isa isa) {
      const std::string isa_s = isa_name(isa);
      CAPTURE(isa_s);
      Network a({8, 16, 3}, Activation::relu, 42), b({8, 16, 3}, Activation::relu, 42),
          c({8, 16, 3}, Activation::relu, 43);
      CHECK(a.input_size() == 8);
      CHECK(a.output_size() == 3);
      CHECK(same_bits(a.layer(0).weights(), b.layer(0).weights(), 8 * 16));
      CHECK(!same_bits(a.layer(0).weights(), c.layer(0).weights(), 8 * 16));
      // He init: sample variance of layer 0 near 2 / 8.
      double v = 0;
      for (std::size_t k = 0; k < 128; ++k) v += double(a.layer(0).weights()[k]) * a.layer(0).weights()[k];
      CHECK(v / 128 == doctest::Approx(0.25).epsilon(0.3));
      // Toy problem: the class is the argmax of the first 3 inputs.
      test::Rng r(9);
      const std::size_t N = 96;
      std::vector<float> X(N * 8);
      std::vector<std::size_t> y(N);
      fill(r, X.data(), X.size(), 1.0);
      for (std::size_t k = 0; k < N; ++k)
        y[k] = std::size_t(std::max_element(X.begin() + k * 8, X.begin() + k * 8 + 3) - (X.begin() + k * 8));
      auto mean_loss = [&](const Network& net) {
        double s = 0;
        for (std::size_t k = 0; k < N; ++k) s += net.loss(X.data() + k * 8, y[k]);
        return s / N;
      };
      Network s = a, bt = a;
      const double before = mean_loss(a);
      for (int epoch = 0; epoch < 20; ++epoch)
        for (std::size_t k = 0; k < N; ++k) s.train_step(X.data() + k * 8, y[k], 0.05f);
      for (int epoch = 0; epoch < 60; ++epoch)
        for (std::size_t k = 0; k < N; k += 8) bt.train_batch(X.data() + k * 8, y.data() + k, 8, 0.2f);
      CHECK(mean_loss(s) < 0.5 * before);
      CHECK(mean_loss(bt) < 0.5 * before);
      std::size_t correct = 0;
      for (std::size_t k = 0; k < N; ++k) {
        float pr[3];
        s.predict_proba(X.data() + k * 8, pr);
        CHECK(pr[0] + pr[1] + pr[2] == doctest::Approx(1.0).epsilon(1e-6));
        const std::size_t c = s.predict(X.data() + k * 8);
        CHECK(c == std::size_t(std::max_element(pr, pr + 3) - pr));
        correct += c == y[k];
      }
      CHECK(correct >= N * 8 / 10);
    });
  }
}
