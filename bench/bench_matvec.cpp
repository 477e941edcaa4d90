// matvec family: y = W x + b, y = W^T v, W += a u v^T on scalar and every ISA, and a read-only
// stream over the same bytes of W (matvec_stream/<isa>/MxN) to measure how close each kernel is
// to the read bandwidth of the level of the memory hierarchy W lives in.
//
// Counters: items/s = matrix elements/s; bytes/s = W traffic (4 bytes per element read; add_outer
// reads and writes W: 8 bytes per element); GFLOP/s = 2 flops per element.
#include <immintrin.h>

#include <cmath>
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench {
namespace {

struct Shape {
  std::size_t m, n;
};

std::string label(Shape s) { return std::to_string(s.m) + "x" + std::to_string(s.n); }

void counters(benchmark::State& st, Shape s, std::size_t bytes_per_element) {
  const auto elems = std::int64_t(s.m) * std::int64_t(s.n);
  st.SetItemsProcessed(std::int64_t(st.iterations()) * elems);
  st.SetBytesProcessed(std::int64_t(st.iterations()) * elems * std::int64_t(bytes_per_element));
  st.counters["GFLOP/s"] =
      benchmark::Counter(2e-9 * double(elems), benchmark::Counter::kIsIterationInvariantRate);
}

// Runs f() with the scalar ISA forced (the reference result of the one-time check).
template <class F>
void on_scalar(F f) {
  const Isa isa = active_isa();
  set_isa(Isa::scalar);
  f();
  set_isa(isa);
}

// W at page offset 0, the vectors at 1024/2048/3072 bytes: no 4K aliasing between the streams.
void bench_matvec(benchmark::State& st, Shape s) {
  PageBuffer W(s.m * s.n, 0), x(s.n, 1024), b(s.m, 3072), y(s.m, 2048), want(s.m, 0);
  fill_normal(W.data(), s.m * s.n, 1);
  fill_normal(x.data(), s.n, 2);
  fill_normal(b.data(), s.m, 3);
  on_scalar([&] { matvec(W.data(), s.m, s.n, s.n, x.data(), b.data(), want.data()); });
  matvec(W.data(), s.m, s.n, s.n, x.data(), b.data(), y.data());
  // |y| ~ sqrt(n) and sum|W x| ~ 0.64 n: the typical error is ~1e-5 sqrt(n), far inside the
  // documented 2 n u sum|W x| (SSE2 at 16384x4096 reached 1.4e-4 at |y| = 0.12).
  if (!check_close(st, y.data(), want.data(), s.m, 1e-4, std::sqrt(double(s.n)))) return;
  for (auto _ : st) {
    matvec(W.data(), s.m, s.n, s.n, x.data(), b.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters(st, s, 4);
}

void bench_matvec_t(benchmark::State& st, Shape s) {
  PageBuffer W(s.m * s.n, 0), v(s.m, 1024), y(s.n, 2048), want(s.n, 0);
  fill_normal(W.data(), s.m * s.n, 1);
  fill_normal(v.data(), s.m, 2);
  on_scalar([&] { matvec_t(W.data(), s.m, s.n, s.n, v.data(), want.data()); });
  matvec_t(W.data(), s.m, s.n, s.n, v.data(), y.data());
  // Each y_j is a chain of m/4 float additions: typical error ~sqrt(m/4) u sum|W v|.
  if (!check_close(st, y.data(), want.data(), s.n, 1e-4, std::sqrt(double(s.m)))) return;
  for (auto _ : st) {
    matvec_t(W.data(), s.m, s.n, s.n, v.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters(st, s, 4);
}

void bench_add_outer(benchmark::State& st, Shape s) {
  PageBuffer W(s.m * s.n, 0), u(s.m, 1024), v(s.n, 2048);
  fill_normal(W.data(), s.m * s.n, 1);
  fill_normal(u.data(), s.m, 2);
  fill_normal(v.data(), s.n, 3);
  {
    // One update on copies of W, checked against scalar.
    std::vector<float> a(W.data(), W.data() + s.m * s.n), want = a;
    on_scalar([&] { add_outer(want.data(), s.m, s.n, s.n, 0.5f, u.data(), v.data()); });
    add_outer(a.data(), s.m, s.n, s.n, 0.5f, u.data(), v.data());
    if (!check_close(st, a.data(), want.data(), a.size(), 1e-6, 1.0)) return;
  }
  // a = 1e-9: W drifts by ~1e-9 per iteration, values stay typical.
  for (auto _ : st) {
    add_outer(W.data(), s.m, s.n, s.n, 1e-9f, u.data(), v.data());
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  counters(st, s, 8);
}

// Read-only streams over n floats (8 independent add chains: the loads, not the adds, limit).
// Compiled with target attributes so the bench needs no ISA flags; called only when the ISA is
// supported (bench_isas()).
__attribute__((target("avx512f"))) float stream_avx512(const float* p, std::size_t n) {
  __m512 a[8];
  for (auto& r : a) r = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128)
    for (int k = 0; k < 8; ++k) a[k] = _mm512_add_ps(a[k], _mm512_loadu_ps(p + i + 16 * k));
  for (int k = 1; k < 8; ++k) a[0] = _mm512_add_ps(a[0], a[k]);
  // Lanes summed through memory, not _mm512_reduce_add_ps: its extractf64x4 trips GCC 12's
  // -Wuninitialized inside the intrinsic header (once per call, outside the loads).
  alignas(64) float lane[16];
  _mm512_store_ps(lane, a[0]);
  float s = 0.0f;
  for (float v : lane) s += v;
  for (; i < n; ++i) s += p[i];
  return s;
}
__attribute__((target("avx2"))) float stream_avx2(const float* p, std::size_t n) {
  __m256 a[8];
  for (auto& r : a) r = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64)
    for (int k = 0; k < 8; ++k) a[k] = _mm256_add_ps(a[k], _mm256_loadu_ps(p + i + 8 * k));
  for (int k = 1; k < 8; ++k) a[0] = _mm256_add_ps(a[0], a[k]);
  alignas(32) float t[8];
  _mm256_store_ps(t, a[0]);
  float s = 0;
  for (float e : t) s += e;
  for (; i < n; ++i) s += p[i];
  return s;
}
float stream_sse2(const float* p, std::size_t n) {
  __m128 a[8];
  for (auto& r : a) r = _mm_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 8; ++k) a[k] = _mm_add_ps(a[k], _mm_loadu_ps(p + i + 4 * k));
  for (int k = 1; k < 8; ++k) a[0] = _mm_add_ps(a[0], a[k]);
  alignas(16) float t[4];
  _mm_store_ps(t, a[0]);
  float s = t[0] + t[1] + t[2] + t[3];
  for (; i < n; ++i) s += p[i];
  return s;
}

void bench_stream(benchmark::State& st, Shape s, Isa isa) {
  PageBuffer W(s.m * s.n, 0);
  fill_normal(W.data(), s.m * s.n, 1);
  float (*fn)(const float*, std::size_t) =
      isa == Isa::avx512 ? stream_avx512 : isa == Isa::avx2 ? stream_avx2 : stream_sse2;
  for (auto _ : st) {
    float r = fn(W.data(), s.m * s.n);
    benchmark::DoNotOptimize(r);
  }
  counters(st, s, 4);
}

void register_matvec() {
  std::vector<Shape> sizes = {{256, 256}, {1024, 1024}};
  if (full_profile()) sizes.insert(sizes.end(), {Shape{4096, 4096}, Shape{16384, 4096}});
  for (Isa isa : bench_isas())
    for (Shape s : sizes) {
      add("matvec", isa, label(s), [s](benchmark::State& st) { bench_matvec(st, s); });
      add("matvec_t", isa, label(s), [s](benchmark::State& st) { bench_matvec_t(st, s); });
      if (s.m <= 4096)
        add("add_outer", isa, label(s), [s](benchmark::State& st) { bench_add_outer(st, s); });
      if (isa != Isa::scalar)
        add("matvec_stream", isa, label(s), [s, isa](benchmark::State& st) { bench_stream(st, s, isa); });
    }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(matvec, register_matvec);
}  // namespace simdense::bench
