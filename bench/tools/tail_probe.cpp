// tail_probe: ns per 1Ki call of each activation (forward and backward) on constant inputs, one
// column per x: where the tails (|x| > 9 ... 1000) cost more than x = -1. A microcode assist
// per vector shows as 10-50x (README "Tails"). Runs the active ISA (SIMDENSE_ISA=avx2 ... to
// choose); best of 200 runs of 20 calls. A measuring tool, not a test.
//
//   build/release/bench/tail_probe [function ...]      (default: all)
#include <simdense/simdense.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using simdense::Activation;

// The activations with an exponential tail (relu and leaky relu have none), forward then
// backward; names from simdense::activation_name.
const Activation kTails[] = {Activation::sigmoid, Activation::tanh,      Activation::elu,
                             Activation::silu,    Activation::gelu,      Activation::gelu_tanh,
                             Activation::softplus};

}  // namespace

int main(int argc, char** argv) {
  const std::vector<float> xs = {-1.0f, -20.0f, -50.0f, -70.0f, -90.0f, -100.0f, -108.0f, -130.0f,
                                 -1000.0f, 20.0f, 50.0f, 90.0f, 100.0f, 1000.0f};
  constexpr std::size_t n = 1024;
  std::vector<float> x(n), y(n), dy(n, 0.5f);
  std::printf("isa %s, ns per call of %zu floats\n%-15s", simdense::isa_name(simdense::active_isa()), n, "x");
  for (float v : xs) std::printf(" %7g", v);
  std::printf("\n");
  for (int grad = 0; grad < 2; ++grad)
    for (Activation f : kTails) {
      const std::string name = std::string(simdense::activation_name(f)) + (grad ? "_grad" : "");
      bool want = argc < 2;
      for (int i = 1; i < argc; ++i) want = want || name == argv[i];
      if (!want) continue;
      std::printf("%-15s", name.c_str());
      for (float v : xs) {
        for (auto& e : x) e = v;
        double best = 1e300;
        for (int r = 0; r < 200; ++r) {
          const auto t0 = std::chrono::steady_clock::now();
          for (int k = 0; k < 20; ++k) {
            if (grad) {
              simdense::activation_grad(f, x.data(), dy.data(), y.data(), n);
            } else {
              simdense::activation(f, x.data(), y.data(), n);
            }
          }
          const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / 20;
          best = ns < best ? ns : best;
        }
        std::printf(" %7.0f", best);
      }
      std::printf("\n");
    }
  return 0;
}
