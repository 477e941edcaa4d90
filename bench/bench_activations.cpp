// Activations forward (y = f(x)) and backward (dx = dy * f'(x)): scalar reference vs every ISA.
// Names: <f>/<isa>/<size> and <f>_grad/<isa>/<size>; `copy` (identity forward, a plain
// load/store pass) gives the memory bound in the same run. Quick profile: 1Ki and 64Ki floats;
// full profile adds 4Mi and 64Mi.
#include <algorithm>
#include <vector>

#include "support/bench_util.hpp"

namespace simdense::bench {
namespace {

struct Fn {
  const char* name;
  Activation f;
};

const Fn kFns[] = {{"sigmoid", Activation::sigmoid},   {"tanh", Activation::tanh},
                   {"relu", Activation::relu},         {"leaky_relu", Activation::leaky_relu},
                   {"elu", Activation::elu},           {"silu", Activation::silu},
                   {"gelu", Activation::gelu},         {"gelu_tanh", Activation::gelu_tanh},
                   {"softplus", Activation::softplus}};

// The result is checked once against the scalar ISA on a prefix (64Mi inputs would need
// another 256 MiB for the full reference). Tolerance: the documented bounds (<= 16 ULP),
// absolute near 0 (derivative roots).
constexpr std::size_t kCheck = std::size_t(1) << 18;

void forward(benchmark::State& st, Activation f, std::size_t n, float sd = kActSd) {
  PageBuffer x(n, 0), y(n, 2048);
  fill_normal(x.data(), n, 42, 0.0f, sd);
  const std::size_t nc = std::min(n, kCheck);
  std::vector<float> want(nc);
  {
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    activation(f, x.data(), want.data(), nc);
    set_isa(isa);
  }
  activation(f, x.data(), y.data(), n);
  if (!check_close(st, y.data(), want.data(), nc, 2e-6, 1e-6)) return;
  for (auto _ : st) {
    activation(f, x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(n) * 8);  // read x, write y
}

void backward(benchmark::State& st, Activation f, std::size_t n, float sd = kActSd) {
  PageBuffer x(n, 0), dy(n, 1024), dx(n, 2048);
  fill_normal(x.data(), n, 42, 0.0f, sd);
  fill_normal(dy.data(), n, 43, 0.0f, 1.0f);
  const std::size_t nc = std::min(n, kCheck);
  std::vector<float> want(nc);
  {
    const Isa isa = active_isa();
    set_isa(Isa::scalar);
    activation_grad(f, x.data(), dy.data(), want.data(), nc);
    set_isa(isa);
  }
  activation_grad(f, x.data(), dy.data(), dx.data(), n);
  // Near a derivative root the bound is absolute (1e-7 * |dy|): floor 0.25 -> 1e-6 absolute.
  if (!check_close(st, dx.data(), want.data(), nc, 4e-6, 0.25)) return;
  for (auto _ : st) {
    activation_grad(f, x.data(), dy.data(), dx.data(), n);
    benchmark::DoNotOptimize(dx.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
  st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(n) * 12);  // x, dy, dx
}

void register_activations() {
  std::vector<std::size_t> sizes = {std::size_t(1) << 10, std::size_t(1) << 16};
  if (full_profile()) {
    sizes.push_back(std::size_t(1) << 22);
    sizes.push_back(std::size_t(1) << 26);
  }
  for (Isa isa : bench_isas())
    for (std::size_t n : sizes) {
      add("copy", isa, size_label(n), [n](benchmark::State& st) {
        forward(st, Activation::identity, n);
      });
      for (const Fn& fn : kFns) {
        const Activation f = fn.f;
        add(fn.name, isa, size_label(n), [f, n](benchmark::State& st) { forward(st, f, n); });
        add(std::string(fn.name) + "_grad", isa, size_label(n),
            [f, n](benchmark::State& st) { backward(st, f, n); });
      }
    }
  // Wide inputs (kWideSd, kWideN: support/bench_util.hpp). Compare with <f>/<isa>/64Ki: a large
  // ratio is a performance cliff (e.g. microcode assists for subnormal results; README "Tails").
  for (Isa isa : bench_isas())
    for (const Fn& fn : kFns) {
      const Activation f = fn.f;
      add(std::string(fn.name) + "_sd12", isa, size_label(kWideN),
          [f](benchmark::State& st) { forward(st, f, kWideN, kWideSd); });
      add(std::string(fn.name) + "_grad_sd12", isa, size_label(kWideN),
          [f](benchmark::State& st) { backward(st, f, kWideN, kWideSd); });
    }
}

}  // namespace
SIMDENSE_BENCH_FAMILY(activations, register_activations);
}  // namespace simdense::bench
