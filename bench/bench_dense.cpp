// Dense layers and fused SGD: scalar reference vs every ISA.
//
//   dense_binary_step/<isa>/MxN          the lecture network's step, fused, with dJ/dx
//                                        (W moved 3x: 2 reads + 1 write)
//   dense_binary_step_unfused/<isa>/MxN  the same maths in separate passes (4x: 3 reads + 1 write)
//   dense_binary_train/<isa>/MxN         streaming SGD, per sample (2x: 1 read + 1 write)
//   dense_layer_sgd/<isa>/MxN            DenseLayer forward + fused backward_sgd with dx (3x)
//   dense_layer_sgd_unfused/<isa>/MxN    forward + backward_sgd_unfused (4x)
//   dense_layer_sgd_matvec/<isa>/MxN     the same composed of the matvec family's kernels (4x)
//   dense_stream/<isa>/MxN               in-place stream w = a w + c over W (2x): the bound
//
// items/s = steps (or samples) per second; bytes/s = bytes of W traffic (moves x 4 m n per
// step); Gwe/s = weight elements per second (m n per step), the unit of the peers' figures.
// The scalar ISA runs the double-precision reference step (4 moves of W).
#include <immintrin.h>

#include <cmath>
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench {
namespace {

constexpr float kLr = 1e-4f;  // small, so thousands of timed steps keep W finite and typical

struct Problem {
  std::size_t m, n;
  PageBuffer W, b, u, x, dx, X, t;
  static constexpr std::size_t kCount = 16;  // samples per dense_binary_train call
  Problem(std::size_t m_, std::size_t n_)
      : m(m_), n(n_), W(m_ * n_, 0), b(m_, 1024), u(m_, 2048), x(n_, 3072), dx(n_, 512),
        X(kCount * n_, 1536), t(kCount, 2560) {
    fill_normal(W.data(), m * n, 1, 0.0f, 1.0f / std::sqrt(float(n)));
    fill_normal(b.data(), m, 2, 0.0f, 0.1f);
    fill_normal(u.data(), m, 3, 0.0f, 1.0f / std::sqrt(float(m)));
    fill_normal(x.data(), n, 4);
    fill_normal(X.data(), kCount * n, 5);
    for (std::size_t k = 0; k < kCount; ++k) t[k] = float(k % 2);
  }
};

void counters(benchmark::State& st, std::size_t m, std::size_t n, std::size_t items_per_iter,
              int moves) {
  const auto it = std::int64_t(st.iterations()) * std::int64_t(items_per_iter);
  st.SetItemsProcessed(it);
  st.SetBytesProcessed(it * std::int64_t(moves) * std::int64_t(m * n * sizeof(float)));
  st.counters["Gwe/s"] = benchmark::Counter(double(it) * double(m * n) * 1e-9,
                                            benchmark::Counter::kIsRate);
}

// One step of the active ISA and of scalar from the same state; W must agree.
bool check_step(benchmark::State& st, const Problem& p, bool fused) {
  const std::size_t m = p.m, n = p.n;
  std::vector<float> W1(p.W.data(), p.W.data() + m * n), b1(p.b.data(), p.b.data() + m),
      u1(p.u.data(), p.u.data() + m), dx1(n);
  std::vector<float> W2 = W1, b2 = b1, u2 = u1, dx2(n);
  auto step = fused ? static_cast<float (*)(float*, std::size_t, float*, float*, std::size_t,
                                            std::size_t, Activation, float, const float*, float,
                                            float, float*)>(&dense_binary_step)
                    : &dense_binary_step_unfused;
  step(W1.data(), n, b1.data(), u1.data(), m, n, Activation::sigmoid, 0.0f, p.x.data(), 1.0f,
       0.5f, dx1.data());
  const Isa isa = active_isa();
  set_isa(Isa::scalar);
  step(W2.data(), n, b2.data(), u2.data(), m, n, Activation::sigmoid, 0.0f, p.x.data(), 1.0f,
       0.5f, dx2.data());
  set_isa(isa);
  return check_close(st, W1.data(), W2.data(), m * n, 1e-4, 1.0f / std::sqrt(float(n))) &&
         check_close(st, dx1.data(), dx2.data(), n, 1e-3, 1e-3);
}

void binary_step(benchmark::State& st, std::size_t m, std::size_t n, bool fused) {
  Problem p(m, n);
  if (!check_step(st, p, fused)) return;
  for (auto _ : st) {
    const float J = fused ? dense_binary_step(p.W.data(), n, p.b.data(), p.u.data(), m, n,
                                              Activation::sigmoid, 0.0f, p.x.data(), 1.0f, kLr,
                                              p.dx.data())
                          : dense_binary_step_unfused(p.W.data(), n, p.b.data(), p.u.data(), m,
                                                      n, Activation::sigmoid, 0.0f, p.x.data(),
                                                      1.0f, kLr, p.dx.data());
    benchmark::DoNotOptimize(J);
    benchmark::ClobberMemory();
  }
  counters(st, m, n, 1, fused && active_isa() != Isa::scalar ? 3 : 4);
}

void binary_train(benchmark::State& st, std::size_t m, std::size_t n) {
  Problem p(m, n);
  if (!check_step(st, p, true)) return;
  for (auto _ : st) {
    const float J = dense_binary_train(p.W.data(), n, p.b.data(), p.u.data(), m, n,
                                       Activation::sigmoid, 0.0f, p.X.data(), n, p.t.data(),
                                       Problem::kCount, kLr);
    benchmark::DoNotOptimize(J);
    benchmark::ClobberMemory();
  }
  // scalar: the reference loops dense_binary_step (forward read + update read/write)
  counters(st, m, n, Problem::kCount, active_isa() != Isa::scalar ? 2 : 3);
}

void layer_sgd(benchmark::State& st, std::size_t m, std::size_t n, bool fused) {
  Problem p(m, n);
  DenseLayer layer(p.W.data(), n, p.b.data(), n, m, Activation::relu);
  PageBuffer z(m, 3584), h(m, 256), dh(m, 768);
  fill_normal(dh.data(), m, 6, 0.0f, 1.0f);
  {  // one step against scalar
    std::vector<float> W0(p.W.data(), p.W.data() + m * n), b0(p.b.data(), p.b.data() + m);
    std::vector<float> Wd(m * n), bd(m), dxs(n);
    DenseLayer a(W0.data(), n, b0.data(), n, m, Activation::relu);
    std::vector<float> W1 = W0, b1 = b0;
    DenseLayer c(W1.data(), n, b1.data(), n, m, Activation::relu);
    a.forward(p.x.data(), z.data(), h.data());
    a.backward_sgd(p.x.data(), z.data(), dh.data(), 0.5f, p.dx.data());
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    c.forward(p.x.data(), z.data(), h.data());
    c.backward_sgd(p.x.data(), z.data(), dh.data(), 0.5f, dxs.data());
    set_isa(isa);
    if (!check_close(st, W0.data(), W1.data(), m * n, 1e-4, 1.0f / std::sqrt(float(n))) ||
        !check_close(st, p.dx.data(), dxs.data(), n, 1e-3, 1e-2))
      return;
  }
  for (auto _ : st) {
    layer.forward(p.x.data(), z.data(), h.data());
    if (fused)
      layer.backward_sgd(p.x.data(), z.data(), dh.data(), kLr, p.dx.data());
    else
      layer.backward_sgd_unfused(p.x.data(), z.data(), dh.data(), kLr, p.dx.data());
    benchmark::ClobberMemory();
  }
  counters(st, m, n, 1, fused && active_isa() != Isa::scalar ? 3 : 4);
}

// The layer step composed of the matvec family's public kernels (matvec_act; W^T dz; the
// rank-1 update add_outer; axpy for b): 4 moves of W, the library's own unfused baseline.
void layer_sgd_matvec(benchmark::State& st, std::size_t m, std::size_t n) {
  Problem p(m, n);
  PageBuffer z(m, 3584), h(m, 256), dh(m, 768), dz(m, 1280);
  fill_normal(dh.data(), m, 6, 0.0f, 1.0f);
  for (auto _ : st) {
    matvec_act(p.W.data(), m, n, n, p.x.data(), p.b.data(), Activation::relu, 0.0f, z.data(),
               h.data());
    for (std::size_t i = 0; i < m; ++i) dz[i] = z[i] > 0.0f ? dh[i] : 0.0f;  // relu'
    matvec_t(p.W.data(), m, n, n, dz.data(), p.dx.data());
    add_outer(p.W.data(), m, n, n, -kLr, dz.data(), p.x.data());
    axpy(-kLr, dz.data(), p.b.data(), m);
    benchmark::ClobberMemory();
  }
  counters(st, m, n, 1, 4);
}

// The in-place stream bound: w = a w + c, each element read and written once, compiled for the
// ISA being measured (target attributes; the bench TU itself has no -m flags).
__attribute__((target("avx512f"))) void stream_avx512(float* w, std::size_t n) {
  const __m512 a = _mm512_set1_ps(0.9999f), c = _mm512_set1_ps(1e-6f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(w + i, _mm512_fmadd_ps(a, _mm512_loadu_ps(w + i), c));
  for (; i < n; ++i) w[i] = 0.9999f * w[i] + 1e-6f;
}
__attribute__((target("avx2,fma"))) void stream_avx2(float* w, std::size_t n) {
  const __m256 a = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(1e-6f);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(w + i, _mm256_fmadd_ps(a, _mm256_loadu_ps(w + i), c));
  for (; i < n; ++i) w[i] = 0.9999f * w[i] + 1e-6f;
}
void stream_sse2(float* w, std::size_t n) {
  const __m128 a = _mm_set1_ps(0.9999f), c = _mm_set1_ps(1e-6f);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(w + i, _mm_add_ps(_mm_mul_ps(a, _mm_loadu_ps(w + i)), c));
  for (; i < n; ++i) w[i] = 0.9999f * w[i] + 1e-6f;
}
void stream_scalar(float* w, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = 0.9999f * w[i] + 1e-6f;
    benchmark::DoNotOptimize(w[i]);  // keep it scalar
  }
}

void stream(benchmark::State& st, Isa isa, std::size_t m, std::size_t n) {
  PageBuffer W(m * n, 0);
  fill_normal(W.data(), m * n, 1);
  auto fn = isa == Isa::avx512 ? stream_avx512
            : isa == Isa::avx2 ? stream_avx2
            : isa == Isa::sse2 ? stream_sse2
                               : stream_scalar;
  for (auto _ : st) {
    fn(W.data(), m * n);
    benchmark::ClobberMemory();
  }
  counters(st, m, n, 1, 2);
}

void register_dense() {
  std::vector<std::size_t> sizes = {256, 1024};
  if (full_profile()) sizes.push_back(4096);
  for (Isa isa : bench_isas())
    for (std::size_t s : sizes) {
      const std::string label = std::to_string(s) + "x" + std::to_string(s);
      add("dense_binary_step", isa, label,
          [s](benchmark::State& st) { binary_step(st, s, s, true); });
      add("dense_binary_step_unfused", isa, label,
          [s](benchmark::State& st) { binary_step(st, s, s, false); });
      add("dense_binary_train", isa, label,
          [s](benchmark::State& st) { binary_train(st, s, s); });
      add("dense_layer_sgd", isa, label, [s](benchmark::State& st) { layer_sgd(st, s, s, true); });
      add("dense_layer_sgd_unfused", isa, label,
          [s](benchmark::State& st) { layer_sgd(st, s, s, false); });
      add("dense_layer_sgd_matvec", isa, label,
          [s](benchmark::State& st) { layer_sgd_matvec(st, s, s); });
      add("dense_stream", isa, label, [s, isa](benchmark::State& st) { stream(st, isa, s, s); });
    }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(dense, register_dense);
}  // namespace simdense::bench
