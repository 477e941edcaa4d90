// exp and log1p over arrays: scalar reference vs every ISA.
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench {
namespace {

void unary(benchmark::State& st, void (*fn)(const float*, float*, std::size_t), std::size_t n,
           float mean, float sd) {
  PageBuffer x(n, 0), y(n, 2048), want(n, 0);
  fill_normal(x.data(), n, 42, mean, sd);
  {
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    fn(x.data(), want.data(), n);
    set_isa(isa);
  }
  fn(x.data(), y.data(), n);
  if (!check_close(st, y.data(), want.data(), n, 4e-7)) return;
  for (auto _ : st) {
    fn(x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(n) * 8);
}

void register_math() {
  std::vector<std::size_t> sizes = {1 << 10, 1 << 16};
  if (full_profile()) sizes.push_back(1 << 22);
  for (Isa isa : bench_isas())
    for (std::size_t n : sizes) {
      add("exp", isa, size_label(n), [n](benchmark::State& st) {
        unary(st, simdense::exp, n, 0.0f, 4.0f);
      });
      add("log1p", isa, size_label(n), [n](benchmark::State& st) {
        unary(st, simdense::log1p, n, 4.0f, 1.0f);
      });
    }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(math, register_math);
}  // namespace simdense::bench
