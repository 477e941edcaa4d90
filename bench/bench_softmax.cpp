// softmax, log_softmax and the fused cross_entropy_grad: scalar reference vs every ISA, single
// rows of 10 / 1000 / 32000 (quick) and 1Mi (full) floats, and 256 rows x 1000.
//
// Bytes counted: one read of the logits and one write of the output (8 bytes per element), the
// minimum any softmax needs; `copy/scalar/<size>` (memcpy of the same bytes) is the measured
// memory-traffic bound to compare with at 1Mi.
#include <cstring>
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench {
namespace {

enum class Kind { softmax, log_softmax, ce_grad };

void run(benchmark::State& st, Kind kind, std::size_t rows, std::size_t n, float sd = 4.0f) {
  const std::size_t total = rows * n;
  PageBuffer x(total, 0), y(total, 2048), want(total, 0);
  fill_normal(x.data(), total, 42, 0.0f, sd);  // sd 4: logits of a trained classifier, spread ~ 30
  std::vector<std::size_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) labels[r] = (r * 7919) % n;
  auto call = [&](float* out) {
    switch (kind) {
      case Kind::softmax:
        if (rows == 1) simdense::softmax(x.data(), out, n);
        else simdense::softmax_batch(x.data(), out, rows, n, n);
        break;
      case Kind::log_softmax:
        if (rows == 1) simdense::log_softmax(x.data(), out, n);
        else simdense::log_softmax_batch(x.data(), out, rows, n, n);
        break;
      case Kind::ce_grad: {
        float loss;
        if (rows == 1) loss = simdense::cross_entropy_grad(x.data(), n, labels[0], out);
        else loss = simdense::cross_entropy_grad_batch(x.data(), labels.data(), out, rows, n, n);
        benchmark::DoNotOptimize(loss);
        break;
      }
    }
  };
  {
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    call(want.data());
    set_isa(isa);
  }
  call(y.data());
  if (!check_close(st, y.data(), want.data(), total, 4e-7, 1e-30)) return;
  for (auto _ : st) {
    call(y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(total));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(total) * 8);
}

void copy_bound(benchmark::State& st, std::size_t n) {
  PageBuffer x(n, 0), y(n, 2048);
  fill_normal(x.data(), n, 42);
  for (auto _ : st) {
    std::memcpy(y.data(), x.data(), n * sizeof(float));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(n) * 8);
}

void register_softmax() {
  struct Shape {
    std::size_t rows, n;
  };
  std::vector<Shape> shapes = {{1, 10}, {1, 1000}, {1, 32000}, {256, 1000}};
  if (full_profile()) shapes.push_back({1, 1 << 20});
  const std::pair<const char*, Kind> kinds[] = {{"softmax", Kind::softmax},
                                                {"log_softmax", Kind::log_softmax},
                                                {"cross_entropy_grad", Kind::ce_grad}};
  for (Isa isa : bench_isas())
    for (const auto& [name, kind] : kinds)
      for (const Shape s : shapes) {
        const std::string label =
            s.rows == 1 ? size_label(s.n) : std::to_string(s.rows) + "x" + size_label(s.n);
        add(name, isa, label, [kind = kind, s](benchmark::State& st) { run(st, kind, s.rows, s.n); });
      }
  // Wide logits, N(0, 12) (spread ~ 90), one row of 1000: entries down to e^-90 relative to
  // the max, where products reach float's subnormal range (README "Tails").
  for (Isa isa : bench_isas())
    for (const auto& [name, kind] : kinds)
      add(std::string(name) + "_sd12", isa, size_label(1000),
          [kind = kind](benchmark::State& st) { run(st, kind, 1, 1000, kWideSd); });
  if (full_profile())
    add("copy", Isa::scalar, size_label(1 << 20),
        [](benchmark::State& st) { copy_bound(st, 1 << 20); });
}

}  // namespace
SIMDENSE_BENCH_FAMILY(softmax, register_softmax);
}  // namespace simdense::bench
