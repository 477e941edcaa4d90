// Memory-bandwidth streams: the bounds the summary compares each kernel against.
//
//   memory/read/<n>     sum of n floats                       4n bytes  (bound of matvec)
//   memory/copy/<n>     y = x, ordinary stores                 8n bytes  (elementwise, softmax)
//   memory/copy_nt/<n>  y = x, non-temporal stores (movntps)   8n bytes
//   memory/triad/<n>    a = b + s*c                           12n bytes (*_grad derivatives)
//   memory/inplace/<n>  x = x*s + t, read-modify-write         8n bytes  (add_outer, dense)
//   memory/copy_scale/<n>  y = x, then y = y*s + t in place   16n bytes (softmax's two passes)
//   memory/read_copy/<n>   sum of x, then y = x               12n bytes (log-softmax's two passes)
// The last two are the traffic of a two-pass row kernel when the row does not fit in L2: the
// issue's bound for softmax is one read of x and one write of y (copy), which a row kernel can
// only reach when its second pass hits in cache; these measure what the two passes cost.
//
// ISA-independent (no "/isa/" part in the names) and written with baseline SSE intrinsics
// only (this TU gets no -m flags; see README "ODR rule"), 4 vectors per iteration so that the
// loop is limited by the memory system, not by a dependency chain. At the L1/L2-resident sizes
// a 512-bit kernel can load faster than these 128-bit streams, so "% of bound" above 100 there
// is expected; for L3 and DRAM sizes the streams are the bound. Sizes are float counts, the same
// as the families' (matrix sizes: 256x256 = 64Ki, 1024x1024 = 1Mi, 4096x4096 = 16Mi,
// 16384x4096 = 64Mi).
#include <emmintrin.h>
#include <xmmintrin.h>

#include <cmath>
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench {
namespace {

float stream_read(const float* x, std::size_t n) {
  __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm_add_ps(a0, _mm_loadu_ps(x + i));
    a1 = _mm_add_ps(a1, _mm_loadu_ps(x + i + 4));
    a2 = _mm_add_ps(a2, _mm_loadu_ps(x + i + 8));
    a3 = _mm_add_ps(a3, _mm_loadu_ps(x + i + 12));
  }
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, _mm_add_ps(_mm_add_ps(a0, a1), _mm_add_ps(a2, a3)));
  float s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; ++i) s += x[i];
  return s;
}

// y = x with ordinary stores, or (kNT) non-temporal stores that skip the read-for-ownership of
// y; then y must be 16-byte aligned (PageBuffer offsets are multiples of 16).
template <bool kNT>
void stream_copy(const float* x, float* y, std::size_t n) {
  const auto store = [](float* p, __m128 v) {
    if constexpr (kNT) {
      _mm_stream_ps(p, v);
    } else {
      _mm_storeu_ps(p, v);
    }
  };
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128 v0 = _mm_loadu_ps(x + i), v1 = _mm_loadu_ps(x + i + 4);
    const __m128 v2 = _mm_loadu_ps(x + i + 8), v3 = _mm_loadu_ps(x + i + 12);
    store(y + i, v0);
    store(y + i + 4, v1);
    store(y + i + 8, v2);
    store(y + i + 12, v3);
  }
  for (; i < n; ++i) y[i] = x[i];
  if constexpr (kNT) _mm_sfence();
}

void stream_triad(float* a, const float* b, const float* c, float s, std::size_t n) {
  const __m128 vs = _mm_set1_ps(s);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128 r0 = _mm_add_ps(_mm_loadu_ps(b + i), _mm_mul_ps(vs, _mm_loadu_ps(c + i)));
    const __m128 r1 = _mm_add_ps(_mm_loadu_ps(b + i + 4), _mm_mul_ps(vs, _mm_loadu_ps(c + i + 4)));
    _mm_storeu_ps(a + i, r0);
    _mm_storeu_ps(a + i + 4, r1);
  }
  for (; i < n; ++i) a[i] = b[i] + s * c[i];
}

void stream_inplace(float* x, float s, float t, std::size_t n) {
  const __m128 vs = _mm_set1_ps(s), vt = _mm_set1_ps(t);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128 v0 = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(x + i), vs), vt);
    const __m128 v1 = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(x + i + 4), vs), vt);
    const __m128 v2 = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(x + i + 8), vs), vt);
    const __m128 v3 = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(x + i + 12), vs), vt);
    _mm_storeu_ps(x + i, v0);
    _mm_storeu_ps(x + i + 4, v1);
    _mm_storeu_ps(x + i + 8, v2);
    _mm_storeu_ps(x + i + 12, v3);
  }
  for (; i < n; ++i) x[i] = x[i] * s + t;
}

void set_counters(benchmark::State& st, std::size_t n, std::size_t bytes_per_item) {
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(n * bytes_per_item));
}

void bench_read(benchmark::State& st, std::size_t n) {
  PageBuffer x(n, 0);
  fill_normal(x.data(), n, 7);
  // Scalar replica of the same association order (16 partial sums): must match bit for bit.
  float part[16] = {};
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) part[j] += x[i + j];
  float lane[4];
  for (int k = 0; k < 4; ++k) lane[k] = (part[k] + part[4 + k]) + (part[8 + k] + part[12 + k]);
  float want = (lane[0] + lane[1]) + (lane[2] + lane[3]);
  for (; i < n; ++i) want += x[i];
  const float got = stream_read(x.data(), n);
  if (!check_close(st, &got, &want, 1, 0.0)) return;
  for (auto _ : st) {
    float s = stream_read(x.data(), n);
    benchmark::DoNotOptimize(s);
  }
  set_counters(st, n, 4);
}

void bench_copy(benchmark::State& st, std::size_t n, bool nt) {
  PageBuffer x(n, 0), y(n, 2048);
  fill_normal(x.data(), n, 8);
  (nt ? stream_copy<true> : stream_copy<false>)(x.data(), y.data(), n);
  if (!check_close(st, y.data(), x.data(), n, 0.0)) return;
  for (auto _ : st) {
    (nt ? stream_copy<true> : stream_copy<false>)(x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_counters(st, n, 8);
}

void bench_triad(benchmark::State& st, std::size_t n) {
  PageBuffer a(n, 2048), b(n, 0), c(n, 1024);
  fill_normal(b.data(), n, 9);
  fill_normal(c.data(), n, 10);
  const float s = 0.5f;
  stream_triad(a.data(), b.data(), c.data(), s, n);
  PageBuffer want(n, 0);
  for (std::size_t i = 0; i < n; ++i) want[i] = float(double(b[i]) + double(s) * double(c[i]));
  if (!check_close(st, a.data(), want.data(), n, 1e-6, 1e-6)) return;
  for (auto _ : st) {
    stream_triad(a.data(), b.data(), c.data(), s, n);
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  set_counters(st, n, 12);
}

void bench_inplace(benchmark::State& st, std::size_t n) {
  PageBuffer x(n, 0), want(n, 2048);
  fill_normal(x.data(), n, 11);
  // x*1 + 0 keeps the data unchanged across iterations (no drift to inf/subnormals) while the
  // multiply and add still execute.
  const float s = 1.0f, t = 0.0f;
  for (std::size_t i = 0; i < n; ++i) want[i] = x[i];
  stream_inplace(x.data(), s, t, n);
  if (!check_close(st, x.data(), want.data(), n, 0.0)) return;
  for (auto _ : st) {
    stream_inplace(x.data(), s, t, n);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  set_counters(st, n, 8);
}

// Two streams back to back (items: n per iteration, bytes: both streams').
void bench_two_pass(benchmark::State& st, std::size_t n, bool scale) {
  PageBuffer x(n, 0), y(n, 2048);
  fill_normal(x.data(), n, 12);
  const auto run = [&] {
    if (scale) {
      stream_copy<false>(x.data(), y.data(), n);
      stream_inplace(y.data(), 1.0f, 0.0f, n);  // y*1 + 0: y stays x
    } else {
      float s = stream_read(x.data(), n);
      benchmark::DoNotOptimize(s);
      stream_copy<false>(x.data(), y.data(), n);
    }
  };
  run();
  if (!check_close(st, y.data(), x.data(), n, 0.0)) return;
  for (auto _ : st) {
    run();
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_counters(st, n, scale ? 16 : 12);
}

void register_memory() {
  // 1Ki..4Mi: L1/L2/L3-resident at the families' quick sizes; 16Mi (64 MiB per array) and
  // 64Mi (256 MiB) reach DRAM on most CPUs (the largest only in the full profile).
  std::vector<std::size_t> sizes = {std::size_t(1) << 10, std::size_t(1) << 16, std::size_t(1) << 18,
                                    std::size_t(1) << 20, std::size_t(1) << 22, std::size_t(1) << 24};
  if (full_profile()) sizes.push_back(std::size_t(1) << 26);
  auto reg = [](const char* kind, std::size_t n, void (*fn)(benchmark::State&, std::size_t)) {
    add_named(std::string("memory/") + kind + "/" + size_label(n),
              [fn, n](benchmark::State& st) { fn(st, n); });
  };
  for (std::size_t n : sizes) {
    reg("read", n, bench_read);
    reg("copy", n, [](benchmark::State& st, std::size_t m) { bench_copy(st, m, false); });
    reg("copy_nt", n, [](benchmark::State& st, std::size_t m) { bench_copy(st, m, true); });
    reg("triad", n, bench_triad);
    reg("inplace", n, bench_inplace);
    reg("copy_scale", n, [](benchmark::State& st, std::size_t m) { bench_two_pass(st, m, true); });
    reg("read_copy", n, [](benchmark::State& st, std::size_t m) { bench_two_pass(st, m, false); });
  }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(memory, register_memory);
}  // namespace simdense::bench
