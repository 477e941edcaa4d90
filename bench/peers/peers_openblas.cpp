// OpenBLAS peers, single-threaded (openblas_set_num_threads(1)): y = W x + b (b copied to y,
// then cblas_sgemv with beta = 1), W^T v (sgemv, CblasTrans) and the rank-1 update (cblas_sger).
// The core OpenBLAS selected at run time (OPENBLAS_CORETYPE may force one) goes to the run
// context as peer_openblas_core.
#include <cblas.h>

#include "peers/peers_common.hpp"

namespace simdense::bench::peers {
namespace {

void gemv(benchmark::State& st, MatShape s) {
  MatvecData d(s);
  auto call = [&] {
    std::memcpy(d.y.data(), d.b.data(), s.m * sizeof(float));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(s.m), int(s.n), 1.0f, d.W.data(), int(s.n),
                d.x.data(), 1, 1.0f, d.y.data(), 1);
  };
  run_matvec(st, d, s, call);
}

void gemv_t(benchmark::State& st, MatShape s) {
  MatvecTData d(s);
  auto call = [&] {
    cblas_sgemv(CblasRowMajor, CblasTrans, int(s.m), int(s.n), 1.0f, d.W.data(), int(s.n),
                d.v.data(), 1, 0.0f, d.y.data(), 1);
  };
  run_matvec(st, d, s, call);
}

void ger(benchmark::State& st, MatShape s) {
  OuterData d(s);
  auto call = [&](float a) {
    cblas_sger(CblasRowMajor, int(s.m), int(s.n), a, d.u.data(), 1, d.v.data(), 1, d.W.data(), int(s.n));
  };
  {
    const auto want = d.reference(0.5f);
    std::vector<float> save(d.W.data(), d.W.data() + s.m * s.n);
    call(0.5f);
    if (!check_close(st, d.W.data(), want.data(), want.size(), 1e-6, 1.0)) return;
    std::copy(save.begin(), save.end(), d.W.data());
  }
  for (auto _ : st) {
    call(1e-9f);
    benchmark::DoNotOptimize(d.W.data());
    benchmark::ClobberMemory();
  }
  mat_counters(st, s, 8);
}

void register_openblas() {
  openblas_set_num_threads(1);
  const char* core = openblas_get_corename();
  benchmark::AddCustomContext("peer_openblas_core", core ? core : "?");
  const char* forced = std::getenv("OPENBLAS_CORETYPE");
  if (forced && *forced) benchmark::AddCustomContext("peer_openblas_coretype_env", forced);
  for (MatShape s : matvec_shapes()) {
    add_named("matvec/openblas/" + mat_label(s), [s](benchmark::State& st) { gemv(st, s); });
    add_named("matvec_t/openblas/" + mat_label(s), [s](benchmark::State& st) { gemv_t(st, s); });
    if (s.m <= 4096) add_named("add_outer/openblas/" + mat_label(s), [s](benchmark::State& st) { ger(st, s); });
  }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(peers_openblas, register_openblas);
}  // namespace simdense::bench::peers
