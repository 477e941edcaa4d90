// oneDNN peers (2.x API, JIT kernels chosen at run time, single-threaded): eltwise forward
// (logistic, tanh, gelu_erf, gelu_tanh, swish = silu, elu, relu), softmax and logsoftmax
// (forward inference, axis 1), and the inner product (y = W x + b; W^T v as an inner product
// with the weights in `io` layout, no bias). Primitives are created outside the timed loop;
// the loop times execute() + stream.wait() on our buffers (no reorders).
//
// Threads: Debian's oneDNN uses the OpenMP runtime, whose OMP_NUM_THREADS is read when libgomp
// loads, so omp_set_num_threads(1) is called (looked up with dlsym: no -fopenmp needed here).
#include <dlfcn.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "peers/peers_common.hpp"

namespace simdense::bench::peers {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dnnl::prop_kind;

dnnl::engine& eng() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

memory mem(const memory::dims& dims, tag t, float* p) { return memory({dims, dt::f32, t}, eng(), p); }

void eltwise(benchmark::State& st, Activation f, algorithm alg, float alpha, std::size_t n, float sd = kActSd) {
  ActData d(n, sd);
  const memory::dims dims = {memory::dim(n)};
  memory src = mem(dims, tag::a, d.x.data()), dst = mem(dims, tag::a, d.y.data());
  dnnl::eltwise_forward prim(dnnl::eltwise_forward::primitive_desc(
      dnnl::eltwise_forward::desc(prop_kind::forward_inference, alg, src.get_desc(), alpha, 0.0f), eng()));
  dnnl::stream s(eng());
  auto call = [&] {
    prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    s.wait();
  };
  call();
  if (!check_act(st, f, d, n, false)) return;
  for (auto _ : st) {
    call();
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  act_counters(st, n, false);
}

void softmax(benchmark::State& st, SoftmaxShape sh, bool log) {
  const std::size_t total = sh.rows * sh.n;
  PageBuffer x(total, 0), y(total, 2048);
  fill_normal(x.data(), total, 42, 0.0f, 4.0f);
  const auto want = softmax_reference(x.data(), sh.rows, sh.n, log);
  const memory::dims dims = {memory::dim(sh.rows), memory::dim(sh.n)};
  memory src = mem(dims, tag::ab, x.data()), dst = mem(dims, tag::ab, y.data());
  dnnl::primitive prim;
  if (log)
    prim = dnnl::logsoftmax_forward(dnnl::logsoftmax_forward::primitive_desc(
        dnnl::logsoftmax_forward::desc(prop_kind::forward_inference, src.get_desc(), 1), eng()));
  else
    prim = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
        dnnl::softmax_forward::desc(prop_kind::forward_inference, src.get_desc(), 1), eng()));
  dnnl::stream s(eng());
  auto call = [&] {
    prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    s.wait();
  };
  call();
  if (!check_close(st, y.data(), want.data(), total, 1e-4, log ? 1.0 : 1e-30)) return;
  for (auto _ : st) {
    call();
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  softmax_counters(st, total);
}

// y = W x + b: src {1, n}, weights {m, n} (oi), bias {m}, dst {1, m}.
void ip(benchmark::State& st, MatShape sh) {
  MatvecData d(sh);
  const auto m = memory::dim(sh.m), n = memory::dim(sh.n);
  memory src = mem({1, n}, tag::nc, d.x.data()), w = mem({m, n}, tag::oi, d.W.data()),
         b = mem({m}, tag::x, d.b.data()), dst = mem({1, m}, tag::nc, d.y.data());
  dnnl::inner_product_forward prim(dnnl::inner_product_forward::primitive_desc(
      dnnl::inner_product_forward::desc(prop_kind::forward_inference, src.get_desc(), w.get_desc(),
                                        b.get_desc(), dst.get_desc()),
      eng()));
  dnnl::stream s(eng());
  auto call = [&] {
    prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}});
    s.wait();
  };
  run_matvec(st, d, sh, call);
}

// y = W^T v: outputs n, inputs m; W (m x n row-major) is the {O = n, I = m} weights in io layout.
void ip_t(benchmark::State& st, MatShape sh) {
  MatvecTData d(sh);
  const auto m = memory::dim(sh.m), n = memory::dim(sh.n);
  memory src = mem({1, m}, tag::nc, d.v.data()), w = mem({n, m}, tag::io, d.W.data()),
         dst = mem({1, n}, tag::nc, d.y.data());
  dnnl::inner_product_forward prim(dnnl::inner_product_forward::primitive_desc(
      dnnl::inner_product_forward::desc(prop_kind::forward_inference, src.get_desc(), w.get_desc(),
                                        dst.get_desc()),
      eng()));
  dnnl::stream s(eng());
  auto call = [&] {
    prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, dst}});
    s.wait();
  };
  run_matvec(st, d, sh, call);
}

const char* isa_label(dnnl::cpu_isa i) {
  switch (i) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

void register_onednn() {
  int threads = -1;
  if (auto set = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"))) set(1);
  if (auto get = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"))) threads = get();
  const auto* v = dnnl::version();
  benchmark::AddCustomContext("peer_onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                                 std::to_string(v->patch) + " isa " +
                                                 isa_label(dnnl::get_effective_cpu_isa()) +
                                                 " omp_threads " + std::to_string(threads));
  struct E {
    const char* name;
    Activation f;
    algorithm alg;
    float alpha;
  };
  const E fns[] = {{"sigmoid", Activation::sigmoid, algorithm::eltwise_logistic, 0.0f},
                   {"tanh", Activation::tanh, algorithm::eltwise_tanh, 0.0f},
                   {"relu", Activation::relu, algorithm::eltwise_relu, 0.0f},
                   {"elu", Activation::elu, algorithm::eltwise_elu, 1.0f},
                   {"silu", Activation::silu, algorithm::eltwise_swish, 1.0f},
                   {"gelu", Activation::gelu, algorithm::eltwise_gelu_erf, 0.0f},
                   {"gelu_tanh", Activation::gelu_tanh, algorithm::eltwise_gelu_tanh, 0.0f}};
  for (std::size_t n : activation_sizes())
    for (const E& e : fns)
      add_named(std::string(e.name) + "/onednn/" + size_label(n),
                [e, n](benchmark::State& st) { eltwise(st, e.f, e.alg, e.alpha, n); });
  for (const E& e : fns)
    add_named(std::string(e.name) + "_sd12/onednn/" + size_label(kWideN),
              [e](benchmark::State& st) { eltwise(st, e.f, e.alg, e.alpha, kWideN, kWideSd); });
  for (bool log : {false, true})
    for (SoftmaxShape s : softmax_shapes())
      add_named(std::string(log ? "log_softmax" : "softmax") + "/onednn/" + softmax_label(s),
                [s, log](benchmark::State& st) { softmax(st, s, log); });
  for (MatShape s : matvec_shapes()) {
    add_named("matvec/onednn/" + mat_label(s), [s](benchmark::State& st) { ip(st, s); });
    add_named("matvec_t/onednn/" + mat_label(s), [s](benchmark::State& st) { ip_t(st, s); });
  }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(peers_onednn, register_onednn);
}  // namespace simdense::bench::peers
