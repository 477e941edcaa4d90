// Eigen 3.4 peers (array expressions, single-threaded): activations forward (and sigmoid/tanh/
// gelu backward), softmax and log-softmax, y = W x + b, W^T v and the rank-1 update.
// Compiled with the build machine's ISA (-march=native, see bench/CMakeLists.txt): Eigen picks
// its SIMD at compile time; the instruction sets in use go to the run context (peer_eigen_simd).
#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include "peers/peers_common.hpp"

namespace simdense::bench::peers {
namespace {

using ArrC = Eigen::Map<const Eigen::ArrayXf>;
using Arr = Eigen::Map<Eigen::ArrayXf>;
using MatR = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using VecC = Eigen::Map<const Eigen::VectorXf>;
using Vec = Eigen::Map<Eigen::VectorXf>;

void eval(Activation f, const float* xp, float* yp, std::size_t n) {
  const ArrC x(xp, Eigen::Index(n));
  Arr y(yp, Eigen::Index(n));
  switch (f) {
    case Activation::sigmoid: y = x.logistic(); break;
    case Activation::tanh: y = x.tanh(); break;
    case Activation::relu: y = x.max(0.0f); break;
    // Written without select() and expm1(), neither of which Eigen 3.4 vectorizes (0.14-0.4
    // G/s here): max(x, 0) + (exp(min(x, 0)) - 1), exact for x >= 0, the exp(x) - 1 form below.
    case Activation::elu: y = x.max(0.0f) + (x.min(0.0f).exp() - 1.0f); break;
    case Activation::silu: y = x * x.logistic(); break;
    case Activation::gelu: y = 0.5f * x * (1.0f + (x * float(M_SQRT1_2)).erf()); break;
    case Activation::gelu_tanh:
      y = 0.5f * x * (1.0f + (0.7978845608f * (x + 0.044715f * x.cube())).tanh());
      break;
    default: break;
  }
}

void eval_grad(Activation f, const float* xp, const float* dyp, float* dxp, std::size_t n) {
  const ArrC x(xp, Eigen::Index(n)), dy(dyp, Eigen::Index(n));
  Arr dx(dxp, Eigen::Index(n));
  if (f == Activation::sigmoid) {
    dx = dy * x.logistic() * (1.0f - x.logistic());  // Eigen fuses: logistic evaluated twice
  } else if (f == Activation::gelu) {
    // Phi(x) + x phi(x), the textbook form (1 + erf cancels for x < 0, as in the forward peer).
    dx = dy * (0.5f * (1.0f + (x * float(M_SQRT1_2)).erf()) +
               x * (-0.5f * x.square()).exp() * 0.3989422804f);
  } else {
    dx = dy * (1.0f - x.tanh().square());
  }
}

void act(benchmark::State& st, Activation f, std::size_t n, bool grad, float sd = kActSd) {
  ActData d(n, sd);
  auto call = [&] {
    if (grad) eval_grad(f, d.x.data(), d.dy.data(), d.y.data(), n);
    else eval(f, d.x.data(), d.y.data(), n);
  };
  call();
  if (!check_act(st, f, d, n, grad)) return;
  for (auto _ : st) {
    call();
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  act_counters(st, n, grad);
}

void softmax_rows(const float* xp, float* yp, std::size_t rows, std::size_t n, bool log) {
  for (std::size_t r = 0; r < rows; ++r) {
    const ArrC x(xp + r * n, Eigen::Index(n));
    Arr y(yp + r * n, Eigen::Index(n));
    const float m = x.maxCoeff();
    if (log) {
      const float lse = std::log((x - m).exp().sum());
      y = x - (m + lse);
    } else {
      y = (x - m).exp();
      y *= 1.0f / y.sum();
    }
  }
}

void softmax(benchmark::State& st, SoftmaxShape s, bool log) {
  const std::size_t total = s.rows * s.n;
  PageBuffer x(total, 0), y(total, 2048);
  fill_normal(x.data(), total, 42, 0.0f, 4.0f);
  const auto want = softmax_reference(x.data(), s.rows, s.n, log);
  softmax_rows(x.data(), y.data(), s.rows, s.n, log);
  if (!check_close(st, y.data(), want.data(), total, 1e-4, log ? 1.0 : 1e-30)) return;
  for (auto _ : st) {
    softmax_rows(x.data(), y.data(), s.rows, s.n, log);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  softmax_counters(st, total);
}

void gemv(benchmark::State& st, MatShape s) {
  MatvecData d(s);
  const Eigen::Map<const MatR> W(d.W.data(), Eigen::Index(s.m), Eigen::Index(s.n));
  const VecC x(d.x.data(), Eigen::Index(s.n)), b(d.b.data(), Eigen::Index(s.m));
  Vec y(d.y.data(), Eigen::Index(s.m));
  auto call = [&] {
    y = b;
    y.noalias() += W * x;
  };
  run_matvec(st, d, s, call);
}

void gemv_t(benchmark::State& st, MatShape s) {
  MatvecTData d(s);
  const Eigen::Map<const MatR> W(d.W.data(), Eigen::Index(s.m), Eigen::Index(s.n));
  const VecC v(d.v.data(), Eigen::Index(s.m));
  Vec y(d.y.data(), Eigen::Index(s.n));
  y.noalias() = W.transpose() * v;
  if (!d.check(st)) return;
  for (auto _ : st) {
    y.noalias() = W.transpose() * v;
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  mat_counters(st, s, 4);
}

void outer(benchmark::State& st, MatShape s) {
  OuterData d(s);
  Eigen::Map<MatR> W(d.W.data(), Eigen::Index(s.m), Eigen::Index(s.n));
  const VecC u(d.u.data(), Eigen::Index(s.m)), v(d.v.data(), Eigen::Index(s.n));
  {
    const auto want = d.reference(0.5f);
    std::vector<float> save(d.W.data(), d.W.data() + s.m * s.n);
    W.noalias() += (0.5f * u) * v.transpose();
    if (!check_close(st, d.W.data(), want.data(), want.size(), 1e-6, 1.0)) return;
    std::copy(save.begin(), save.end(), d.W.data());
  }
  for (auto _ : st) {
    W.noalias() += (1e-9f * u) * v.transpose();
    benchmark::DoNotOptimize(d.W.data());
    benchmark::ClobberMemory();
  }
  mat_counters(st, s, 8);
}

void register_eigen() {
  Eigen::setNbThreads(1);
  benchmark::AddCustomContext("peer_eigen", std::to_string(EIGEN_WORLD_VERSION) + "." +
                                                std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                                std::to_string(EIGEN_MINOR_VERSION));
  benchmark::AddCustomContext("peer_eigen_simd", Eigen::SimdInstructionSetsInUse());
  const std::pair<const char*, Activation> fns[] = {
      {"sigmoid", Activation::sigmoid}, {"tanh", Activation::tanh}, {"relu", Activation::relu},
      {"elu", Activation::elu},         {"silu", Activation::silu}, {"gelu", Activation::gelu},
      {"gelu_tanh", Activation::gelu_tanh}};
  for (std::size_t n : activation_sizes()) {
    for (const auto& [name, f] : fns)
      add_named(std::string(name) + "/eigen/" + size_label(n),
                [f = f, n](benchmark::State& st) { act(st, f, n, false); });
    for (Activation f : {Activation::sigmoid, Activation::tanh, Activation::gelu})
      add_named(std::string(activation_name(f)) + "_grad/eigen/" + size_label(n),
                [f, n](benchmark::State& st) { act(st, f, n, true); });
  }
  for (const auto& [name, f] : fns)
    add_named(std::string(name) + "_sd12/eigen/" + size_label(kWideN),
              [f = f](benchmark::State& st) { act(st, f, kWideN, false, kWideSd); });
  for (Activation f : {Activation::sigmoid, Activation::tanh, Activation::gelu})
    add_named(std::string(activation_name(f)) + "_grad_sd12/eigen/" + size_label(kWideN),
              [f](benchmark::State& st) { act(st, f, kWideN, true, kWideSd); });
  for (bool log : {false, true})
    for (SoftmaxShape s : softmax_shapes())
      add_named(std::string(log ? "log_softmax" : "softmax") + "/eigen/" + softmax_label(s),
                [s, log](benchmark::State& st) { softmax(st, s, log); });
  for (MatShape s : matvec_shapes()) {
    add_named("matvec/eigen/" + mat_label(s), [s](benchmark::State& st) { gemv(st, s); });
    add_named("matvec_t/eigen/" + mat_label(s), [s](benchmark::State& st) { gemv_t(st, s); });
    if (s.m <= 4096) add_named("add_outer/eigen/" + mat_label(s), [s](benchmark::State& st) { outer(st, s); });
  }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(peers_eigen, register_eigen);
}  // namespace simdense::bench::peers
