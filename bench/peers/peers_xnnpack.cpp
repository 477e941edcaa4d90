// XNNPACK peers (Debian libxnnpack-dev, a 2022 snapshot; microkernels chosen at run time by
// cpuinfo, no thread pool: single-threaded). Operators of that version that match ours:
// sigmoid, elu, leaky relu, relu (clamp [0, +inf]), softmax (no log-softmax, tanh, gelu or
// silu operators yet), and the fully connected operator for y = W x + b and W^T v (its weights
// are packed once at creation, outside the timed loop, as a real user would). The loop times
// xnn_run_operator on our buffers.
#include <xnnpack.h>

#include <limits>

#include "peers/peers_common.hpp"

namespace simdense::bench::peers {
namespace {

bool xnn_ok(benchmark::State& st, xnn_status s, const char* what) {
  if (s == xnn_status_success) return true;
  st.SkipWithError((std::string("XNNPACK ") + what + " failed, status " + std::to_string(int(s))).c_str());
  return false;
}

// Owns an operator; deleted at scope exit.
struct Op {
  xnn_operator_t op = nullptr;
  ~Op() {
    if (op != nullptr) xnn_delete_operator(op);
  }
};

template <class Call>
void timed(benchmark::State& st, xnn_operator_t op, float* out, Call counters) {
  for (auto _ : st) {
    xnn_run_operator(op, nullptr);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  counters();
}

enum class Elt { sigmoid, elu, leaky_relu, relu };

void eltwise(benchmark::State& st, Activation f, Elt kind, std::size_t n, float sd = kActSd) {
  ActData d(n, sd);
  Op o;
  xnn_status s = xnn_status_success;
  switch (kind) {
    case Elt::sigmoid: s = xnn_create_sigmoid_nc_f32(n, n, n, 0, &o.op); break;
    case Elt::elu: s = xnn_create_elu_nc_f32(n, n, n, 1.0f, 0, &o.op); break;
    case Elt::leaky_relu: s = xnn_create_leaky_relu_nc_f32(n, n, n, 0.01f, 0, &o.op); break;
    case Elt::relu:
      s = xnn_create_clamp_nc_f32(n, n, n, 0.0f, std::numeric_limits<float>::infinity(), 0, &o.op);
      break;
  }
  if (!xnn_ok(st, s, "create")) return;
  switch (kind) {
    case Elt::sigmoid: s = xnn_setup_sigmoid_nc_f32(o.op, 1, d.x.data(), d.y.data(), nullptr); break;
    case Elt::elu: s = xnn_setup_elu_nc_f32(o.op, 1, d.x.data(), d.y.data(), nullptr); break;
    case Elt::leaky_relu: s = xnn_setup_leaky_relu_nc_f32(o.op, 1, d.x.data(), d.y.data(), nullptr); break;
    case Elt::relu: s = xnn_setup_clamp_nc_f32(o.op, 1, d.x.data(), d.y.data(), nullptr); break;
  }
  if (!xnn_ok(st, s, "setup") || !xnn_ok(st, xnn_run_operator(o.op, nullptr), "run")) return;
  if (!check_act(st, f, d, n, false)) return;
  timed(st, o.op, d.y.data(), [&] { act_counters(st, n, false); });
}

void softmax(benchmark::State& st, SoftmaxShape sh) {
  const std::size_t total = sh.rows * sh.n;
  PageBuffer x(total, 0), y(total, 2048);
  fill_normal(x.data(), total, 42, 0.0f, 4.0f);
  const auto want = softmax_reference(x.data(), sh.rows, sh.n, false);
  Op o;
  if (!xnn_ok(st, xnn_create_softmax_nc_f32(sh.n, sh.n, sh.n, 0, &o.op), "create") ||
      !xnn_ok(st, xnn_setup_softmax_nc_f32(o.op, sh.rows, x.data(), y.data(), nullptr), "setup") ||
      !xnn_ok(st, xnn_run_operator(o.op, nullptr), "run"))
    return;
  if (!check_close(st, y.data(), want.data(), total, 1e-4, 1e-30)) return;
  timed(st, o.op, y.data(), [&] { softmax_counters(st, total); });
}

// y = W x + b: kernel [output = m, input = n] (our row-major W as is), batch 1.
void fc(benchmark::State& st, MatShape sh) {
  MatvecData d(sh);
  const float inf = std::numeric_limits<float>::infinity();
  Op o;
  if (!xnn_ok(st, xnn_create_fully_connected_nc_f32(sh.n, sh.m, sh.n, sh.m, d.W.data(), d.b.data(), -inf, inf, 0, &o.op), "create") ||
      !xnn_ok(st, xnn_setup_fully_connected_nc_f32(o.op, 1, d.x.data(), d.y.data(), nullptr), "setup"))
    return;
  run_matvec(st, d, sh, [&] { xnn_run_operator(o.op, nullptr); });
}

// y = W^T v: inputs m, outputs n; W (m x n) is the kernel in [input, output] layout
// (XNN_FLAG_TRANSPOSE_WEIGHTS), no bias.
void fc_t(benchmark::State& st, MatShape sh) {
  MatvecTData d(sh);
  const float inf = std::numeric_limits<float>::infinity();
  Op o;
  if (!xnn_ok(st, xnn_create_fully_connected_nc_f32(sh.m, sh.n, sh.m, sh.n, d.W.data(), nullptr, -inf, inf,
                                                    XNN_FLAG_TRANSPOSE_WEIGHTS, &o.op), "create") ||
      !xnn_ok(st, xnn_setup_fully_connected_nc_f32(o.op, 1, d.v.data(), d.y.data(), nullptr), "setup"))
    return;
  run_matvec(st, d, sh, [&] { xnn_run_operator(o.op, nullptr); });
}

void register_xnnpack() {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    benchmark::AddCustomContext("peer_xnnpack", "xnn_initialize failed (CPU not supported): left out");
    return;
  }
  benchmark::AddCustomContext("peer_xnnpack", "Debian libxnnpack (2022-02 snapshot), no thread pool");
  struct E {
    const char* name;
    Activation f;
    Elt kind;
  };
  const E fns[] = {{"sigmoid", Activation::sigmoid, Elt::sigmoid},
                   {"relu", Activation::relu, Elt::relu},
                   {"leaky_relu", Activation::leaky_relu, Elt::leaky_relu},
                   {"elu", Activation::elu, Elt::elu}};
  for (std::size_t n : activation_sizes())
    for (const E& e : fns)
      add_named(std::string(e.name) + "/xnnpack/" + size_label(n),
                [e, n](benchmark::State& st) { eltwise(st, e.f, e.kind, n); });
  for (const E& e : fns)
    add_named(std::string(e.name) + "_sd12/xnnpack/" + size_label(kWideN),
              [e](benchmark::State& st) { eltwise(st, e.f, e.kind, kWideN, kWideSd); });
  for (SoftmaxShape s : softmax_shapes())
    add_named("softmax/xnnpack/" + softmax_label(s), [s](benchmark::State& st) { softmax(st, s); });
  for (MatShape s : matvec_shapes()) {
    add_named("matvec/xnnpack/" + mat_label(s), [s](benchmark::State& st) { fc(st, s); });
    add_named("matvec_t/xnnpack/" + mat_label(s), [s](benchmark::State& st) { fc_t(st, s); });
  }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(peers_xnnpack, register_xnnpack);
}  // namespace simdense::bench::peers
