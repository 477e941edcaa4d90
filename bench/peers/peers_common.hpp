// Shared by the peer benchmarks (bench/peers/*.cpp): the same inputs, sizes and counters as
// bench_activations.cpp, bench_softmax.cpp and bench_matvec.cpp, so summary rows line up.
// Peer names put the library in the ISA slot: kernel/<peer>/size (e.g. sigmoid/eigen/64Ki).
// Every peer result is checked once against simdense's scalar reference (loose tolerance: the
// check catches a wrong call, not the peers' ULP error), outside the timed loop.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench::peers {

// Activation sizes (bench_activations.cpp): 1Ki, 64Ki; full adds 4Mi, 64Mi. The wide-input
// benchmarks, <f>_sd12/<peer>/64Ki, take kWideN floats of N(0, kWideSd) as ours do.
inline std::vector<std::size_t> activation_sizes() {
  std::vector<std::size_t> s = {std::size_t(1) << 10, std::size_t(1) << 16};
  if (full_profile()) {
    s.push_back(std::size_t(1) << 22);
    s.push_back(std::size_t(1) << 26);
  }
  return s;
}

struct SoftmaxShape {
  std::size_t rows, n;
};
// bench_softmax.cpp: single rows of 10 / 1000 / 32000, 256 x 1000; full adds 1Mi.
inline std::vector<SoftmaxShape> softmax_shapes() {
  std::vector<SoftmaxShape> s = {{1, 10}, {1, 1000}, {1, 32000}, {256, 1000}};
  if (full_profile()) s.push_back({1, std::size_t(1) << 20});
  return s;
}
inline std::string softmax_label(SoftmaxShape s) {
  return s.rows == 1 ? size_label(s.n) : std::to_string(s.rows) + "x" + size_label(s.n);
}

struct MatShape {
  std::size_t m, n;
};
// bench_matvec.cpp: 256x256, 1024x1024; full adds 4096x4096, 16384x4096 (add_outer: m <= 4096).
inline std::vector<MatShape> matvec_shapes() {
  std::vector<MatShape> s = {{256, 256}, {1024, 1024}};
  if (full_profile()) s.insert(s.end(), {MatShape{4096, 4096}, MatShape{16384, 4096}});
  return s;
}
inline std::string mat_label(MatShape s) { return std::to_string(s.m) + "x" + std::to_string(s.n); }

// Activation inputs: normal(0, 3), seed 42 (dy: normal(0, 1), seed 43); x at page offset 0,
// dy at 1024, output at 2048.
struct ActData {
  PageBuffer x, dy, y;
  explicit ActData(std::size_t n, float sd = kActSd) : x(n, 0), dy(n, 1024), y(n, 2048) {
    fill_normal(x.data(), n, 42, 0.0f, sd);
    fill_normal(dy.data(), n, 43, 0.0f, 1.0f);
  }
};

// The scalar reference of an activation (forward, or backward when grad) on a prefix.
inline std::vector<float> act_reference(Activation f, const float* x, const float* dy, std::size_t n,
                                        bool grad) {
  std::vector<float> want(n);
  const Isa isa = active_isa();
  set_isa(Isa::scalar);
  if (grad) activation_grad(f, x, dy, want.data(), n);
  else activation(f, x, want.data(), n);
  set_isa(isa);
  return want;
}

// Loose: 1e-4 relative, absolute 1e-4 below magnitude 1 (the peers lose all relative accuracy in
// the tails, e.g. gelu(-6) = 0 or elu near 0: that is measured elsewhere, not here). It
// catches a wrong formula or call.
inline bool check_act(benchmark::State& st, Activation f, ActData& d, std::size_t n, bool grad) {
  const std::size_t nc = std::min<std::size_t>(n, std::size_t(1) << 18);
  const auto want = act_reference(f, d.x.data(), d.dy.data(), nc, grad);
  return check_close(st, d.y.data(), want.data(), nc, 1e-4, 1.0);
}

inline void act_counters(benchmark::State& st, std::size_t n, bool grad) {
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(n) * (grad ? 12 : 8));
}

// Softmax inputs: normal(0, 4), seed 42; x at 0, y at 2048.
inline void softmax_counters(benchmark::State& st, std::size_t total) {
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(total));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(total) * 8);
}
inline std::vector<float> softmax_reference(const float* x, std::size_t rows, std::size_t n, bool log) {
  std::vector<float> want(rows * n);
  const Isa isa = active_isa();
  set_isa(Isa::scalar);
  if (log) log_softmax_batch(x, want.data(), rows, n, n);
  else softmax_batch(x, want.data(), rows, n, n);
  set_isa(isa);
  return want;
}

// matvec counters (bench_matvec.cpp): items = matrix elements; bytes = 4 per element (8 for the
// rank-1 update, which reads and writes W); GFLOP/s = 2 flops per element.
inline void mat_counters(benchmark::State& st, MatShape s, std::size_t bytes_per_element) {
  const auto elems = std::int64_t(s.m) * std::int64_t(s.n);
  st.SetItemsProcessed(std::int64_t(st.iterations()) * elems);
  st.SetBytesProcessed(std::int64_t(st.iterations()) * elems * std::int64_t(bytes_per_element));
  st.counters["GFLOP/s"] =
      benchmark::Counter(2e-9 * double(elems), benchmark::Counter::kIsIterationInvariantRate);
}

// The matvec peers' body: one call checked against scalar, then the timed loop (y is the output).
template <class Data, class Call>
void run_matvec(benchmark::State& st, Data& d, MatShape s, Call call) {
  call();
  if (!d.check(st)) return;
  for (auto _ : st) {
    call();
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  mat_counters(st, s, 4);
}

// matvec inputs: W normal seed 1 at page offset 0; x (seed 2) at 1024, b (seed 3) at 3072,
// y at 2048; matvec_t: v (seed 2) at 1024; add_outer: u (seed 2) at 1024, v (seed 3) at 2048.
struct MatvecData {
  MatShape s;
  PageBuffer W, x, b, y;
  std::vector<float> want;
  explicit MatvecData(MatShape s_) : s(s_), W(s_.m * s_.n, 0), x(s_.n, 1024), b(s_.m, 3072), y(s_.m, 2048) {
    fill_normal(W.data(), s.m * s.n, 1);
    fill_normal(x.data(), s.n, 2);
    fill_normal(b.data(), s.m, 3);
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    want.resize(s.m);
    matvec(W.data(), s.m, s.n, s.n, x.data(), b.data(), want.data());
    set_isa(isa);
  }
  bool check(benchmark::State& st) { return check_close(st, y.data(), want.data(), s.m, 1e-4, std::sqrt(double(s.n))); }
};
struct MatvecTData {
  MatShape s;
  PageBuffer W, v, y;
  std::vector<float> want;
  explicit MatvecTData(MatShape s_) : s(s_), W(s_.m * s_.n, 0), v(s_.m, 1024), y(s_.n, 2048) {
    fill_normal(W.data(), s.m * s.n, 1);
    fill_normal(v.data(), s.m, 2);
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    want.resize(s.n);
    matvec_t(W.data(), s.m, s.n, s.n, v.data(), want.data());
    set_isa(isa);
  }
  bool check(benchmark::State& st) { return check_close(st, y.data(), want.data(), s.n, 1e-4, std::sqrt(double(s.m))); }
};
struct OuterData {
  MatShape s;
  PageBuffer W, u, v;
  explicit OuterData(MatShape s_) : s(s_), W(s_.m * s_.n, 0), u(s_.m, 1024), v(s_.n, 2048) {
    fill_normal(W.data(), s.m * s.n, 1);
    fill_normal(u.data(), s.m, 2);
    fill_normal(v.data(), s.n, 3);
  }
  // W + a u v^T by the scalar reference on a copy (compare after one peer update with a).
  std::vector<float> reference(float a) {
    std::vector<float> want(W.data(), W.data() + s.m * s.n);
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    add_outer(want.data(), s.m, s.n, s.n, a, u.data(), v.data());
    set_isa(isa);
    return want;
  }
};

}  // namespace simdense::bench::peers
